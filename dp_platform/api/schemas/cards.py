from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from dp_platform.api.schemas.base import Schema
from dp_platform.api.schemas.ledger import Key

Line = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class CardAddressIn(Schema):
    line1: Line
    city: Line
    postal_code: Annotated[str, msgspec.Meta(min_length=2, max_length=10)]


class CardIssueIn(Schema):
    cardholder_name: Line
    """Who uses the card: the person, or their representative for them."""
    address: CardAddressIn
    """The cardholder's billing address in the UK (a physical card is posted there)."""
    card_type: Literal["virtual", "physical"]
    idempotency_key: Key
    email: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class CardChangeIn(Schema):
    reason: Annotated[str, msgspec.Meta(max_length=300)] = ""
    lost_or_stolen: Literal["lost", "stolen"] | None = None
    """Only when cancelling."""


class CardOut(Schema):
    id: uuid.UUID
    cardholder_name: str
    card_type: str
    last4: str
    status: str
    """``active``, ``frozen`` or ``cancelled``."""
    issued_on: date
    status_reason: str | None


class CardAuthorisationOut(Schema):
    id: uuid.UUID
    card_id: uuid.UUID
    requested_at: datetime
    amount_pence: int
    merchant_name: str
    merchant_code: str | None
    category: str | None
    approved: bool
    reason: str
    """Why, in the words the holder reads."""
    rule_ids: list[str]
    held_pence: int
    """Still held out of the free balance, until the spend is taken."""


class CardTransactionOut(Schema):
    id: uuid.UUID
    card_id: uuid.UUID
    kind: str
    occurred_on: date
    amount_pence: int
    """A spend is negative, a refund positive, as the card sees it."""
    merchant_name: str
    category: str
    entry_id: uuid.UUID
    """The ledger entry it was posted as."""


class PayerIn(Schema):
    customer: Annotated[str, msgspec.Meta(min_length=4, max_length=255)]
    """The Stripe customer (``cus_...``) the council set up for whoever pays."""
    payment_method: Annotated[str, msgspec.Meta(min_length=4, max_length=255)]
    """Their saved card or Direct Debit mandate in Stripe (``pm_...``)."""


class PayerOut(Schema):
    customer: str
    payment_method: str
    description: str


class CardPaymentIn(Schema):
    purpose: Literal["contribution", "recovery"]
    amount_pence: Annotated[int, msgspec.Meta(gt=0, le=10_000_000_00)]
    idempotency_key: Key
    recovery_id: uuid.UUID | None = None
    """For a recovery: the surplus invoice it pays."""


class CardPaymentOut(Schema):
    id: uuid.UUID
    purpose: str
    amount_pence: int
    status: str
    """``processing`` until Stripe says it was paid (``succeeded``), ``failed`` or ``cancelled``."""
    failure: str | None
    recovery_id: uuid.UUID | None
    entry_id: uuid.UUID | None
    created_at: datetime
