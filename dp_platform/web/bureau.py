"""A bureau's pages: every client with what needs doing, one pay run for all of them followed with a
progress bar, payslips as one zip per run, and statements for several clients uploaded at once."""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from dp_platform.api.statements import MAX_STATEMENT_BYTES
from dp_platform.audit.writer import note_unchanged
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.bureau_payroll import job_of, organisation_jobs, start_bureau_payroll
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statuses import FINISHED
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.web.pages import FormError, form_errors, form_of, home_nav, render, today
from dp_platform.web.payroll import PAYDAY_BEFORE_END, read_period
from dp_platform.workflows.accounts import accounts_for
from dp_platform.workflows.agreement_reviews import monitoring_state
from dp_platform.workflows.overview import client_states
from dp_platform.workflows.payroll import payslip_document
from dp_platform.workflows.statements import import_account_statement
from ledgers.errors import DomainError
from payroll.payslip_pdf import payslip_filename, render_payslip
from payroll.periods import four_weekly_period
from payroll.service import get_pay_run

OUTCOMES = {
    "finalised": "Finalised",
    "draft": "Drafted: waiting for a person",
    "skipped": "Skipped",
    "failed": "Not run",
}


def _bureau(actor: Actor) -> Actor:
    if actor.role is not Role.BUREAU_STAFF:
        raise AccessDeniedError("These pages are for payroll bureau staff.")
    return actor


class BureauPages(Controller):
    path = "/clients"
    include_in_schema = False

    @get("")
    async def clients(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        _bureau(actor)
        return render(
            request,
            "bureau/clients.html",
            title="Clients",
            actor=actor,
            nav=home_nav(actor, "clients"),
            clients=await client_states(db_session, actor, today()),
        )

    async def _runs_page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        states = await client_states(session, actor, today())
        due = sorted((state.next_period for state in states if state.pay_run_due), key=lambda period: period[1])
        number, first, last = due[0] if due else four_weekly_period(today())
        suggested = {
            "period_number": number,
            "period_start": first,
            "period_end": last,
            "paid_on": last - PAYDAY_BEFORE_END,
        }
        return render(
            request,
            "bureau/pay_runs.html",
            title="Pay runs for all clients",
            actor=actor,
            nav=home_nav(actor, "bureau-runs"),
            jobs=await organisation_jobs(session, actor.organisation_id) if actor.organisation_id else [],
            values=values or suggested,
            errors=errors or [],
            is_stale=is_stale,
            status=status,
        )

    @get("/pay-runs")
    async def pay_runs(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        return await self._runs_page(request, db_session, _bureau(actor))

    @post("/pay-runs")
    async def start(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template | Redirect:
        _bureau(actor)
        form = await form_of(request)
        number, dates, errors = read_period(form)
        if errors:
            return await self._runs_page(request, db_session, actor, errors, form, 400)
        job = await start_bureau_payroll(
            db_session, actor, period_number=number, finalise=form.get("finalise") == "yes", **dates
        )
        return Redirect(
            f"/clients/pay-runs/{job.id}",
            status_code=303,
            background=work_after(request),
        )

    @get("/returns")
    async def returns(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        """Every client whose returns the organisation sends, with each period ended and not yet sent."""
        _bureau(actor)
        due = []
        for account in await accounts_for(db_session, actor, action=Action.SUBMIT_RETURNS):
            state = await monitoring_state(db_session, actor, account.id, today())
            if state is not None:
                due += [(account, period) for period, sent in state.periods if sent is None]
        return render(
            request,
            "bureau/returns.html",
            title="Returns to send",
            actor=actor,
            nav=home_nav(actor, "bureau-returns"),
            due=sorted(due, key=lambda item: (item[1].due_on, item[0].holder_name)),
            today=today(),
        )

    async def _job(self, session: DbSession, actor: Actor, job_id: uuid.UUID) -> dict[str, Any]:
        job = await job_of(session, _bureau(actor), job_id)
        names = {account.id: account.holder_name for account in await accounts_for(session, actor)}
        return {"job": job, "names": names, "outcomes": OUTCOMES, "stale": is_stale(job)}

    @get("/pay-runs/{job_id:uuid}")
    async def job(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, job_id: uuid.UUID
    ) -> Template:
        context = await self._job(db_session, actor, job_id)
        return render(
            request,
            "bureau/job.html",
            title="Pay run for all clients",
            actor=actor,
            nav=home_nav(actor, "bureau-runs"),
            **context,
        )

    @get("/pay-runs/{job_id:uuid}/progress")
    async def progress(self, db_session: DbSession, actor: Actor, job_id: uuid.UUID) -> Template:
        """The progress fragment htmx polls; once the run is over it asks the browser for the whole page."""
        context = await self._job(db_session, actor, job_id)
        headers = {"HX-Refresh": "true"} if context["job"].status in FINISHED else {}
        return Template(template_name="bureau/_progress.html", context=context, headers=headers)

    @get("/pay-runs/{job_id:uuid}/payslips.zip")
    async def payslips(self, db_session: DbSession, actor: Actor, job_id: uuid.UUID) -> Response[bytes]:
        """Every payslip of the run's finalised client runs, one PDF each, checked against each mandate."""
        job = (await self._job(db_session, actor, job_id))["job"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for outcome in job.result:
                if outcome["status"] != "finalised" or not outcome["run_id"]:
                    continue
                account_id, run_id = uuid.UUID(outcome["account_id"]), uuid.UUID(outcome["run_id"])
                for slip in (await get_pay_run(db_session, account_id, run_id)).payslips:
                    document = await payslip_document(db_session, actor, account_id, run_id, slip.pa_id)
                    archive.writestr(f"{outcome['reference']}/{payslip_filename(document)}", render_payslip(document))
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="payslips-{job.parameters["paid_on"]}.zip"'},
        )

    async def _statements_page(
        self, request: Request[Any, Any, Any], actor: Actor, accounts: list[Any], status: int = 200, **context: Any
    ) -> Template:
        return render(
            request,
            "bureau/statements.html",
            title="Upload statements for several clients",
            actor=actor,
            nav=home_nav(actor, "bureau-statements"),
            accounts=accounts,
            status=status,
            **{"results": None, "errors": [], **context},
        )

    @get("/statements")
    async def statements_form(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        _bureau(actor)
        accounts = await accounts_for(db_session, actor, action=Action.IMPORT_STATEMENTS)
        return await self._statements_page(request, actor, accounts)

    @post("/statements", request_max_body_size=MAX_STATEMENT_BYTES * 4)
    async def statements(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        """Each client's file is imported on its own: one refused file leaves that client as it was and
        the others go ahead."""
        _bureau(actor)
        form = await request.form()
        accounts = await accounts_for(db_session, actor, action=Action.IMPORT_STATEMENTS)
        results = []
        for account in accounts:
            upload = form.get(f"statement-{account.id}")
            if not isinstance(upload, UploadFile) or not upload.filename:
                continue
            try:
                async with db_session.begin_nested():
                    imported = await import_account_statement(
                        db_session, actor, account.id, filename=upload.filename, data=await upload.read()
                    )
            except DomainError as error:
                results.append((account, False, form_errors(error)[0].text))
                continue
            text = (
                "This file was uploaded before; nothing new."
                if imported.duplicate_file
                else f"{imported.new_lines} new lines, {imported.known_lines} already known."
            )
            results.append((account, True, text))
        if not results:
            note_unchanged()
            field = f"statement-{accounts[0].id}" if accounts else None
            errors = [FormError(field, "Choose at least one client's statement file.")]
            return await self._statements_page(request, actor, accounts, 400, errors=errors)
        if all(not imported for _, imported, _ in results):
            note_unchanged()
        return await self._statements_page(request, actor, accounts, results=results)
