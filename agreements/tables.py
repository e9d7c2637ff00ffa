"""Agreement tables.

``account_id`` and ``authority_id`` belong to the platform layer above, so they are stored
without foreign keys. A version's content (the rendered clauses and the terms) and its hash
are fixed once anyone has signed it: the database refuses the change (see the migration).
Signatures are append-only. A payment received against the schedule is one row, with the
ledger entry it posted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from agreements.statuses import AgreementStatus, RecoveryStatus, VersionStatus
from ledgers.columns import check_of, created_at_field, id_field, text_field


class AgreementRow(SQLModel, table=True):
    __tablename__ = "agreement_agreements"
    __table_args__ = (
        CheckConstraint(check_of("status", AgreementStatus), name="status"),
        CheckConstraint(
            "status <> 'terminated' OR (terminated_on IS NOT NULL AND termination_reason IS NOT NULL "
            "AND termination_notified_on IS NOT NULL AND termination_notified_on <= terminated_on)",
            name="termination",
        ),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = Field(index=True)
    authority_id: uuid.UUID = Field(index=True)
    reference: str = text_field(40)
    template_key: str = text_field(80)
    status: str = text_field(12, default=AgreementStatus.DRAFT.value)
    in_force_version: int | None = None
    terminated_on: date | None = None
    """The last day the agreement is in force."""
    termination_reason: str | None = text_field(40, default=None, nullable=True)
    termination_notified_on: date | None = None
    termination_explanation: str | None = text_field(None, default=None, nullable=True)
    created_at: datetime = created_at_field()


class AgreementVersionRow(SQLModel, table=True):
    __tablename__ = "agreement_versions"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        CheckConstraint(check_of("status", VersionStatus), name="status"),
        CheckConstraint("content_hash ~ '^[0-9a-f]{64}$'", name="content_hash"),
    )

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    number: int
    varies_number: int | None = None
    """The version in force that this one varies (None for the first)."""
    variation_reason: str | None = text_field(None, default=None, nullable=True)
    status: str = text_field(20, default=VersionStatus.DRAFT.value)
    content: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    content_hash: str = text_field(64)
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False, server_default="[]"))
    created_at: datetime = created_at_field()


class AgreementSignatureRow(SQLModel, table=True):
    __tablename__ = "agreement_signatures"
    __table_args__ = (
        UniqueConstraint("version_id", "party"),
        CheckConstraint("party IN ('holder', 'authority')", name="party"),
        CheckConstraint("capacity IN ('holder', 'representative', 'authority')", name="capacity"),
    )

    id: uuid.UUID = id_field()
    version_id: uuid.UUID = Field(foreign_key="agreement_versions.id", index=True)
    party: str = text_field(10)
    capacity: str = text_field(16)
    signer_user_id: uuid.UUID
    signer_name: str = text_field(200)
    content_hash: str = text_field(64)
    """The hash of the words the signer was shown; it must be the version's own."""
    signed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class AgreementPaymentRow(SQLModel, table=True):
    """A scheduled payment the authority has made, posted to the account's ledger."""

    __tablename__ = "agreement_payments"
    __table_args__ = (
        UniqueConstraint("agreement_id", "due_on"),
        CheckConstraint("amount_pence > 0", name="amount"),
    )

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    due_on: date
    received_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    ledger_entry_id: uuid.UUID
    created_at: datetime = created_at_field()


class AgreementLocalWordingRow(SQLModel, table=True):
    """An authority's own words for a localisable clause of a template, used for its new agreements.
    Versions already drafted keep the words they were drafted with."""

    __tablename__ = "agreement_local_wording"
    __table_args__ = (UniqueConstraint("authority_id", "template_key", "clause_id"),)

    id: uuid.UUID = id_field()
    authority_id: uuid.UUID = Field(index=True)
    template_key: str = text_field(80)
    clause_id: str = text_field(40)
    summary: str = text_field(None)
    text: str = text_field(None)
    updated_at: datetime = created_at_field()


class AgreementConversationRow(SQLModel, table=True):
    """A conversation with the person about money held beyond the threshold: who took part, what
    was found, and what the money is kept for. The statutory guidance (2022, "Underspent budgets
    and seeking repayment") asks for this before any repayment is sought."""

    __tablename__ = "agreement_conversations"
    __table_args__ = (CheckConstraint("kept_pence >= 0", name="kept"),)

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    held_on: date
    attendees: str = text_field(None)
    outcome: str = text_field(None)
    kept_for: str | None = text_field(None, default=None, nullable=True)
    """What some of the money is kept for (a planned short break, holiday pay owed, an insurance renewal)."""
    kept_pence: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    recorded_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()


class AgreementRecoveryRow(SQLModel, table=True):
    """A surplus the council recovers, after a recorded conversation: by invoice (the person pays it
    back) or by netting (the council pays that much less on a scheduled payment)."""

    __tablename__ = "agreement_recoveries"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount"),
        CheckConstraint("method IN ('invoice', 'netting')", name="method"),
        CheckConstraint(check_of("status", RecoveryStatus), name="status"),
        CheckConstraint("method = 'invoice' OR net_from_due_on IS NOT NULL", name="netting_date"),
        UniqueConstraint("agreement_id", "net_from_due_on"),
        UniqueConstraint("conversation_id"),
    )

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    conversation_id: uuid.UUID = Field(foreign_key="agreement_conversations.id")
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    method: str = text_field(10)
    net_from_due_on: date | None = None
    """For netting: the scheduled payment that is paid this much less."""
    status: str = text_field(10, default=RecoveryStatus.RAISED.value)
    raised_on: date
    settled_on: date | None = None
    raised_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()


class AgreementReviewRow(SQLModel, table=True):
    """A review of the Direct Payment held with the person: the next is due ``review_months`` later."""

    __tablename__ = "agreement_reviews"

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    held_on: date
    attendees: str = text_field(None)
    outcome: str = text_field(None)
    recorded_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()


class AgreementReturnRow(SQLModel, table=True):
    """A monitoring return for a period, sent by the person or whoever acts for them: the money held at
    its end, what was spent, and the evidence that goes with it."""

    __tablename__ = "agreement_returns"
    __table_args__ = (
        UniqueConstraint("agreement_id", "period_from"),
        CheckConstraint("period_to >= period_from", name="period"),
    )

    id: uuid.UUID = id_field()
    agreement_id: uuid.UUID = Field(foreign_key="agreement_agreements.id", index=True)
    period_from: date
    period_to: date
    closing_bank_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    spent_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    evidence: str = text_field(None)
    """What goes with it: the statements uploaded, receipts, timesheets."""
    notes: str | None = text_field(None, default=None, nullable=True)
    submitted_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()
