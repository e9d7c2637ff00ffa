"""Reports on pages: the council chooses a period and downloads its monitoring report as a PDF to read
or CSV for its finance system; the person (and the council) download one account's the same way."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from litestar import Controller, Request, Response, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.api.reports import report_download
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.web.pages import FormError, home_nav, parse_date, render, today
from dp_platform.workflows.reports import ReportPeriodError, account_report, council_report

DOWNLOADS = (
    ("pdf", "The report to read (PDF)"),
    ("accounts.csv", "Each account's figures, for a spreadsheet or finance system (CSV)"),
    ("exceptions.csv", "Every open exception (CSV)"),
)


def default_period(day: date) -> tuple[date, date]:
    """From the first day of last month to today."""
    return (day.replace(day=1) - relativedelta(months=1)), day


def _period(period_from: str, period_to: str) -> tuple[date, date, list[FormError]]:
    first, last = default_period(today())
    errors: list[FormError] = []
    if period_from:
        chosen, error = parse_date(period_from, "period_from", "the first day")
        first, errors = (chosen or first), errors + ([error] if error else [])
    if period_to:
        chosen, error = parse_date(period_to, "period_to", "the last day")
        last, errors = (chosen or last), errors + ([error] if error else [])
    return first, last, errors


def _bad(error: FormError) -> ReportPeriodError:
    return ReportPeriodError(error.text, field=error.field)


class ReportPages(Controller):
    include_in_schema = False

    @get("/reports")
    async def reports(
        self, request: Request[Any, Any, Any], actor: Actor, period_from: str = "", period_to: str = ""
    ) -> Template:
        if actor.role not in AUTHORITY_ROLES:
            raise AccessDeniedError("Council reports are for the council's own staff.")
        first, last, errors = _period(period_from, period_to)
        return render(
            request,
            "exceptions/reports.html",
            title="Reports",
            actor=actor,
            nav=home_nav(actor, "reports"),
            period_from=first,
            period_to=last,
            downloads=DOWNLOADS,
            errors=errors,
            status=400 if errors else 200,
        )

    @get("/reports/{kind:str}")
    async def council(
        self, db_session: AsyncSession, actor: Actor, kind: str, period_from: str = "", period_to: str = ""
    ) -> Response[bytes]:
        first, last, errors = _period(period_from, period_to)
        if errors:
            raise _bad(errors[0])
        report = await council_report(db_session, actor, first, last, today())
        return report_download(report, "direct-payments-report", kind)

    @get("/accounts/{account_id:uuid}/report/{kind:str}")
    async def account(
        self,
        db_session: AsyncSession,
        actor: Actor,
        account_id: uuid.UUID,
        kind: str,
        period_from: str = "",
        period_to: str = "",
    ) -> Response[bytes]:
        first, last, errors = _period(period_from, period_to)
        if errors:
            raise _bad(errors[0])
        report = await account_report(db_session, actor, account_id, first, last, today())
        reference = report.lines[0].reference if report.lines else "account"
        return report_download(report, f"direct-payment-report-{reference}", kind)
