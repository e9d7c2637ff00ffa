from __future__ import annotations

import uuid
from datetime import date

from dp_platform.api.schemas.base import Schema


class ReviewIn(Schema):
    held_on: date
    attendees: str
    outcome: str
    """Whether the support meets the person's outcomes, and what changes."""


class ReviewOut(Schema):
    id: uuid.UUID
    held_on: date
    attendees: str
    outcome: str


class ReturnIn(Schema):
    period_from: date
    """The first day of one of the agreement's return periods (see the account's monitoring)."""
    closing_bank_pence: int
    spent_pence: int
    evidence: str
    notes: str | None = None


class ReturnPeriodOut(Schema):
    period_from: date
    period_to: date
    due_on: date
    status: str
    """``sent``, ``due`` (not yet late) or ``overdue``."""
    closing_bank_pence: int | None
    spent_pence: int | None
    evidence: str | None


class MonitoringOut(Schema):
    agreement_id: uuid.UUID
    reference: str
    review_due_on: date
    reviews: list[ReviewOut]
    returns: list[ReturnPeriodOut]


class DueOut(Schema):
    account_id: uuid.UUID
    reference: str
    holder_name: str
    what: str
    """``review`` or ``return``."""
    due_on: date
    overdue: bool
    period_from: date | None
    period_to: date | None
