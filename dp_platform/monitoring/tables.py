"""What the council did with a finding: a case is opened the first time someone assigns,
comments on or resolves it, and keeps the finding's words as they were then. Findings themselves
are not stored: they are worked out from the records each time, so the queue is never stale.
Every change here has its audit event in the account's chain.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from dp_platform.monitoring.statuses import CaseStatus
from ledgers.columns import check_of, created_at_field, id_field, text_field


class ExceptionCaseRow(SQLModel, table=True):
    __tablename__ = "platform_exception_cases"
    __table_args__ = (
        UniqueConstraint("account_id", "key"),
        CheckConstraint(check_of("status", CaseStatus), name="status"),
        CheckConstraint("status = 'open' OR (resolution IS NOT NULL AND resolved_at IS NOT NULL)", name="resolved"),
    )

    id: uuid.UUID = id_field()
    authority_id: uuid.UUID = Field(foreign_key="platform_authorities.id", index=True)
    account_id: uuid.UUID = Field(foreign_key="platform_dp_accounts.id", index=True)
    check_name: str = text_field(30)
    key: str = text_field(200)
    sentence: str = text_field(None)
    """What the finding said when the case was opened."""
    found_on: date
    status: str = text_field(10, default=CaseStatus.OPEN.value)
    assigned_to_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    resolution: str | None = text_field(None, default=None, nullable=True)
    resolved_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    resolved_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    created_at: datetime = created_at_field()


class ExceptionCommentRow(SQLModel, table=True):
    __tablename__ = "platform_exception_comments"

    id: uuid.UUID = id_field()
    case_id: uuid.UUID = Field(foreign_key="platform_exception_cases.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="platform_users.id")
    body: str = text_field(None)
    created_at: datetime = created_at_field()
