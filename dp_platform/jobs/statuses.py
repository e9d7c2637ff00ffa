"""Where a job stands, named once: the table's check constraint and every reader use these."""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "queued"
    """On the queue, waiting for a worker."""
    RUNNING = "running"
    """A worker has it (or had it, and stopped: another takes it up)."""
    DONE = "done"
    FAILED = "failed"


WAITING = (JobStatus.QUEUED, JobStatus.RUNNING)
"""Not finished: a page following the job keeps asking."""
FINISHED = (JobStatus.DONE, JobStatus.FAILED)
