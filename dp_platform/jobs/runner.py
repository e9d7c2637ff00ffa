"""Running a job a worker took from the queue (``dp_platform.jobs.queue``).

Its progress is written to the job row every half second, so the page or API call that follows it
may be served by any app server. A worker stopped mid-job leaves the job ``running`` until another
worker takes it up again (``attempts`` counts them); every job here is safe to repeat. One left
``running`` past ``STALE_AFTER`` (no worker at all) is shown as stopped, to be started again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from dp_platform.jobs.statuses import WAITING, JobStatus
from dp_platform.jobs.tables import JobRow
from ledgers.columns import utc_now
from ledgers.errors import DomainError

WORKER = f"{socket.gethostname()} pid {os.getpid()}"
"""Written on the job a worker takes, so an operator can see which process holds a stuck job."""
PROGRESS_EVERY_SECONDS = 0.5

Progress = Callable[[int, int], None]
Work = Callable[[JobRow, Progress], Awaitable[list[dict[str, Any]]]]
Failed = Callable[[JobRow, str], Awaitable[None]]

logger = logging.getLogger(__name__)


async def write_job(sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, **values: Any) -> None:
    async with sessions() as session, session.begin():
        await session.execute(update(JobRow).where(col(JobRow.id) == job_id).values(**values))


async def run_job(
    sessions: async_sessionmaker[AsyncSession], job_id: uuid.UUID, work: Work, *, failed: Failed | None = None
) -> None:
    """Run a queued job's ``work``, which reports ``progress(done, total)`` and returns the result rows.

    A refusal (a domain error) fails the job with its sentence, for the person who started it; any
    other error with a sentence asking them to start again. ``failed`` then records what happened."""
    async with sessions() as session:
        job = await session.get(JobRow, job_id)
        if job is None or job.status not in WAITING:  # "running": its last worker stopped
            return
    counts = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        counts.update(done=done, total=total)

    async def report() -> None:
        while True:
            await asyncio.sleep(PROGRESS_EVERY_SECONDS)
            await write_job(sessions, job_id, done=counts["done"], total=counts["total"])

    await write_job(sessions, job_id, status=JobStatus.RUNNING, attempts=job.attempts + 1, worker=WORKER)
    reporter = asyncio.create_task(report())
    try:
        result = await work(job, progress)
    except Exception as error:
        if not isinstance(error, DomainError):
            logger.exception("job %s (%s) failed", job_id, job.kind)
        detail = getattr(error, "detail", None) or "The work stopped on an unexpected error; start it again."
        await _stop(reporter)
        await write_job(sessions, job_id, status=JobStatus.FAILED, error=detail, finished_at=utc_now())
        if failed is not None:
            await failed(job, detail)
        return
    await _stop(reporter)
    done, total = (counts["done"], counts["total"]) if counts["total"] else (len(result), len(result))
    await write_job(
        sessions, job_id, status=JobStatus.DONE, done=done, total=total, result=result, finished_at=utc_now()
    )


async def _stop(reporter: asyncio.Task[None]) -> None:
    reporter.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await reporter
