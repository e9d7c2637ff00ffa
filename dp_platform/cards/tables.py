"""Direct Payment cards and money paid in by card, as the platform knows them from Stripe.

Stripe holds the card and the payment; these rows hold what the platform decided and posted, keyed by
Stripe's ids so that a webhook delivered twice finds the row it made the first time.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from dp_platform.cards.statuses import CardPaymentStatus, CardStatus
from ledgers.columns import check_of, created_at_field, fk_field, id_field, text_field


class StripeEventRow(SQLModel, table=True):
    """Every Stripe event the platform acted on, by its id: a second delivery finds it and changes nothing."""

    __tablename__ = "platform_stripe_events"

    id: str = Field(sa_type=String(255), primary_key=True)
    type: str = text_field(100)
    created: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    """When Stripe made the event: what orders events that arrive out of order."""
    account_id: uuid.UUID | None = Field(default=None, foreign_key="platform_dp_accounts.id", index=True)
    outcome: str = text_field(300)
    received_at: datetime = created_at_field()


class CardRow(SQLModel, table=True):
    """A Stripe Issuing card on a DP account, issued by the council or provider running the programme."""

    __tablename__ = "platform_cards"
    __table_args__ = (
        CheckConstraint(check_of("status", CardStatus), name="status"),
        CheckConstraint("card_type IN ('virtual', 'physical')", name="card_type"),
        UniqueConstraint("account_id", "idempotency_key"),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = fk_field("platform_dp_accounts.id")
    stripe_card_id: str = text_field(255, unique=True)
    stripe_cardholder_id: str = text_field(255)
    cardholder_name: str = text_field(200)
    """The holder, or the representative who uses the card for them."""
    card_type: str = text_field(10)
    last4: str = text_field(4)
    status: str = text_field(10, default=CardStatus.ACTIVE.value)
    issued_on: date
    issued_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    status_reason: str | None = text_field(300, default=None, nullable=True)
    """Why it was last frozen or cancelled, in the words of who did it."""
    idempotency_key: str = text_field(200)
    created_at: datetime = created_at_field()


class CardAuthorisationRow(SQLModel, table=True):
    """One answer the platform gave Stripe at the till, and the rule that made it."""

    __tablename__ = "platform_card_authorisations"

    id: uuid.UUID = id_field()
    stripe_authorization_id: str = text_field(255, unique=True)
    card_id: uuid.UUID = fk_field("platform_cards.id")
    account_id: uuid.UUID = fk_field("platform_dp_accounts.id")
    requested_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    merchant_name: str = text_field(300)
    merchant_code: str | None = text_field(4, default=None, nullable=True)
    category: str | None = text_field(60, default=None, nullable=True)
    approved: bool
    reason: str = text_field(1000)
    """The sentence the holder reads: why it went through, or why it did not."""
    rule_ids: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String(120)), nullable=False))
    """The rules (or the card and balance checks: ``CARD:FROZEN``, ``CARD:FREE_BALANCE``) that decided."""
    held_pence: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    """What an approval holds out of the free balance until the spend is captured (0 once it is)."""
    created_at: datetime = created_at_field()


class CardTransactionRow(SQLModel, table=True):
    """A captured spend or a refund on a card, posted to the account's ledger once."""

    __tablename__ = "platform_card_transactions"
    __table_args__ = (CheckConstraint("kind IN ('capture', 'refund')", name="kind"),)

    id: uuid.UUID = id_field()
    stripe_transaction_id: str = text_field(255, unique=True)
    card_id: uuid.UUID = fk_field("platform_cards.id")
    account_id: uuid.UUID = fk_field("platform_dp_accounts.id")
    authorisation_id: uuid.UUID | None = Field(default=None, foreign_key="platform_card_authorisations.id")
    kind: str = text_field(10)
    occurred_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    """Signed as the card sees it: a spend is negative, a refund positive."""
    merchant_name: str = text_field(300)
    merchant_code: str | None = text_field(4, default=None, nullable=True)
    category: str = text_field(60)
    entry_id: uuid.UUID = Field(foreign_key="ledger_journal_entries.id", unique=True)
    created_at: datetime = created_at_field()


class StripePayerRow(SQLModel, table=True):
    """Whom Stripe charges for money paid in on this account: a customer and the card or Direct Debit
    mandate the council set up with them (in Stripe, with the payer's consent)."""

    __tablename__ = "platform_stripe_payers"

    account_id: uuid.UUID = Field(primary_key=True, foreign_key="platform_dp_accounts.id")
    stripe_customer_id: str = text_field(255)
    stripe_payment_method_id: str = text_field(255)
    description: str = text_field(200)
    """What the payment method is, as Stripe describes it (``Visa ending 4242``)."""
    updated_at: datetime = created_at_field()


class CardPaymentRow(SQLModel, table=True):
    """Money asked for through a Stripe PaymentIntent: the person's contribution or a surplus recovery."""

    __tablename__ = "platform_card_payments"
    __table_args__ = (
        CheckConstraint("purpose IN ('contribution', 'recovery')", name="purpose"),
        CheckConstraint(check_of("status", CardPaymentStatus), name="status"),
        CheckConstraint("(purpose = 'recovery') = (recovery_id IS NOT NULL)", name="recovery_named"),
        UniqueConstraint("account_id", "idempotency_key"),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = fk_field("platform_dp_accounts.id")
    stripe_payment_intent_id: str = text_field(255, unique=True)
    purpose: str = text_field(20)
    recovery_id: uuid.UUID | None = Field(default=None, foreign_key="agreement_recoveries.id")
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    status: str = text_field(12, default=CardPaymentStatus.PROCESSING.value)
    status_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    """When Stripe made the event that set the status: an older event never overwrites a newer one."""
    failure: str | None = text_field(500, default=None, nullable=True)
    idempotency_key: str = text_field(200)
    requested_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    entry_id: uuid.UUID | None = Field(default=None, foreign_key="ledger_journal_entries.id", unique=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = created_at_field()
