"""Where a spend review stands: an approval asked of the council, or an exception to clear.

Stored as its value (checked by the database with ``ledgers.columns.check_of``) and compared as a
member, so a misspelt status is a NameError at import, not a query that matches nothing.
"""

from __future__ import annotations

from enum import StrEnum


class ReviewStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    DECLINED = "declined"
    RESOLVED = "resolved"
    """An exception the council has cleared, with its reason."""
    WITHDRAWN = "withdrawn"
    """The spending it was about changed, so a new review replaced it."""
