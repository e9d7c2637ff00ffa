"""A bureau's pay run for all its clients through the API: started (202), then followed on any app server."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post

from dp_platform.api.schemas.bureau_runs import BureauPayRunIn, BureauPayRunOut, EmployerRunOutcomeOut
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.bureau_payroll import job_of, organisation_jobs, start_bureau_payroll
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statuses import JobStatus
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.records import JobRow

PATH = "/api/bureau/pay-runs"


def to_bureau_run(job: JobRow) -> BureauPayRunOut:
    params = job.parameters
    return BureauPayRunOut(
        id=job.id,
        href=f"{PATH}/{job.id}",
        status=job.status,  # type: ignore[arg-type]
        period_number=int(params["period_number"]),
        paid_on=date.fromisoformat(params["paid_on"]),
        finalise=bool(params["finalise"]),
        employers_done=job.done,
        employers=job.total,
        attempts=job.attempts,
        started_at=job.created_at,
        finished_at=job.finished_at,
        stopped=is_stale(job),
        outcomes=[EmployerRunOutcomeOut(**row) for row in job.result] if job.status == JobStatus.DONE else [],
        error=job.error,
    )


class BureauRunController(Controller):
    path = PATH
    tags = ["Payroll"]

    @post("", operation_id="StartBureauPayRun", status_code=202)
    async def start(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, data: BureauPayRunIn
    ) -> Response[BureauPayRunOut]:
        """Queue one period's payroll for every client the bureau holds a payroll mandate for; workers run
        it, one employer at a time in its own transaction. ``GET`` the Location to follow it."""
        job = await start_bureau_payroll(
            db_session,
            actor,
            period_number=data.period_number,
            period_start=data.period_start,
            period_end=data.period_end,
            paid_on=data.paid_on,
            finalise=data.finalise,
        )
        return Response(
            to_bureau_run(job),
            status_code=202,
            headers={"Location": f"{PATH}/{job.id}"},
            background=work_after(request),
        )

    @get("", operation_id="ListBureauPayRuns")
    async def list_runs(self, db_session: DbSession, actor: Actor) -> list[BureauPayRunOut]:
        """The organisation's last 20 runs, newest first."""
        if actor.organisation_id is None:
            return []
        return [to_bureau_run(job) for job in await organisation_jobs(db_session, actor.organisation_id)]

    @get("/{job_id:uuid}", operation_id="GetBureauPayRun")
    async def get_run(self, db_session: DbSession, actor: Actor, job_id: uuid.UUID) -> BureauPayRunOut:
        """How many employers are done, and each one's outcome once the run is."""
        return to_bureau_run(await job_of(db_session, actor, job_id))
