"""Monitoring reports as files: a PDF a person reads (summary first) and CSV for finance systems."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post

from agreements.monitoring.report import MonitoringReport
from dp_platform.api.schemas.reports import CouncilReportIn, CouncilReportOut, ReportFileOut
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.council_report import (
    FILES,
    report_file,
)
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statuses import JobStatus
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.councils import (
    ask_for_council_report,
    council_report_file,
    council_report_job,
    council_report_now,
    council_reports,
)
from dp_platform.workflows.records import JobRow
from dp_platform.workflows.reports import account_report


def report_download(report: MonitoringReport, name: str, kind: str) -> Response[bytes]:
    """``kind``: ``pdf``, ``accounts.csv`` (a row an account, with totals) or ``exceptions.csv``."""
    filename, media_type, data = report_file(report, name, kind)
    return attachment(data, media_type, filename)


def attachment(data: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def to_council_report(job: JobRow) -> CouncilReportOut:
    href = f"/api/authorities/{job.authority_id}/reports/{job.id}"
    return CouncilReportOut(
        id=job.id,
        href=href,
        status=job.status,  # type: ignore[arg-type]
        period_from=date.fromisoformat(job.parameters["period_from"]),
        period_to=date.fromisoformat(job.parameters["period_to"]),
        asked_at=job.created_at,
        finished_at=job.finished_at,
        stopped=is_stale(job),
        files=[
            ReportFileOut(name=file.name, label=file.label, href=f"{href}/files/{file.name}")  # type: ignore[arg-type]
            for file in FILES
        ]
        if job.status == JobStatus.DONE
        else [],
        error=job.error,
    )


class ReportController(Controller):
    path = "/api"
    tags = ["Monitoring"]

    @get(
        "/authorities/{authority_id:uuid}/report/{kind:str}",
        operation_id="GetCouncilReport",
        media_type="application/octet-stream",
    )
    async def council(
        self,
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        kind: str,
        period_from: date,
        period_to: date,
    ) -> Response[bytes]:
        """The council's monitoring report over a period: ``report/pdf``, ``report/accounts.csv`` (a row an
        account, with totals) or ``report/exceptions.csv``. Only the council's own staff."""
        report = await council_report_now(db_session, actor, authority_id, period_from, period_to, today())
        return report_download(report, "direct-payments-report", kind)

    @post("/authorities/{authority_id:uuid}/reports", operation_id="AskForCouncilReport", status_code=202)
    async def ask(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        data: CouncilReportIn,
    ) -> Response[CouncilReportOut]:
        """Prepare the council's monitoring report for a period in the background (a large council's takes
        seconds to make); ``GET`` the Location to follow it, then download its files as often as wanted."""
        job = await ask_for_council_report(db_session, actor, authority_id, data.period_from, data.period_to, today())
        return Response(
            to_council_report(job),
            status_code=202,
            headers={"Location": f"/api/authorities/{authority_id}/reports/{job.id}"},
            background=work_after(request),
        )

    @get("/authorities/{authority_id:uuid}/reports", operation_id="ListCouncilReports")
    async def reports(self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID) -> list[CouncilReportOut]:
        """The council's last 10 reports asked for, newest first."""
        return [to_council_report(job) for job in await council_reports(db_session, actor, authority_id)]

    @get("/authorities/{authority_id:uuid}/reports/{job_id:uuid}", operation_id="GetCouncilReportJob")
    async def report(
        self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID, job_id: uuid.UUID
    ) -> CouncilReportOut:
        return to_council_report(await council_report_job(db_session, actor, authority_id, job_id))

    @get(
        "/authorities/{authority_id:uuid}/reports/{job_id:uuid}/files/{name:str}",
        operation_id="GetCouncilReportFile",
        media_type="application/octet-stream",
    )
    async def prepared_file(
        self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID, job_id: uuid.UUID, name: str
    ) -> Response[bytes]:
        """One of a prepared report's files: ``pdf``, ``accounts.csv`` or ``exceptions.csv``."""
        kept = await council_report_file(db_session, actor, authority_id, job_id, name)
        return attachment(kept.data, kept.media_type, kept.filename)

    @get(
        "/accounts/{account_id:uuid}/report/{kind:str}",
        operation_id="GetAccountReport",
        media_type="application/octet-stream",
    )
    async def account(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        kind: str,
        period_from: date,
        period_to: date,
    ) -> Response[bytes]:
        """One account's report over a period, in the same three forms."""
        report = await account_report(db_session, actor, account_id, period_from, period_to, today())
        return report_download(
            report, f"direct-payment-report-{report.lines[0].reference if report.lines else ''}", kind
        )
