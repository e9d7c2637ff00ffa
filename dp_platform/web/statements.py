"""Bank statements on the page: upload one, then go through its lines, accepting what each
payment was for (one at a time, or every suggestion at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from dp_platform.api.statements import MAX_STATEMENT_BYTES
from dp_platform.audit.writer import note_unchanged
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statement_import import (
    LARGE_STATEMENT_BYTES,
    import_job_of,
    start_statement_import,
)
from dp_platform.jobs.statuses import FINISHED
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import FormError, account_nav, form_errors, render, see_other
from dp_platform.workflows.accounts import AccountAccess, account_for, may
from dp_platform.workflows.bank_to_ledger import accept_suggestions, confirm_line
from dp_platform.workflows.payroll_payments import PA_WAGES
from dp_platform.workflows.records import MatchRow, StatementLineRow
from dp_platform.workflows.statements import bank_layouts, describe_bank_layout, import_account_statement
from ledgers.categories.assistant import MoneyInSuggestion, suggest_money_in
from ledgers.categories.service import SpendLine, spend_lines
from ledgers.categories.taxonomy import national
from ledgers.chart import OPTION_1_CHART
from ledgers.errors import DomainError
from ledgers.reconcile_service import matches_of_statement, money_in_history
from ledgers.statements.profiles import DATE_FORMATS
from ledgers.statements.service import account_statements, lines_of_statement, statement_of

FORMATS = (
    ("", "Work it out from the file"),
    ("csv", "CSV"),
    ("ofx", "OFX or QFX"),
    ("qif", "QIF"),
    ("pdf", "PDF"),
    ("txt", "Santander text file"),
)


def _categories() -> list[tuple[str, str]]:
    return [(code, category.name) for code, category in national().categories.items()]


def _account_names() -> dict[str, str]:
    return {account.code.value: account.name for account in OPTION_1_CHART}


@dataclass(frozen=True, slots=True)
class LineView:
    """A bank line as the page shows it: what it was for, and whether the ledger holds it yet."""

    line: StatementLineRow
    found: SpendLine | None
    ledger: MatchRow | None
    money_in: MoneyInSuggestion | None
    """For money in that the ledger does not hold yet: where accepting would post it."""

    @property
    def acceptable(self) -> bool:
        """Accepting the statement's suggestions would record this line (as ``follow_statement`` does)."""
        if self.ledger is not None:
            return False
        if self.money_in is not None:
            return True
        category = self.found.category if self.found else None
        return category is not None and not (category.category == PA_WAGES and not category.confirmed)


async def _line_views(session: DbSession, account_id: uuid.UUID, statement_id: uuid.UUID) -> list[LineView]:
    known = {found.line.id: found for found in await spend_lines(session, account_id, statement_id=statement_id)}
    matches = await matches_of_statement(session, statement_id)
    history = await money_in_history(session, account_id)
    return [
        LineView(
            line,
            known.get(line.id),
            matches.get(line.id),
            suggest_money_in(line.description, history) if line.amount_pence > 0 and line.id not in matches else None,
        )
        for line in await lines_of_statement(session, statement_id)
    ]


class StatementPages(Controller):
    path = "/accounts/{account_id:uuid}/statements"
    include_in_schema = False

    async def _list(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        errors: list[FormError],
        status: int = 200,
        describing: dict[str, str] | None = None,
    ) -> Template:
        layouts = await bank_layouts(session, actor, access.account.id)
        return render(
            request,
            "statements/list.html",
            title="Bank statements",
            actor=actor,
            nav=account_nav(access.account, "statements"),
            account=access.account,
            statements=await account_statements(session, access.account.id),
            may_import=may(actor, access, Action.IMPORT_STATEMENTS),
            formats=FORMATS,
            layouts=[("", "Work it out from the headings"), *((name, bank) for name, bank, _ in layouts)],
            date_formats=[(label, label) for label in DATE_FORMATS],
            describing=describing or {},
            errors=errors,
            status=status,
        )

    @get("")
    async def statements(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._list(request, db_session, actor, access, [])

    @post("", request_max_body_size=MAX_STATEMENT_BYTES)
    async def upload(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.IMPORT_STATEMENTS)
        form = await request.form()
        upload = form.get("statement")
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors = [FormError("statement", "Choose the bank statement file to upload.")]
            return await self._list(request, db_session, actor, access, errors, status=400)
        content = await upload.read()
        chosen = {"format": str(form.get("format") or "") or None, "profile": str(form.get("profile") or "") or None}
        if len(content) > LARGE_STATEMENT_BYTES:
            job = await start_statement_import(
                db_session, actor, account_id, filename=upload.filename, data=content, **chosen
            )
            redirect = see_other(f"/accounts/{account_id}/statements/imports/{job.id}")
            redirect.background = work_after(request)
            return redirect
        try:
            result = await import_account_statement(
                db_session, actor, account_id, filename=upload.filename, data=content, **chosen
            )
        except DomainError as error:
            errors = [FormError("statement", text.text) for text in form_errors(error)]
            unknown = {"name": ""} if error.field == "header" else None  # open the form to describe the columns
            return await self._list(request, db_session, actor, access, errors, status=422, describing=unknown)
        if result.duplicate_file:
            message = "This file was uploaded before; nothing new was added."
        else:
            message = f"Statement uploaded: {result.new_lines} new lines, {result.known_lines} already known."
        return see_other(f"/accounts/{account_id}/statements/{result.statement_id}", message)

    async def _import(
        self, session: DbSession, actor: Actor, account_id: uuid.UUID, job_id: uuid.UUID
    ) -> dict[str, Any]:
        job = await import_job_of(session, actor, account_id, job_id)
        access = await account_for(session, actor, account_id, Action.VIEW)
        return {"job": job, "account": access.account, "stopped": is_stale(job), "access": access}

    @get("/imports/{job_id:uuid}")
    async def import_page(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        job_id: uuid.UUID,
    ) -> Template:
        """A large statement being read: how far it has got, then the statement or why it was refused."""
        context = await self._import(db_session, actor, account_id, job_id)
        return render(
            request,
            "statements/import.html",
            title="Reading a bank statement",
            actor=actor,
            nav=account_nav(context["account"], "statements"),
            **context,
        )

    @get("/imports/{job_id:uuid}/progress")
    async def import_progress(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, job_id: uuid.UUID
    ) -> Template:
        """The fragment htmx polls; once the import is over it asks the browser for the whole page."""
        context = await self._import(db_session, actor, account_id, job_id)
        headers = {"HX-Refresh": "true"} if context["job"].status in FINISHED else {}
        return Template(template_name="statements/_import_progress.html", context=context, headers=headers)

    @post("/layouts")
    async def describe_layout(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.IMPORT_STATEMENTS)
        form = {key: str(value) for key, value in (await request.form()).items() if isinstance(value, str)}
        try:
            skip_rows = int(form.get("skip_rows") or 0)
        except ValueError:
            errors = [FormError("skip_rows", "Lines above the first transaction: a whole number, such as 0 or 2.")]
            return await self._list(request, db_session, actor, access, errors, status=400, describing=form)
        try:
            row = await describe_bank_layout(
                db_session,
                actor,
                account_id,
                form.get("name", ""),
                date_column=form.get("date_column", ""),
                date_format=form.get("date_format", ""),
                description_columns=form.get("description_columns", "").split(","),
                amount_column=form.get("amount_column"),
                paid_in_column=form.get("paid_in_column"),
                paid_out_column=form.get("paid_out_column"),
                balance_column=form.get("balance_column"),
                headed=form.get("headed", "yes") != "no",
                skip_rows=skip_rows,
            )
        except DomainError as error:
            errors = form_errors(error)
            return await self._list(request, db_session, actor, access, errors, status=400, describing=form)
        message = f"Layout '{row.name}' saved. Upload the file again: it will be read with these columns."
        return see_other(f"/accounts/{account_id}/statements", message)

    @get("/{statement_id:uuid}")
    async def statement(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        statement_id: uuid.UUID,
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        statement = await statement_of(db_session, account_id, statement_id)
        views = await _line_views(db_session, account_id, statement_id)
        return render(
            request,
            "statements/statement.html",
            title=f"Statement {statement.filename}",
            actor=actor,
            nav=account_nav(access.account, "statements"),
            account=access.account,
            statement=statement,
            lines=views,
            suggestions=sum(1 for view in views if view.acceptable),
            waiting=sum(1 for view in views if view.ledger is None),
            may_decide=may(actor, access, Action.RECORD_ENTRIES),
            categories=_categories(),
            names=dict(_categories()),
            accounts=_account_names(),
        )

    @post("/{statement_id:uuid}/lines/{line_id:uuid}")
    async def decide_line(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        statement_id: uuid.UUID,
        line_id: uuid.UUID,
    ) -> Template | Redirect:
        """Accept the suggestion, or say another category; htmx swaps just the line's row."""
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        await statement_of(db_session, account_id, statement_id)
        form = await request.form()
        found = next(iter(await spend_lines(db_session, account_id, statement_id=statement_id, line_id=line_id)), None)
        category = str(form.get("category") or (found.category.category if found and found.category else ""))
        if found is None or not category:
            note_unchanged()
            return see_other(f"/accounts/{account_id}/statements/{statement_id}", "Choose what the payment was for.")
        result, _ = await confirm_line(
            db_session,
            actor,
            account_id,
            line_id,
            category=category,
            outcome=found.category.outcome if found.category else None,
            relationship=found.category.relationship if found.category else "none",
        )
        message = f"{found.line.description}: {result.sentence}"
        if request.headers.get("hx-request"):
            [view] = [
                view for view in await _line_views(db_session, account_id, statement_id) if view.line.id == line_id
            ]
            return Template(
                template_name="statements/_line.html",
                context={
                    "account": access.account,
                    "statement_id": statement_id,
                    "view": view,
                    "may_decide": True,
                    "categories": _categories(),
                    "names": dict(_categories()),
                    "accounts": _account_names(),
                    "announce": message,
                },
            )
        return see_other(f"/accounts/{account_id}/statements/{statement_id}#line-{line_id}", message)

    @post("/{statement_id:uuid}/accept-all")
    async def accept_all(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, statement_id: uuid.UUID
    ) -> Redirect:
        await statement_of(db_session, account_id, statement_id)
        followed = await accept_suggestions(db_session, actor, account_id, statement_id)
        if not (followed.posted or followed.matched):
            note_unchanged()
        message = f"{followed.posted} line{'s' if followed.posted != 1 else ''} recorded in the ledger."
        if followed.waiting:
            message += (
                " 1 still needs you to say what it was."
                if followed.waiting == 1
                else f" {followed.waiting} still need you to say what they were."
            )
        if followed.needs_council:
            verb = "needs" if followed.needs_council == 1 else "need"
            message += f" {followed.needs_council} of them {verb} the council's decision: see Spend reviews."
        return see_other(f"/accounts/{account_id}/statements/{statement_id}", message)
