"""A job: long work a person started, with its progress and result, readable by any app server.

The work itself runs after the request that started it has answered; its progress is written
here as it goes, so the page that follows it can be served by any server behind the balancer.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, id_field, text_field


class JobRow(SQLModel, table=True):
    __tablename__ = "platform_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('bureau_payroll')", name="kind"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: uuid.UUID = id_field()
    kind: str = text_field(32)
    organisation_id: uuid.UUID | None = Field(default=None, foreign_key="platform_organisations.id", index=True)
    requested_by_user_id: uuid.UUID = Field(foreign_key="platform_users.id")
    status: str = text_field(10, default="queued")
    done: int = 0
    total: int = 0
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    result: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    error: str | None = text_field(None, default=None, nullable=True)
    created_at: datetime = created_at_field()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
