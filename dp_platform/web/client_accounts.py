"""A managed-account provider's pages: its pooled client accounts, and for each one the client-money
check, the clients, the pooled statement upload, and the lines waiting to be given to someone."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from dp_platform.api.statements import MAX_STATEMENT_BYTES
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.web.pages import FormError, form_errors, form_of, home_nav, parse_date, render, see_other, today
from dp_platform.workflows.accounts import accounts_for
from dp_platform.workflows.client_fees import charge_agreed_fees
from dp_platform.workflows.client_money import (
    add_client,
    assign_line,
    assign_waiting_lines,
    check_client_money,
    client_account,
    clients,
    end_client,
    import_client_statement,
    open_client_account,
    organisation_client_accounts,
)
from ledgers.client_money.service import Assigned, waiting_lines
from ledgers.errors import DomainError
from ledgers.keyset import Keyset
from ledgers.money import Money

OWN_MONEY = "provider"
WAITING_SHOWN = 200


def _staff(actor: Actor) -> uuid.UUID:
    if actor.role is not Role.BUREAU_STAFF or actor.organisation_id is None:
        raise AccessDeniedError("These pages are for a managed-account provider's staff.")
    return actor.organisation_id


def _chosen_account(form: dict[str, Any], field: str, missing: str) -> tuple[uuid.UUID | None, list[FormError]]:
    """The DP account a select on the page names, or the sentence asking for one."""
    try:
        return uuid.UUID(str(form.get(field) or "")), []
    except ValueError:
        return None, [FormError(field, missing)]


def _given(assigned: Assigned) -> str:
    parts = []
    if assigned.by_reference:
        parts.append(f"{assigned.by_reference} by their reference")
    if assigned.by_memory:
        parts.append(f"{assigned.by_memory} by who the payee was for last time")
    if assigned.by_hand:
        parts.append(f"{assigned.by_hand} by you")
    given = f"{assigned.assigned} line{'s' if assigned.assigned != 1 else ''} given to clients" + (
        f" ({', '.join(parts)})" if parts else ""
    )
    return f"{given}; {assigned.waiting} waiting for you to say whose they are."


class ClientAccountPages(Controller):
    path = "/client-accounts"
    include_in_schema = False

    async def _list(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        organisation_id = _staff(actor)
        return render(
            request,
            "client_accounts/list.html",
            title="Client accounts",
            actor=actor,
            nav=home_nav(actor, "client-accounts"),
            pools=await organisation_client_accounts(session, actor, organisation_id),
            errors=errors or [],
            values=values or {"opened_on": today().isoformat()},
            status=status,
        )

    @get("")
    async def index(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        return await self._list(request, db_session, actor)

    @post("")
    async def open(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template | Redirect:
        organisation_id = _staff(actor)
        form = await form_of(request)
        name = str(form.get("name") or "").strip()
        opened_on, bad_day = parse_date(form.get("opened_on"), "opened_on", "the day the account opened")
        errors = [error for error in (bad_day,) if error]
        if not name:
            errors.insert(0, FormError("name", "Enter the client account's name, as the bank knows it."))
        if errors:
            return await self._list(request, db_session, actor, errors, form, 400)
        try:
            held = await open_client_account(db_session, actor, organisation_id, name=name, opened_on=opened_on)  # type: ignore[arg-type]
        except DomainError as error:
            return await self._list(request, db_session, actor, form_errors(error), form, 422)
        return see_other(f"/client-accounts/{held.pool.id}", f"Client account “{name}” opened.")

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        held = await client_account(session, actor, pool_id)
        members = await clients(session, actor, pool_id)
        joined = {member.member_book_id for member in members}
        may_join = [
            account
            for account in await accounts_for(session, actor, action=Action.MANAGE_MONEY)
            if account.id not in joined
        ]
        return render(
            request,
            "client_accounts/account.html",
            title=held.pool.name,
            actor=actor,
            nav=home_nav(actor, "client-accounts"),
            pool=held.pool,
            check=await check_client_money(session, actor, pool_id),
            members=members,
            may_join=may_join,
            join_choices=[("", "Choose"), *((str(a.id), f"{a.holder_name} ({a.reference})") for a in may_join)],
            leave_choices=[
                ("", "Choose"),
                *((str(m.member_book_id), f"{m.name} ({m.reference})") for m in members if m.left_on is None),
            ],
            waiting=await waiting_lines(session, pool_id, page=Keyset(WAITING_SHOWN)),
            choices=[
                ("", "Choose"),
                *((str(m.member_book_id), f"{m.name} ({m.reference})") for m in members if m.left_on is None),
                (OWN_MONEY, "The provider's own money (fees taken out)"),
            ],
            errors=errors or [],
            values=values or {"joined_on": today().isoformat()},
            today_iso=today().isoformat(),
            status=status,
        )

    @get("/{pool_id:uuid}")
    async def account(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Template:
        _staff(actor)
        return await self._page(request, db_session, actor, pool_id)

    @post("/{pool_id:uuid}/clients")
    async def join(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Template | Redirect:
        _staff(actor)
        form = await form_of(request)
        account_id, errors = _chosen_account(form, "account_id", "Choose the person whose money joins the account.")
        reference = str(form.get("reference") or "").strip()
        if not reference:
            errors.append(FormError("reference", "Enter the reference their bank lines carry."))
        joined_on, bad_day = parse_date(form.get("joined_on"), "joined_on", "the day their money joins")
        errors += [bad_day] if bad_day else []
        if errors:
            return await self._page(request, db_session, actor, pool_id, errors, form, 400)
        try:
            member = await add_client(db_session, actor, pool_id, account_id, reference=reference, joined_on=joined_on)  # type: ignore[arg-type]
        except DomainError as error:
            return await self._page(request, db_session, actor, pool_id, form_errors(error), form, 422)
        return see_other(
            f"/client-accounts/{pool_id}", f"{member.name}'s money is now held here, as {member.reference}."
        )

    @post("/{pool_id:uuid}/leave")
    async def leave(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Template | Redirect:
        _staff(actor)
        form = await form_of(request)
        account_id, errors = _chosen_account(form, "leaving", "Choose the person whose money leaves the account.")
        left_on, bad_day = parse_date(form.get("left_on"), "left_on", "the last day their money is held here")
        errors += [bad_day] if bad_day else []
        if errors:
            return await self._page(request, db_session, actor, pool_id, errors, form, 400)
        try:
            member = await end_client(db_session, actor, pool_id, account_id, left_on=left_on)  # type: ignore[arg-type]
        except DomainError as error:
            errors = form_errors(error, {"member_id": "leaving", "account_id": "leaving"})
            return await self._page(request, db_session, actor, pool_id, errors, form, 422)
        return see_other(f"/client-accounts/{pool_id}", f"{member.name}'s money is no longer held here.")

    @post("/{pool_id:uuid}/fees")
    async def fees(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Template | Redirect:
        _staff(actor)
        form = await form_of(request)
        on, bad_day = parse_date(form.get("fees_on"), "fees_on", "the day to charge the fees up to")
        if bad_day:
            return await self._page(request, db_session, actor, pool_id, [bad_day], form, 400)
        try:
            charged = await charge_agreed_fees(db_session, actor, pool_id, on)  # type: ignore[arg-type]
        except DomainError as error:
            return await self._page(request, db_session, actor, pool_id, form_errors(error), form, 422)
        if not charged.charged:
            return see_other(f"/client-accounts/{pool_id}", "No fee was due that had not been charged already.")
        message = (
            f"{charged.charged} fee{'s' if charged.charged != 1 else ''} charged, {Money(charged.total_pence)} in all."
        )
        return see_other(f"/client-accounts/{pool_id}", message)

    @post("/{pool_id:uuid}/statements", request_max_body_size=MAX_STATEMENT_BYTES)
    async def upload(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Template | Redirect:
        _staff(actor)
        form = await request.form()
        upload = form.get("statement")
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors = [FormError("statement", "Choose the client account's bank statement file.")]
            return await self._page(request, db_session, actor, pool_id, errors, status=400)
        try:
            imported = await import_client_statement(
                db_session, actor, pool_id, filename=upload.filename, data=await upload.read()
            )
        except DomainError as error:
            errors = [FormError("statement", text.text) for text in form_errors(error)]
            return await self._page(request, db_session, actor, pool_id, errors, status=422)
        if imported.statement.duplicate_file:
            return see_other(f"/client-accounts/{pool_id}", "This file was uploaded before; nothing new was added.")
        return see_other(
            f"/client-accounts/{pool_id}",
            f"Statement uploaded: {imported.statement.new_lines} new lines. {_given(imported.assigned)}",
        )

    @post("/{pool_id:uuid}/assign-waiting")
    async def again(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, pool_id: uuid.UUID
    ) -> Redirect:
        _staff(actor)
        return see_other(f"/client-accounts/{pool_id}", _given(await assign_waiting_lines(db_session, actor, pool_id)))

    @post("/{pool_id:uuid}/lines/{line_id:uuid}")
    async def give(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        line_id: uuid.UUID,
    ) -> Template | Redirect:
        _staff(actor)
        form = await form_of(request)
        chosen = str(form.get("for") or "")
        field = f"for-{line_id}"
        if not chosen:
            return await self._page(
                request, db_session, actor, pool_id, [FormError(field, "Choose whose money this line is.")], status=400
            )
        try:
            account_id = None if chosen == OWN_MONEY else uuid.UUID(chosen)
            await assign_line(db_session, actor, pool_id, line_id, account_id)
        except ValueError:
            return await self._page(
                request, db_session, actor, pool_id, [FormError(field, "Choose whose money this line is.")], status=400
            )
        except DomainError as error:
            return await self._page(
                request, db_session, actor, pool_id, form_errors(error, {"line_id": field}), status=422
            )
        return see_other(f"/client-accounts/{pool_id}", "Line given.")
