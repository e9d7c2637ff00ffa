"""A job: long work a person started, with its progress and result, readable by any app server.

The work itself runs after the request that started it has answered; its progress is written
here as it goes, so the page that follows it can be served by any server behind the balancer.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, DateTime, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from dp_platform.jobs.statuses import JobStatus
from ledgers.columns import check_of, created_at_field, id_field, text_field


class JobRow(SQLModel, table=True):
    __tablename__ = "platform_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('bureau_payroll', 'statement_import', 'council_report')", name="kind"),
        CheckConstraint(check_of("status", JobStatus), name="status"),
        CheckConstraint("num_nonnulls(requested_by_user_id, requested_by_api_key_id) = 1", name="requested_by"),
    )

    id: uuid.UUID = id_field()
    kind: str = text_field(32)
    organisation_id: uuid.UUID | None = Field(default=None, foreign_key="platform_organisations.id", index=True)
    account_id: uuid.UUID | None = Field(default=None, foreign_key="platform_dp_accounts.id", index=True)
    """The one DP account the job works on (a statement import); none for a bureau's run over its clients."""
    authority_id: uuid.UUID | None = Field(default=None, foreign_key="platform_authorities.id", index=True)
    """The council whose work it is (its monitoring report), read by that council's staff alone."""
    requested_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    requested_by_api_key_id: uuid.UUID | None = Field(default=None, foreign_key="platform_api_keys.id")
    """A bureau's system may start a job through its API key; the job acts with the key's rights."""
    status: str = text_field(10, default=JobStatus.QUEUED.value)
    attempts: int = 0
    """Times a worker has started it: more than one when a worker stopped mid-job and another took it up."""
    worker: str | None = text_field(120, default=None, nullable=True)
    """The machine and process working on it now (or last), for an operator following a stuck job."""
    done: int = 0
    total: int = 0
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    result: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    error: str | None = text_field(None, default=None, nullable=True)
    created_at: datetime = created_at_field()
    finished_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class JobItemRow(SQLModel, table=True):
    """One piece of a job finished, written in the same transaction as the piece's own work.

    A bureau run writes one per employer as that employer's pay run commits, so a run taken up again
    after its worker stopped skips every employer already done, and its result is whole."""

    __tablename__ = "platform_job_items"

    job_id: uuid.UUID = Field(primary_key=True, foreign_key="platform_jobs.id")
    account_id: uuid.UUID = Field(primary_key=True, foreign_key="platform_dp_accounts.id")
    outcome: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))


class JobInputRow(SQLModel, table=True):
    """What a job works from that is too big for its parameters (an uploaded file); deleted when the
    job ends, whichever way, so a refused file is not kept."""

    __tablename__ = "platform_job_inputs"

    job_id: uuid.UUID = Field(primary_key=True, foreign_key="platform_jobs.id")
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class JobFileRow(SQLModel, table=True):
    """What a job made for people to download (a council's report as PDF and CSV), kept with the job so
    any app server hands it out and a download costs nothing to prepare again."""

    __tablename__ = "platform_job_files"

    job_id: uuid.UUID = Field(primary_key=True, foreign_key="platform_jobs.id")
    name: str = Field(sa_type=String(40), primary_key=True)
    filename: str = text_field(200)
    media_type: str = text_field(80)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
