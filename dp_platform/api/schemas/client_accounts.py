from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema


class ClientAccountIn(Schema):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    opened_on: date


class ClientAccountOut(Schema):
    id: uuid.UUID
    name: str
    opened_on: date


class ClientIn(Schema):
    account_id: uuid.UUID
    """The person's DP account; the provider must hold their mandate with the ``manage_money`` scope."""
    reference: Annotated[str, msgspec.Meta(min_length=3, max_length=40)]
    """What the bank lines for them carry: the council's payment reference, the provider's own on wages."""
    joined_on: date


class ClientLeaveIn(Schema):
    left_on: date


class ClientOut(Schema):
    account_id: uuid.UUID
    name: str
    reference: str
    joined_on: date
    left_on: date | None


class AssignmentsOut(Schema):
    by_reference: int
    by_memory: int
    by_hand: int
    waiting: int
    """Lines of the client account still given to nobody."""


class ClientStatementImportOut(Schema):
    statement_id: uuid.UUID
    format: str
    lines_in_file: int
    new_lines: int
    start_on: date
    end_on: date
    duplicate_file: bool
    assigned: AssignmentsOut


class AssignLineIn(Schema):
    account_id: uuid.UUID | None
    """The person the line is for; null for the provider's own money (its fees taken out)."""


class WaitingLineOut(Schema):
    id: uuid.UUID
    value_on: date
    description: str
    amount_pence: int
    reference: str | None


class ClientCheckOut(Schema):
    account_id: uuid.UUID
    name: str
    reference: str
    sub_ledger_pence: int
    """What the client account's book holds for them."""
    own_records_pence: int
    """Their share as the lines in their own account say."""
    agrees: bool


class ClientMoneyCheckOut(Schema):
    on: date
    bank_pence: int | None
    """The bank's balance on the latest statement to that day, when the statement gives one."""
    statement_on: date | None
    ledger_bank_pence: int
    clients_pence: int
    own_money_pence: int
    unassigned_pence: int
    unassigned_lines: int
    difference_pence: int
    balanced: bool
    problems: list[str]
    clients: list[ClientCheckOut]


class HeldByOut(Schema):
    """Who holds a person's Direct Payment, how much of it, and how the provider's check stands."""

    provider: str
    client_account: str
    client_account_id: uuid.UUID
    reference: str
    held_pence: int
    on: date
    balanced: bool
    problems: list[str]


class ChargeFeesIn(Schema):
    on: date
    """Charge every fee the clients' agreements make due up to and including this day."""


class FeesChargedOut(Schema):
    charged: int
    total_pence: int
