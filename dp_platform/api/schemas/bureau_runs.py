"""A bureau's pay run for all its clients, as the API starts and follows it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from dp_platform.api.schemas.base import Schema


class BureauPayRunIn(Schema):
    """One four-weekly period for every client the bureau holds a payroll mandate for."""

    period_number: int
    """The period of the tax year, 1 to 14."""
    period_start: date
    period_end: date
    paid_on: date
    finalise: bool = False
    """Finalise each employer's run that has no fair-work findings; otherwise leave drafts to be checked."""


class EmployerRunOutcomeOut(Schema):
    account_id: uuid.UUID
    reference: str
    status: Literal["finalised", "draft", "skipped", "failed"]
    payslips: int
    gross_pence: int
    detail: str
    run_id: uuid.UUID | None


class BureauPayRunOut(Schema):
    """Where the run has got; any app server answers the same, while workers do the work."""

    id: uuid.UUID
    href: str
    status: Literal["queued", "running", "done", "failed"]
    period_number: int
    paid_on: date
    finalise: bool
    employers_done: int
    employers: int
    """0 until a worker has listed the clients."""
    attempts: int
    """More than 1 when a worker stopped mid-run and another took it up (no employer is run twice)."""
    started_at: datetime
    finished_at: datetime | None
    stopped: bool
    """Not finished long after it started, with no worker taking it up: start it again."""
    outcomes: list[EmployerRunOutcomeOut]
    """Each employer's outcome once the run is done."""
    error: str | None
