"""A council's monitoring report prepared in the background, then downloaded as often as wanted.

A council with ten thousand Direct Payments takes seconds to read and render; a person asking for
it should not hold a request (or an app server) that long. The report is asked for, answered at
once with where to follow it, made by a worker, and its three files (the PDF to read, the accounts'
and the exceptions' CSV) kept with the job. Only the council's own staff ask for, follow and download
it; to anyone else there is none. The period is checked before anything is queued, and the report is
made as the person who asked, so it shows exactly what they may see.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from agreements.monitoring.report import MonitoringReport, account_rows, exception_rows, render_report
from dp_platform.audit.writer import authority_chain, record_event
from dp_platform.jobs.queue import enqueue
from dp_platform.jobs.runner import Progress, run_job
from dp_platform.jobs.statuses import JobStatus
from dp_platform.jobs.tables import JobFileRow, JobRow
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import SCOTTISH_TIME, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.workflows.reports import ReportPeriodError, check_period, council_report
from ledgers.errors import DomainError


class ReportJobNotFoundError(DomainError):
    category = "not_found"
    title = "No such report"


@dataclass(frozen=True, slots=True)
class ReportFile:
    name: str
    label: str
    media_type: str


FILES = (
    ReportFile("pdf", "The report to read (PDF)", "application/pdf"),
    ReportFile("accounts.csv", "Each account's figures, for a spreadsheet or finance system (CSV)", "text/csv"),
    ReportFile("exceptions.csv", "Every open exception (CSV)", "text/csv"),
)
"""What a report comes as, the same three whether downloaded at once or prepared in the background."""


def report_file(report: MonitoringReport, stem: str, name: str) -> tuple[str, str, bytes]:
    """One of the report's files: its filename, media type and content."""
    named = {file.name: file for file in FILES}
    if name not in named:
        raise ReportPeriodError(f"A report comes as {', '.join(named)}.", field="kind")
    stem = f"{stem}-{report.period_from.isoformat()}-to-{report.period_to.isoformat()}"
    if name == "pdf":
        return f"{stem}.pdf", "application/pdf", render_report(report)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        account_rows(report) if name == "accounts.csv" else exception_rows(report)
    )
    return f"{stem}-{name}", "text/csv; charset=utf-8", buffer.getvalue().encode()


def _council_staff(actor: Actor) -> uuid.UUID:
    if actor.role not in AUTHORITY_ROLES or actor.authority_id is None:
        raise AccessDeniedError("Council reports are for the council's own staff.")
    return actor.authority_id


async def start_council_report(
    session: AsyncSession, actor: Actor, period_from: date, period_to: date, today: date
) -> JobRow:
    authority_id = _council_staff(actor)
    if actor.user_id is None:
        raise AccessDeniedError("A council report is asked for by a person signed in.")
    check_period(period_from, period_to, today)
    parameters = {"period_from": period_from.isoformat(), "period_to": period_to.isoformat()}
    job = JobRow(
        kind="council_report", authority_id=authority_id, requested_by_user_id=actor.user_id, parameters=parameters
    )
    session.add(job)
    await session.flush()
    await enqueue(session, job)
    await record_event(
        session,
        actor=actor,
        action="report.requested",
        subject_type="job",
        subject_id=job.id,
        chain=authority_chain(authority_id),
        details=parameters,
    )
    return job


async def report_job_of(session: AsyncSession, actor: Actor, job_id: uuid.UUID) -> JobRow:
    authority_id = _council_staff(actor)
    job = await session.get(JobRow, job_id)
    if job is None or job.kind != "council_report" or job.authority_id != authority_id:
        raise ReportJobNotFoundError("There is no such report for this council.", field="job_id")
    return job


async def report_jobs(session: AsyncSession, actor: Actor, limit: int = 10) -> list[JobRow]:
    """The council's reports asked for lately, newest first."""
    authority_id = _council_staff(actor)
    return list(
        await session.scalars(
            select(JobRow)
            .where(col(JobRow.authority_id) == authority_id, col(JobRow.kind) == "council_report")
            .order_by(col(JobRow.created_at).desc())
            .limit(limit)
        )
    )


async def report_job_file(session: AsyncSession, actor: Actor, job_id: uuid.UUID, name: str) -> JobFileRow:
    job = await report_job_of(session, actor, job_id)
    kept = await session.get(JobFileRow, (job.id, name))
    if kept is None:
        raise ReportJobNotFoundError(
            "That file is not ready: the report is still being prepared, or it stopped."
            if job.status != JobStatus.DONE
            else f"A report comes as {', '.join(file.name for file in FILES)}.",
            field="name",
        )
    return kept


async def run_council_report_job(
    sessions: async_sessionmaker[AsyncSession],
    job_id: uuid.UUID,
    *,
    reads: async_sessionmaker[AsyncSession] | None = None,
) -> None:
    """``reads``: where the report is read (a replica, ``DP_REPORTS_DATABASE_URL``); its files are written
    to the primary with the job, so any app server hands them out."""

    async def work(job: JobRow, progress: Progress) -> list[dict[str, Any]]:
        assert job.requested_by_user_id is not None
        progress(0, len(FILES) + 1)
        async with (reads or sessions)() as reading, reading.begin():
            actor = await load_user_actor(reading, job.requested_by_user_id)
            if actor is None or actor.authority_id != job.authority_id:
                raise AccessDeniedError("The person who asked for this report can no longer read the council's.")
            period_from = date.fromisoformat(job.parameters["period_from"])
            period_to = date.fromisoformat(job.parameters["period_to"])
            asked_on = job.created_at.astimezone(SCOTTISH_TIME).date()  # the day the period was checked against
            report = await council_report(reading, actor, period_from, period_to, asked_on)
        progress(1, len(FILES) + 1)
        files = []
        for done, file in enumerate(FILES, start=2):
            filename, media_type, data = report_file(report, "direct-payments-report", file.name)
            files.append(JobFileRow(job_id=job.id, name=file.name, filename=filename, media_type=media_type, data=data))
            progress(done, len(FILES) + 1)
        async with sessions() as session, session.begin():
            await session.execute(delete(JobFileRow).where(col(JobFileRow.job_id) == job.id))  # taken up again
            session.add_all(files)
        return [{"accounts": len(report.lines), "open_exceptions": len(report.exceptions)}]

    await run_job(sessions, job_id, work)
