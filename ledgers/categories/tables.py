"""Spend-check tables: the category of each outgoing bank line, the reviews a spend opened
(an approval to ask for, or an exception to look at), and authorities' local rules.

``book_id`` is the DP account; ``authority_id`` belongs to the platform layer; neither has a
foreign key here. A review keeps its decision, who made it and why; the audit trail holds
every change to it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from ledgers.categories.statuses import ReviewStatus
from ledgers.columns import check_of, created_at_field, id_field, text_field


class LineCategoryRow(SQLModel, table=True):
    __tablename__ = "ledger_spend_line_categories"
    __table_args__ = (
        CheckConstraint("source IN ('payee_history', 'mcc', 'keywords', 'person', 'payroll')", name="source"),
        CheckConstraint(
            "relationship IN ('none', 'family_member', 'guardian', 'continuing_attorney', 'welfare_attorney')",
            name="relationship",
        ),
    )

    line_id: uuid.UUID = Field(primary_key=True, foreign_key="ledger_statement_lines.id")
    book_id: uuid.UUID = Field(index=True)
    payee_key: str = text_field(120)
    category: str = text_field(40)
    source: str = text_field(16)
    reason: str = text_field(300)
    confirmed: bool = False
    outcome: str | None = text_field(40, default=None, nullable=True)
    relationship: str = text_field(24, default="none")
    confirmed_by_user_id: uuid.UUID | None = None
    updated_at: datetime = created_at_field()


class SpendReviewRow(SQLModel, table=True):
    __tablename__ = "ledger_spend_reviews"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id"),
        CheckConstraint("kind IN ('approval', 'exception')", name="kind"),
        CheckConstraint(check_of("status", ReviewStatus), name="status"),
        CheckConstraint("subject_type IN ('statement_line', 'journal_entry')", name="subject_type"),
    )

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    subject_type: str = text_field(20)
    subject_id: uuid.UUID
    occurred_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    payee_key: str = text_field(120)
    description: str = text_field(500)
    category: str = text_field(40)
    kind: str = text_field(10)
    decision: str = text_field(30)
    rule_ids: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    sentence: str = text_field(None)
    status: str = text_field(10, default=ReviewStatus.OPEN.value)
    decided_by_user_id: uuid.UUID | None = None
    decided_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    decision_reason: str | None = text_field(None, default=None, nullable=True)
    created_at: datetime = created_at_field()


class LocalRuleRow(SQLModel, table=True):
    """An authority's rule in the taxonomy's shape; a new dated version is added to ``definition``."""

    __tablename__ = "ledger_spend_local_rules"
    __table_args__ = (UniqueConstraint("authority_id", "rule_id"),)

    id: uuid.UUID = id_field()
    authority_id: uuid.UUID = Field(index=True)
    rule_id: str = text_field(60)
    definition: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    updated_at: datetime = created_at_field()


class CareHomeStayRow(SQLModel, table=True):
    """A stay in a care home, by its nights: what the residential rule counts (nights in 12 months across
    stays). A stay recorded by mistake is removed, keeping the row and who removed it."""

    __tablename__ = "ledger_care_home_stays"
    __table_args__ = (CheckConstraint("last_night >= first_night", name="last_after_first"),)

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    first_night: date
    last_night: date
    place: str = text_field(200)
    recorded_by_user_id: uuid.UUID | None = None
    removed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    removed_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()
