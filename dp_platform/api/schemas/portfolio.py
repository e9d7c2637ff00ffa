from __future__ import annotations

import uuid
from datetime import date

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
    needs_attention: bool
