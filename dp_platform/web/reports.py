"""Reports on pages: the council chooses a period and asks for its monitoring report, which a worker
prepares (a large council's takes seconds to make); its page follows it and then offers the PDF to read
and the CSV for the finance system. One account's report is small, and downloads at once."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from dp_platform.api.reports import attachment, report_download
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.council_report import (
    FILES,
    report_job_file,
    report_job_of,
    report_jobs,
    start_council_report,
)
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statuses import FINISHED
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.web.pages import FormError, form_of, home_nav, parse_date, render, today
from dp_platform.workflows.reports import ReportPeriodError, account_report


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

    async def _reports_page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        first: date,
        last: date,
        errors: list[FormError],
    ) -> Template:
        jobs = await report_jobs(session, actor)
        return render(
            request,
            "exceptions/reports.html",
            title="Reports",
            actor=actor,
            nav=home_nav(actor, "reports"),
            period_from=first,
            period_to=last,
            jobs=jobs,
            stale={job.id for job in jobs if is_stale(job)},
            errors=errors,
            status=400 if errors else 200,
        )

    @get("/reports")
    async def reports(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        period_from: str = "",
        period_to: str = "",
    ) -> Template:
        if actor.role not in AUTHORITY_ROLES:
            raise AccessDeniedError("Council reports are for the council's own staff.")
        first, last, errors = _period(period_from, period_to)
        return await self._reports_page(request, db_session, actor, first, last, errors)

    @post("/reports")
    async def ask(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template | Redirect:
        """Prepare the report in the background and follow it on its own page."""
        if actor.role not in AUTHORITY_ROLES:
            raise AccessDeniedError("Council reports are for the council's own staff.")
        form = await form_of(request)
        first, last, errors = _period(form.get("period_from", ""), form.get("period_to", ""))
        if not errors:
            try:
                job = await start_council_report(db_session, actor, first, last, today())
            except ReportPeriodError as error:
                errors = [FormError(error.field or "period_to", error.detail)]
            else:
                return Redirect(f"/reports/prepared/{job.id}", status_code=303, background=work_after(request))
        return await self._reports_page(request, db_session, actor, first, last, errors)

    async def _prepared(self, session: DbSession, actor: Actor, job_id: uuid.UUID) -> dict[str, Any]:
        job = await report_job_of(session, actor, job_id)
        return {
            "job": job,
            "files": FILES,
            "stale": is_stale(job),
            "period_from": date.fromisoformat(job.parameters["period_from"]),
            "period_to": date.fromisoformat(job.parameters["period_to"]),
        }

    @get("/reports/prepared/{job_id:uuid}")
    async def prepared(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, job_id: uuid.UUID
    ) -> Template:
        context = await self._prepared(db_session, actor, job_id)
        return render(
            request, "exceptions/report.html", title="Report", actor=actor, nav=home_nav(actor, "reports"), **context
        )

    @get("/reports/prepared/{job_id:uuid}/progress")
    async def progress(self, db_session: DbSession, actor: Actor, job_id: uuid.UUID) -> Template:
        """The progress fragment htmx polls; once the report is made it asks the browser for the whole page."""
        context = await self._prepared(db_session, actor, job_id)
        headers = {"HX-Refresh": "true"} if context["job"].status in FINISHED else {}
        return Template(template_name="exceptions/_report_progress.html", context=context, headers=headers)

    @get("/reports/prepared/{job_id:uuid}/{name:str}")
    async def prepared_file(self, db_session: DbSession, actor: Actor, job_id: uuid.UUID, name: str) -> Response[bytes]:
        kept = await report_job_file(db_session, actor, job_id, name)
        return attachment(kept.data, kept.media_type, kept.filename)

    @get("/accounts/{account_id:uuid}/report/{kind:str}")
    async def account(
        self,
        db_session: DbSession,
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
