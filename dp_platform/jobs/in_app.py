"""The app server working the queue itself, for a platform run as one process (the demo, a small council).

After a request that queued a job has answered, the same server takes every waiting job (a background
task of the response). At start it puts back jobs whose worker stopped and takes any left waiting, so a
job queued just before a restart is not forgotten. With ``DP_WORKER_IN_APP=false`` none of this runs and
``dp-platform worker`` processes do the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import procrastinate
from litestar import Litestar, Request
from litestar.background_tasks import BackgroundTask

from dp_platform.jobs.queue import retry_stalled_jobs, work_queued_jobs

logger = logging.getLogger(__name__)


def quiet_queue_logs() -> None:
    """Every drain starts and stops a worker; the queue's own INFO lines would fill a one-process console
    (a ``dp-platform worker`` keeps them: there they say which job ran when)."""
    logging.getLogger("procrastinate").setLevel(max(logging.WARNING, logging.getLogger().getEffectiveLevel()))


def work_after(request: Request) -> BackgroundTask | None:  # type: ignore[type-arg]
    queue: procrastinate.App | None = request.app.state.get("queue")
    return BackgroundTask(work_queued_jobs, queue) if queue is not None else None


async def _resume(queue: procrastinate.App, stalled_after_seconds: int) -> None:
    try:
        await retry_stalled_jobs(queue, stalled_after_seconds)
        await work_queued_jobs(queue)
    except Exception:  # the server keeps serving; the page of a job left waiting says so
        logger.exception("taking up jobs left on the queue failed")


async def open_queue(app: Litestar) -> None:
    queue: procrastinate.App | None = app.state.get("queue")
    if queue is None:
        return
    await queue.open_async()
    app.state.queue_resuming = asyncio.create_task(_resume(queue, app.state.settings.job_stalled_after_seconds))


async def close_queue(app: Litestar) -> None:
    queue: procrastinate.App | None = app.state.get("queue")
    if queue is None:
        return
    resuming: asyncio.Task[None] | None = app.state.get("queue_resuming")
    if resuming is not None:
        resuming.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await resuming
    await queue.close_async()
