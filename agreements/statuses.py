"""Where an agreement, a version of it, a surplus recovery and a scheduled payment stand.

Stored as their values (text columns, checked by the database with ``ledgers.columns.check_of``) and
compared as members, so a misspelt status is a NameError at import, not a query that matches nothing.
"""

from __future__ import annotations

from enum import StrEnum


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    """No version has been signed by both sides yet."""
    IN_FORCE = "in_force"
    TERMINATED = "terminated"


class VersionStatus(StrEnum):
    DRAFT = "draft"
    """Its words can still change."""
    SIGNED_BY_HOLDER = "signed_by_holder"
    """Signed by the person (or their representative), waiting for the council."""
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    """A later version came into force."""
    WITHDRAWN = "withdrawn"


class RecoveryStatus(StrEnum):
    RAISED = "raised"
    """Asked for: an invoice to pay, or a netting off future payments."""
    SETTLED = "settled"


class ScheduledStatus(StrEnum):
    """A scheduled payment, read against the ledger (not stored)."""

    EXPECTED = "expected"
    RECEIVED = "received"
    MISSED = "missed"
    """Not in the ledger by its due day and the grace days after it."""
