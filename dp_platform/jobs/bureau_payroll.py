"""A bureau's payroll for all its clients, started from a page or the API and followed there.

Starting writes the job, its place on the queue and its audit event in the request's transaction;
a worker runs it through ``run_bureau_payroll``, which checks each mandate and audits each employer
in their own trail. Each employer's outcome is kept (``JobItemRow``) in the transaction of its pay
run, so progress is exact on any app server, and a run taken up again after its worker stopped does
no employer twice.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from dp_platform.audit.writer import organisation_chain, record_event
from dp_platform.jobs.queue import enqueue
from dp_platform.jobs.runner import Progress, run_job
from dp_platform.jobs.tables import JobItemRow, JobRow
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import Role
from dp_platform.workflows.bureau import BATCH_EMPLOYERS, EmployerOutcome, OutcomeStatus, run_bureau_payroll
from ledgers.errors import DomainError
from payroll.errors import PayRunError
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
    if actor.organisation_id is None or actor.user_id is None or actor.role is not Role.BUREAU_STAFF:
        raise AccessDeniedError("Only a payroll bureau's staff run payroll for all their clients.")
    if period_end < period_start:  # every employer would refuse it; say so once, before queueing anything
        raise PayRunError("The period ends before it starts.", field="period_end")
    if not 1 <= period_number <= 14:
        raise PayRunError("The period number of the tax year is from 1 to 14.", field="period_number")
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
    await enqueue(session, job)
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
    if (
        job is None
        or job.kind != "bureau_payroll"
        or actor.organisation_id is None
        or job.organisation_id != actor.organisation_id
    ):
        raise JobNotFoundError("There is no such pay run for your clients.", field="job_id")
    return job


async def organisation_jobs(session: AsyncSession, organisation_id: uuid.UUID, limit: int = 20) -> list[JobRow]:
    return list(
        await session.scalars(
            select(JobRow)
            .where(col(JobRow.organisation_id) == organisation_id, col(JobRow.kind) == "bureau_payroll")
            .order_by(col(JobRow.created_at).desc())
            .limit(limit)
        )
    )


def outcome_row(outcome: EmployerOutcome) -> dict[str, Any]:
    return {**asdict(outcome), "account_id": str(outcome.account_id), "run_id": outcome.run_id and str(outcome.run_id)}


def outcome_of(row: dict[str, Any]) -> EmployerOutcome:
    run_id = row.get("run_id")
    return EmployerOutcome(
        **{
            **row,
            "account_id": uuid.UUID(row["account_id"]),
            "status": OutcomeStatus(row["status"]),
            "run_id": uuid.UUID(run_id) if run_id else None,
        }
    )


class JobJournal:
    """The job's own record of the employers it has finished."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id

    async def finished(self, session: AsyncSession) -> dict[uuid.UUID, EmployerOutcome]:
        rows = await session.scalars(select(col(JobItemRow.outcome)).where(col(JobItemRow.job_id) == self.job_id))
        return {outcome.account_id: outcome for outcome in map(outcome_of, rows)}

    async def keep(self, session: AsyncSession, outcomes: list[EmployerOutcome]) -> None:
        if outcomes:
            await session.execute(
                insert(JobItemRow)
                .values(
                    [
                        {"job_id": self.job_id, "account_id": outcome.account_id, "outcome": outcome_row(outcome)}
                        for outcome in outcomes
                    ]
                )
                .on_conflict_do_nothing()
            )


async def run_bureau_job(
    sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, *, batch_employers: int = BATCH_EMPLOYERS
) -> None:
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
            journal=JobJournal(job.id),
            batch_employers=batch_employers,
        )
        return [outcome_row(outcome) for outcome in outcomes]

    await run_job(sessions, job_id, work)
