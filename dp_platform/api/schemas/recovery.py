from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

import msgspec

from dp_platform.api.schemas.base import Schema


class ConversationIn(Schema):
    held_on: date
    attendees: Annotated[str, msgspec.Meta(max_length=500)]
    """Who took part: the person, their carer or representative, the social worker."""
    outcome: str
    """Why the money is there and what was agreed."""
    kept_for: str | None = None
    kept_pence: int = 0
    """Money the person keeps for a purpose (a planned short break, holiday pay owed): never recovered."""


class ConversationOut(Schema):
    id: uuid.UUID
    held_on: date
    attendees: str
    outcome: str
    kept_for: str | None
    kept_pence: int


class RecoveryIn(Schema):
    conversation_id: uuid.UUID
    amount_pence: int
    method: Literal["invoice", "netting"]
    net_from_due_on: date | None = None
    """For netting: the scheduled payment to pay that much less."""


class RecoveryPaidIn(Schema):
    paid_on: date


class RecoveryOut(Schema):
    id: uuid.UUID
    conversation_id: uuid.UUID
    amount_pence: int
    method: str
    net_from_due_on: date | None
    status: str
    raised_on: date
    settled_on: date | None


class UpcomingPaymentOut(Schema):
    due_on: date
    net_pence: int


class SurplusOut(Schema):
    surplus_pence: int
    """Money free to spend above the threshold today."""
    conversations: list[ConversationOut]
    recoveries: list[RecoveryOut]
    upcoming: list[UpcomingPaymentOut]
