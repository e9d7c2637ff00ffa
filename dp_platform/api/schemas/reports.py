"""A council's monitoring report prepared in the background, as the API asks for and follows it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from dp_platform.api.schemas.base import Schema


class CouncilReportIn(Schema):
    period_from: date
    period_to: date
    """The last day the report covers: today or earlier."""


class ReportFileOut(Schema):
    name: Literal["pdf", "accounts.csv", "exceptions.csv"]
    label: str
    href: str


class CouncilReportOut(Schema):
    """Where the report has got; its files once it is done. Any app server answers the same."""

    id: uuid.UUID
    href: str
    status: Literal["queued", "running", "done", "failed"]
    period_from: date
    period_to: date
    asked_at: datetime
    finished_at: datetime | None
    stopped: bool
    """Not finished long after it was asked for, with no worker taking it up: ask again."""
    files: list[ReportFileOut]
    error: str | None
