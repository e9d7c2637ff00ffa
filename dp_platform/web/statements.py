"""Bank statements on the page: upload one, then go through its lines, accepting what each
payment was for (one at a time, or every suggestion at once)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.api.statements import MAX_STATEMENT_BYTES
from dp_platform.audit.writer import note_unchanged
from dp_platform.tenancy.access import AccountAccess, authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import FormError, account_nav, form_errors, may, render, see_other
from dp_platform.workflows.spending import confirm_line
from dp_platform.workflows.statements import import_account_statement
from ledgers.categories.service import SpendLine, spend_lines
from ledgers.categories.taxonomy import national
from ledgers.errors import DomainError
from ledgers.statements.service import account_statements, lines_of_statement, statement_of

FORMATS = (("", "Work it out from the file"), ("csv", "CSV"), ("ofx", "OFX or QFX"), ("pdf", "PDF"))


def _categories() -> list[tuple[str, str]]:
    return [(code, category.name) for code, category in national().categories.items()]


class StatementPages(Controller):
    path = "/accounts/{account_id:uuid}/statements"
    include_in_schema = False

    async def _list(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        actor: Actor,
        access: AccountAccess,
        errors: list[FormError],
        status: int = 200,
    ) -> Template:
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
            errors=errors,
            status=status,
        )

    @get("")
    async def statements(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        return await self._list(request, db_session, actor, access, [])

    @post("", request_max_body_size=MAX_STATEMENT_BYTES)
    async def upload(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await authorize(db_session, actor, account_id, Action.IMPORT_STATEMENTS)
        form = await request.form()
        upload = form.get("statement")
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors = [FormError("statement", "Choose the bank statement file to upload.")]
            return await self._list(request, db_session, actor, access, errors, status=400)
        try:
            result = await import_account_statement(
                db_session,
                actor,
                account_id,
                filename=upload.filename,
                data=await upload.read(),
                format=str(form.get("format") or "") or None,
            )
        except DomainError as error:
            errors = [FormError("statement", text.text) for text in form_errors(error)]
            return await self._list(request, db_session, actor, access, errors, status=422)
        if result.duplicate_file:
            message = "This file was uploaded before; nothing new was added."
        else:
            message = f"Statement uploaded: {result.new_lines} new lines, {result.known_lines} already known."
        return see_other(f"/accounts/{account_id}/statements/{result.statement_id}", message)

    @get("/{statement_id:uuid}")
    async def statement(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        actor: Actor,
        account_id: uuid.UUID,
        statement_id: uuid.UUID,
    ) -> Template:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        statement = await statement_of(db_session, account_id, statement_id)
        known = {found.line.id: found for found in await spend_lines(db_session, account_id, statement_id=statement_id)}
        lines = [(line, known.get(line.id)) for line in await lines_of_statement(db_session, statement_id)]
        return render(
            request,
            "statements/statement.html",
            title=f"Statement {statement.filename}",
            actor=actor,
            nav=account_nav(access.account, "statements"),
            account=access.account,
            statement=statement,
            lines=lines,
            suggestions=sum(1 for found in known.values() if found.category and not found.confirmed),
            may_decide=may(actor, access, Action.RECORD_ENTRIES),
            categories=_categories(),
            names=dict(_categories()),
        )

    @post("/{statement_id:uuid}/lines/{line_id:uuid}")
    async def decide_line(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        actor: Actor,
        account_id: uuid.UUID,
        statement_id: uuid.UUID,
        line_id: uuid.UUID,
    ) -> Template | Redirect:
        """Accept the suggestion, or say another category; htmx swaps just the line's row."""
        access = await authorize(db_session, actor, account_id, Action.VIEW)
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
            [updated] = await spend_lines(db_session, account_id, statement_id=statement_id, line_id=line_id)
            return Template(
                template_name="statements/_line.html",
                context={
                    "account": access.account,
                    "statement_id": statement_id,
                    "line": updated.line,
                    "found": updated,
                    "may_decide": True,
                    "categories": _categories(),
                    "names": dict(_categories()),
                    "announce": message,
                },
            )
        return see_other(f"/accounts/{account_id}/statements/{statement_id}#line-{line_id}", message)

    @post("/{statement_id:uuid}/accept-all")
    async def accept_all(
        self, db_session: AsyncSession, actor: Actor, account_id: uuid.UUID, statement_id: uuid.UUID
    ) -> Redirect:
        await statement_of(db_session, account_id, statement_id)
        waiting: list[SpendLine] = [
            found
            for found in await spend_lines(db_session, account_id, statement_id=statement_id, unconfirmed=True)
            if found.category is not None
        ]
        if not waiting:
            note_unchanged()
        needs_council = 0
        for found in waiting:
            assert found.category is not None
            _, review = await confirm_line(
                db_session,
                actor,
                account_id,
                found.line.id,
                category=found.category.category,
                outcome=found.category.outcome,
                relationship=found.category.relationship,
            )
            needs_council += review is not None and review.status == "open"
        message = f"{len(waiting)} suggestion{'s' if len(waiting) != 1 else ''} accepted."
        if needs_council:
            verb = "needs" if needs_council == 1 else "need"
            message += f" {needs_council} of them {verb} the council's decision: see Spend reviews."
        return see_other(f"/accounts/{account_id}/statements/{statement_id}", message)
