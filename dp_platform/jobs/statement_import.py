"""A bank statement too big to import while the person waits: kept, answered at once, imported after.

A provider's pooled client account, or years of a person's history, can run to a hundred thousand
lines; reading and storing that holds an HTTP request for many seconds. Past ``LARGE_STATEMENT_BYTES``
(or when the client asks, with ``Prefer: respond-async``) the upload is kept with a job and the
answer is 202 with where to follow it. The import itself is the same all-or-nothing import as a small
file's, in its own transaction: a refused file leaves the ledger exactly as it was and the job says
why (file, line and field). Access is checked when the job is started and again inside the import's
transaction, as the person or key who started it, so a mandate revoked meanwhile stops it. The kept
file is deleted when the job ends, whichever way.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from dp_platform.audit.writer import record_account_event, record_event
from dp_platform.auth.api_keys import actor_of_api_key
from dp_platform.jobs.queue import enqueue
from dp_platform.jobs.runner import Progress, run_job
from dp_platform.jobs.tables import JobInputRow, JobRow
from dp_platform.tenancy.access import authorize, load_user_actor
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.statements import import_account_statement
from ledgers.errors import DomainError

LARGE_STATEMENT_BYTES = 1_048_576
"""About 10,000 lines of a bank's CSV: a year of a busy account imports at once, a pooled account's
history goes to a job."""


class ImportJobNotFoundError(DomainError):
    category = "not_found"
    title = "No such import"


async def start_statement_import(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    format: str | None,
    profile: str | None,
) -> JobRow:
    access = await authorize(session, actor, account_id, Action.IMPORT_STATEMENTS)
    if actor.user_id is None and actor.api_key_id is None:
        raise AccessDeniedError("Only a person signed in, or an organisation's API key, imports statements.")
    job = JobRow(
        kind="statement_import",
        account_id=account_id,
        organisation_id=actor.organisation_id,
        requested_by_user_id=actor.user_id,
        requested_by_api_key_id=None if actor.user_id else actor.api_key_id,
        parameters={"filename": filename, "format": format, "profile": profile, "bytes": len(data)},
    )
    session.add(job)
    await session.flush()
    session.add(JobInputRow(job_id=job.id, data=data))
    await session.flush()
    await enqueue(session, job)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.statement_import_queued",
        subject_type="job",
        subject_id=job.id,
        details={"filename": filename, "bytes": len(data)},
    )
    return job


async def import_job_of(session: AsyncSession, actor: Actor, account_id: uuid.UUID, job_id: uuid.UUID) -> JobRow:
    """The import, to anyone who may see the account; to anyone else there is none."""
    await authorize(session, actor, account_id, Action.VIEW)
    job = await session.get(JobRow, job_id)
    if job is None or job.kind != "statement_import" or job.account_id != account_id:
        raise ImportJobNotFoundError("There is no such statement import for this account.", field="job_id")
    return job


async def _starter(session: AsyncSession, job: JobRow) -> Actor | None:
    if job.requested_by_user_id is not None:
        return await load_user_actor(session, job.requested_by_user_id)
    assert job.requested_by_api_key_id is not None
    return await actor_of_api_key(session, job.requested_by_api_key_id)


async def run_statement_import(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
    async def work(job: JobRow, progress: Progress) -> list[dict[str, Any]]:
        assert job.account_id is not None
        async with sessions() as session, session.begin():
            actor = await _starter(session, job)
            if actor is None:
                raise AccessDeniedError("The person or key that started this import can no longer act.")
            kept = await session.get(JobInputRow, job.id)
            if kept is None:
                raise ImportJobNotFoundError("The uploaded file is no longer kept; upload it again.")
            params = job.parameters
            result = await import_account_statement(
                session,
                actor,
                job.account_id,
                filename=params["filename"],
                data=kept.data,
                format=params["format"],
                profile=params["profile"],
                progress=progress,
            )
        return [
            {
                "statement_id": str(result.statement_id),
                "format": result.format,
                "lines_in_file": result.lines_in_file,
                "new_lines": result.new_lines,
                "known_lines": result.known_lines,
                "start_on": result.start_on.isoformat(),
                "end_on": result.end_on.isoformat(),
                "duplicate_file": result.duplicate_file,
            }
        ]

    async def failed(job: JobRow, detail: str) -> None:
        async with sessions() as session, session.begin():
            await record_event(
                session,
                actor=await _starter(session, job),
                action="ledger.statement_import_failed",
                subject_type="job",
                subject_id=job.id,
                account_id=job.account_id,
                details={"filename": job.parameters["filename"], "reason": detail},
            )

    try:
        await run_job(sessions, job_id, work, failed=failed)
    finally:
        async with sessions() as session, session.begin():
            await session.execute(delete(JobInputRow).where(col(JobInputRow.job_id) == job_id))
