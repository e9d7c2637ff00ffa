"""Where a pay run stands. Stored as its value (the column is text, checked by the database), compared
as a member, so a misspelt status is a NameError at import, not a query that quietly matches nothing."""

from __future__ import annotations

from enum import StrEnum


class PayRunStatus(StrEnum):
    DRAFT = "draft"
    """Recalculated whenever it is drafted again; pays nothing yet."""
    FINALISED = "finalised"
    """Posted to the ledger; its hours are paid and can no longer change."""
    REVERSED = "reversed"
    """Its ledger entry reversed to correct it; the period is drafted again as a new version."""
