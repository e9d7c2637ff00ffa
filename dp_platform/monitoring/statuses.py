"""Where a council's exception stands: the case staff keep, and the state a person reads."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    """Stored on the case staff keep about an exception."""

    OPEN = "open"
    RESOLVED = "resolved"


class ExceptionState(StrEnum):
    """What the queue shows: a case resolved by staff, a finding still there, or one the data no longer shows."""

    OPEN = "open"
    CLEARED = "cleared"
    """Put right in the records, not resolved by staff."""
    RESOLVED = "resolved"
