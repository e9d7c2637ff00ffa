"""Where a card and a card payment stand, named once for the table's check and every comparison."""

from __future__ import annotations

from enum import StrEnum


class CardStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    """Pays nothing until unfrozen."""
    CANCELLED = "cancelled"
    """For good: lost, stolen or no longer wanted."""


class CardPaymentStatus(StrEnum):
    """Stripe's PaymentIntent states the platform keeps (its own spelling of "canceled")."""

    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    """Money received: final."""
    FAILED = "failed"
    CANCELLED = "cancelled"
