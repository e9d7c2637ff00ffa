"""The queue long work waits on, and the workers that take it: procrastinate, on the platform's own PostgreSQL.

A job is put on the queue in the same transaction as its row and its audit event (``enqueue``), so a
job is never recorded without being queued, nor queued without being recorded. Any number of
workers (``dp-platform worker``) take jobs from it; several app servers behind a balancer put jobs
on it and read their progress from the job rows, so none holds state of its own.

A worker that stops mid-job (killed, its machine lost) stops sending its heartbeat; every worker
looks for such jobs and puts them back on the queue, where another takes them up. The work itself
is safe to repeat: a bureau run skips the employers already done (``JobItemRow``), an import is one
transaction that either committed or left nothing.

With no separate workers (one process, as the demo runs), the app server works the queue itself
after answering the request that filled it (``Settings.worker_in_app``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid

import procrastinate
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dp_platform.db.address import plain_url
from dp_platform.jobs.runner import WORKER
from dp_platform.jobs.tables import JobRow

QUEUE = "dp-platform"

logger = logging.getLogger(__name__)


async def enqueue(session: AsyncSession, job: JobRow) -> None:
    """Queue ``job`` in the session's transaction (procrastinate's own deferral function, in SQL).

    The lock keeps one job's attempts from ever running side by side."""
    await session.execute(
        text(
            "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, NULL, CAST(:args AS jsonb), NULL)"
            "::procrastinate_job_to_defer_v1])"
        ),
        {"queue": QUEUE, "task": job.kind, "lock": f"job-{job.id}", "args": json.dumps({"job_id": str(job.id)})},
    )


def libpq_address(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg (which procrastinate uses) reads it."""
    return plain_url(database_url)


def queue_app(
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    *,
    pool_size: int = 2,
    report_reads: async_sessionmaker[AsyncSession] | None = None,
    bureau_batch: int = 100,
) -> procrastinate.App:
    """The queue, with the platform's kinds of long work registered against ``sessions``; council reports
    read on ``report_reads`` (a replica) when given."""
    from dp_platform.jobs.bureau_payroll import run_bureau_job
    from dp_platform.jobs.council_report import run_council_report_job
    from dp_platform.jobs.statement_import import run_statement_import

    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_address(database_url), min_size=1, max_size=pool_size, kwargs={"application_name": "dp-worker"}
    )
    app = procrastinate.App(connector=connector)

    @app.task(name="bureau_payroll", queue=QUEUE)
    async def bureau_payroll(job_id: str) -> None:
        await run_bureau_job(sessions, uuid.UUID(job_id), batch_employers=bureau_batch)

    @app.task(name="statement_import", queue=QUEUE)
    async def statement_import(job_id: str) -> None:
        await run_statement_import(sessions, uuid.UUID(job_id))

    @app.task(name="council_report", queue=QUEUE)
    async def council_report(job_id: str) -> None:
        await run_council_report_job(sessions, uuid.UUID(job_id), reads=report_reads)

    return app


async def work_queued_jobs(app: procrastinate.App) -> None:
    """Take every job waiting now, one after another, and return when none is left (the app server's way)."""
    await app.run_worker_async(
        queues=[QUEUE], wait=False, install_signal_handlers=False, listen_notify=False, delete_jobs="successful"
    )


async def retry_stalled_jobs(app: procrastinate.App, stalled_after_seconds: float) -> int:
    """Put back on the queue every job whose worker has sent no heartbeat for ``stalled_after_seconds``."""
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_seconds))
    for job in stalled:
        logger.warning("job %s (%s): its worker stopped; queued again", job.id, job.task_name)
        await app.job_manager.retry_job(job)
    if stalled:
        await app.job_manager.prune_stalled_workers(stalled_after_seconds)
    return len(stalled)


async def run_worker(
    app: procrastinate.App, *, concurrency: int, heartbeat_seconds: float, stalled_after_seconds: float
) -> None:
    """A worker for ``dp-platform worker``: takes jobs until stopped (SIGINT/SIGTERM finish the job in hand)."""

    async def watch_for_stalled() -> None:
        while True:
            try:
                await retry_stalled_jobs(app, stalled_after_seconds)
            except Exception:  # the database away for a moment: the worker itself will say so
                logger.exception("looking for stalled jobs failed")
            await asyncio.sleep(max(1.0, stalled_after_seconds / 3))

    watcher = asyncio.create_task(watch_for_stalled())
    try:
        await app.run_worker_async(
            queues=[QUEUE],
            name=WORKER,
            concurrency=concurrency,
            update_heartbeat_interval=heartbeat_seconds,
            stalled_worker_timeout=stalled_after_seconds,
            delete_jobs="successful",
        )
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
