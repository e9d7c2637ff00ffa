from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from dp_platform.api.schemas.base import Schema


class PortfolioLineOut(Schema):
    account_id: uuid.UUID
    reference: str
    holder_name: str
    bank_pence: int
    owed_pence: int
    """Net wages, PAYE and NI, pension, and surplus repayable, as the ledger stands."""
    free_pence: int
    due_to_date_pence: int
    """The council's scheduled payments due on or before today (net of the person's contribution)."""
    received_pence: int
    not_arrived: int
    next_due_on: date | None
    open_reviews: int
    statements_to: date | None
    reconciled_to: date | None
    """Every bank line up to this day is matched to the records."""
    weeks_held: Decimal | None
    """Money free to spend, in weeks of the agreement's budget."""
    period_from: date | None
    period_to: date | None
    budget_period_pence: int | None
    """What the agreement gives for the payment period today falls in, before any contribution."""
    spent_period_pence: int
    hours_paid: Decimal | None
    hours_agreed: Decimal | None
    """In the period of the latest finalised pay run."""
    open_exceptions: int
    next_review_on: date | None
    needs_attention: bool
