"""``dp-platform worker`` and ``dp-platform jobs``: the processes that do long work, and what they are doing.

A worker takes jobs from the queue in the platform's PostgreSQL until it is stopped (Ctrl-C or SIGTERM
let the job in hand finish). Run as many as the work needs, on as many machines; each puts back on the
queue the jobs of any worker that stopped sending its heartbeat.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from typing import Any

from dp_platform.cli.common import _say
from dp_platform.settings import Settings


async def _work(settings: Settings, concurrency: int) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.jobs.queue import queue_app, run_worker

    engine = create_engine(settings.database_url, pool_size=concurrency + 2)  # type: ignore[arg-type]
    replica = create_engine(settings.reports_database_url, pool_size=2) if settings.reports_database_url else None
    queue = queue_app(
        settings.database_url,  # type: ignore[arg-type]
        async_sessionmaker(engine, expire_on_commit=False),
        pool_size=3,
        report_reads=async_sessionmaker(replica, expire_on_commit=False) if replica else None,
        bureau_batch=settings.bureau_batch_employers,
    )
    try:
        async with queue.open_async():
            await run_worker(
                queue,
                concurrency=concurrency,
                heartbeat_seconds=settings.job_heartbeat_seconds,
                stalled_after_seconds=settings.job_stalled_after_seconds,
            )
    finally:
        await engine.dispose()
        if replica is not None:
            await replica.dispose()


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.cli.common import _connect, _where
    from dp_platform.observability import configure_logging

    if not 1 <= args.concurrency <= 32:
        from dp_platform.settings import ConfigurationError

        raise ConfigurationError("--concurrency must be 1 to 32.")
    settings, server_version = _connect(settings, migrate=True)
    configure_logging(settings)
    _say(
        f"Worker taking jobs from {_where(settings, server_version)}, {args.concurrency} at a time; "
        "Ctrl-C stops it after the jobs in hand."
    )
    asyncio.run(_work(settings, args.concurrency))
    return 0


async def _jobs(url: str, limit: int) -> tuple[list[Any], Any]:
    """Two statements on a bare connection: listing jobs starts without loading the ORM."""
    from types import SimpleNamespace

    import asyncpg

    from dp_platform.db.address import plain_url
    from dp_platform.settings import ConfigurationError

    connection = await asyncpg.connect(plain_url(url))
    try:
        jobs = await connection.fetch(
            "SELECT id, kind, status, done, total, attempts, worker, error, created_at "
            "FROM platform_jobs ORDER BY created_at DESC LIMIT $1",
            limit,
        )
        queue = await connection.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'todo') AS waiting, "
            "count(*) FILTER (WHERE status = 'doing') AS in_hand, "
            "(SELECT count(*) FROM procrastinate_workers) AS workers FROM procrastinate_jobs"
        )
    except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
        raise ConfigurationError("The database schema is not up to date: run 'dp-platform migrate' first.") from None
    finally:
        await connection.close()
    return [SimpleNamespace(**dict(job)) for job in jobs], SimpleNamespace(**dict(queue))


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.cli.common import _connect
    from dp_platform.jobs.stale import is_stale

    settings, _ = _connect(settings, migrate=False)
    jobs, queue = asyncio.run(_jobs(settings.database_url, args.limit))  # type: ignore[arg-type]
    _say(f"Queue: {queue.waiting} waiting, {queue.in_hand} in hand; {queue.workers} worker(s) alive.")
    for job in jobs:
        status = "stopped: start it again" if is_stale(job) else job.status
        progress = f"{job.done:,} of {job.total:,}" if job.total else ""
        again = f", attempt {job.attempts}" if job.attempts > 1 else ""
        _say(
            f"  {job.created_at:%Y-%m-%d %H:%M}  {job.kind:<16} {status:<10} {progress:<16} "
            f"{job.worker or ''}{again}  {job.id}"
        )
        if job.error:
            _say(f"      {job.error}")
    _say(f"{len(jobs)} job(s) shown, newest first.")
    return 0


def add_job_commands(commands: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    worker = add("worker", cmd_worker, "take long work (bureau runs, large imports) from the queue until stopped")
    worker.add_argument("--concurrency", type=int, default=2, help="jobs worked at once (default 2)")
    jobs = add("jobs", cmd_jobs, "the queue and the latest jobs: progress, which worker holds each, attempts")
    jobs.add_argument("--limit", type=int, default=20, help="how many jobs to list (default 20)")
