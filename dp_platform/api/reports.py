"""Monitoring reports as files: a PDF a person reads (summary first) and CSV for finance systems."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

from litestar import Controller, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.report import MonitoringReport, account_rows, exception_rows, render_report
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.reports import ReportPeriodError, account_report, council_report

FORMATS = ("pdf", "accounts.csv", "exceptions.csv")


def report_download(report: MonitoringReport, name: str, kind: str) -> Response[bytes]:
    """``kind``: ``pdf``, ``accounts.csv`` (a row an account, with totals) or ``exceptions.csv``."""
    stem = f"{name}-{report.period_from.isoformat()}-to-{report.period_to.isoformat()}"
    if kind == "pdf":
        return Response(
            render_report(report),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{stem}.pdf"'},
        )
    if kind not in FORMATS:
        raise ReportPeriodError(f"A report comes as {', '.join(FORMATS)}.", field="kind")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        account_rows(report) if kind == "accounts.csv" else exception_rows(report)
    )
    return Response(
        buffer.getvalue().encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}-{kind}"'},
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
        db_session: AsyncSession,
        actor: Actor,
        authority_id: uuid.UUID,
        kind: str,
        period_from: date,
        period_to: date,
    ) -> Response[bytes]:
        """The council's monitoring report over a period: ``report/pdf``, ``report/accounts.csv`` (a row an
        account, with totals) or ``report/exceptions.csv``. Only the council's own staff."""
        if actor.authority_id != authority_id:
            raise AccessDeniedError("A council's reports are read by its own staff.")
        report = await council_report(db_session, actor, period_from, period_to, today())
        return report_download(report, "direct-payments-report", kind)

    @get(
        "/accounts/{account_id:uuid}/report/{kind:str}",
        operation_id="GetAccountReport",
        media_type="application/octet-stream",
    )
    async def account(
        self,
        db_session: AsyncSession,
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
