"""When a job counts as stopped: still waiting or running long after it was started, with no worker
taking it up. Read by the pages, the API and ``dp-platform jobs`` alike (no storage imports, so the
command that lists jobs starts quickly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dp_platform.jobs.statuses import WAITING

STALE_AFTER = timedelta(minutes=30)
"""A job still running after this long was stopped with its server; the page says to start it again."""


def is_stale(job: Any) -> bool:
    """``job``: anything with the job's ``status`` and ``created_at`` (a row, or a row read without the ORM)."""
    return job.status in WAITING and datetime.now(UTC) - job.created_at > STALE_AFTER
