from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema

Key = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class PostingIn(Schema):
    account: Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
    """A ledger account code, e.g. ``expenses:pa_wages:gross``."""
    amount_pence: int
    """Debit positive, credit negative; the postings of an entry sum to zero."""


class EntryIn(Schema):
    occurred_on: date
    narration: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    postings: Annotated[list[PostingIn], msgspec.Meta(min_length=2, max_length=100)]
    idempotency_key: Key
    """Retrying with the same key and body returns the first result; another body is a 409."""


class EntryReverseIn(Schema):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    idempotency_key: Key
    occurred_on: date | None = None
    """Defaults to the original entry's date."""


class PostingOut(Schema):
    account: str
    amount_pence: int
    account_version: int
    balance_after_pence: int


class EntryOut(Schema):
    id: uuid.UUID
    occurred_on: date
    recorded_at: datetime
    narration: str
    source: str
    idempotency_key: str
    reverses_entry_id: uuid.UUID | None
    postings: list[PostingOut]


class LedgerAccountOut(Schema):
    code: str
    name: str
    type: str
    balance_pence: int
    """Debit positive, as stored."""
    natural_balance_pence: int
    """As a person reads it: money in the bank, money owed, money spent."""


class LedgerOut(Schema):
    on: date | None
    accounts: list[LedgerAccountOut]


class TrialBalanceOut(Schema):
    on: date | None
    accounts: list[LedgerAccountOut]
    total_debit_pence: int
    total_credit_pence: int
    balanced: bool


class SpendTotalOut(Schema):
    account: str
    name: str
    spent_pence: int


class SpendOut(Schema):
    occurred_from: date
    occurred_to: date
    lines: list[SpendTotalOut]
    total_pence: int


class LedgerAccountOpenIn(Schema):
    code: Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    opened_on: date


class LedgerAccountCloseIn(Schema):
    code: Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
    closed_on: date


class LedgerAccountStateOut(Schema):
    code: str
    name: str
    opened_on: date
    closed_on: date | None
    balance_pence: int
