"""A bureau's payroll for all its clients, started from a page and followed there.

Starting writes the job and its audit event in the request's transaction; the run itself goes
after the answer (a background task of the request), through ``run_bureau_payroll``, which
checks each mandate and audits each employer in their own trail. Progress is written to the
job as employers finish, so the page that follows it may be served by any app server. A run
is safe to repeat: drafts are worked out again and finalising twice posts once.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dp_platform.audit.writer import organisation_chain, record_event
from dp_platform.jobs.runner import Progress, run_job
from dp_platform.jobs.tables import JobRow
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.bureau import run_bureau_payroll
from ledgers.errors import DomainError
from payroll.periods import PayFrequency


async def start_bureau_payroll(
    session: AsyncSession,
    actor: Actor,
    *,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
    finalise: bool,
) -> JobRow:
    if actor.organisation_id is None or actor.user_id is None:
        raise AccessDeniedError("Only a payroll bureau's staff run payroll for all their clients.")
    parameters = {
        "frequency": PayFrequency.FOUR_WEEKLY.value,
        "period_number": period_number,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "paid_on": paid_on.isoformat(),
        "finalise": finalise,
    }
    job = JobRow(
        kind="bureau_payroll",
        organisation_id=actor.organisation_id,
        requested_by_user_id=actor.user_id,
        parameters=parameters,
    )
    session.add(job)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="bureau_run.started",
        subject_type="job",
        subject_id=job.id,
        chain=organisation_chain(actor.organisation_id),
        details=parameters,
    )
    return job


class JobNotFoundError(DomainError):
    category = "not_found"
    title = "No such run"


async def job_of(session: AsyncSession, actor: Actor, job_id: uuid.UUID) -> JobRow:
    """The job, if it is the actor's organisation's; anyone else is told there is none."""
    job = await session.get(JobRow, job_id)
    if job is None or actor.organisation_id is None or job.organisation_id != actor.organisation_id:
        raise JobNotFoundError("There is no such pay run for your clients.", field="job_id")
    return job


async def organisation_jobs(session: AsyncSession, organisation_id: uuid.UUID, limit: int = 20) -> list[JobRow]:
    return list(
        await session.scalars(
            select(JobRow)
            .where(JobRow.organisation_id == organisation_id)
            .order_by(JobRow.created_at.desc())
            .limit(limit)
        )
    )


async def run_bureau_job(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
    async def work(job: JobRow, progress: Progress) -> list[dict[str, Any]]:
        async with sessions() as session:
            actor = await load_user_actor(session, job.requested_by_user_id)
        if actor is None:
            raise AccessDeniedError("The person who started this run can no longer sign in.")
        params = job.parameters
        outcomes = await run_bureau_payroll(
            sessions,
            actor,
            frequency=PayFrequency(params["frequency"]),
            period_number=int(params["period_number"]),
            period_start=date.fromisoformat(params["period_start"]),
            period_end=date.fromisoformat(params["period_end"]),
            paid_on=date.fromisoformat(params["paid_on"]),
            finalise=bool(params["finalise"]),
            progress=progress,
        )
        return [
            {**asdict(outcome), "account_id": str(outcome.account_id), "run_id": outcome.run_id and str(outcome.run_id)}
            for outcome in outcomes
        ]

    await run_job(sessions, job_id, work)
