"""The account's audit trail on the page, as sentences, newest first, with the same events the
council reads; and who may act on the account (mandates), which the holder can end at once."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from dp_platform.audit.queries import AuditFilter, list_events, names_in
from dp_platform.audit.sentences import sentence, who
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.mandates import (
    grant_mandate,
    list_mandates,
    mandate_status,
    organisation_names,
    organisations_offering_services,
    revoke_mandate,
)
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    parse_date,
    parse_uuid,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import AccountAccess, account_for, may
from ledgers.columns import utc_now
from ledgers.errors import DomainError

PAGE_SIZE = 50
MANDATE_STATES = {
    "in_force": "In force",
    "scheduled": "Starts later",
    "expired": "Ended",
    "revoked": "Ended by the holder",
}
SCOPES = {
    "view": "see the account",
    "run_payroll": "run payroll",
    "import_statements": "upload bank statements and keep the records",
    "submit_returns": "send returns to the council",
    "manage_agreement": "manage the agreement",
    "manage_money": "hold the money in their client account",
}


class AuditPages(Controller):
    path = "/accounts/{account_id:uuid}"
    include_in_schema = False

    @get("/audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        before: str | None = None,
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        rows, next_before = await list_events(
            db_session, actor, AuditFilter(account_id=account_id), before=parse_uuid(before), limit=PAGE_SIZE
        )
        people, organisations = await names_in(db_session, rows)
        events = []
        for row in rows:
            details = dict(row.details)
            if details.get("organisation_id"):
                details.setdefault("organisation_name", organisations.get(uuid.UUID(details["organisation_id"])))
            person = people.get(row.actor_user_id) if row.actor_user_id else None
            organisation = organisations.get(row.actor_organisation_id) if row.actor_organisation_id else None
            events.append((row, sentence(row.action, details, who(person, organisation, row.actor_role))))
        return render(
            request,
            "audit/trail.html",
            title="Audit trail",
            actor=actor,
            nav=account_nav(access.account, "audit"),
            account=access.account,
            events=events,
            next_before=next_before,
        )

    async def _mandates_page(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        access: AccountAccess,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        rows = await list_mandates(db_session, actor, account_id=access.account.id)
        now = utc_now()
        may_manage = may(actor, access, Action.MANAGE_MANDATES)
        names = await organisation_names(db_session, {row.organisation_id for row in rows})
        return render(
            request,
            "audit/mandates.html",
            title="Who can act on this account",
            actor=actor,
            nav=account_nav(access.account, "mandates"),
            account=access.account,
            mandates=[(row, names[row.organisation_id], mandate_status(row, now)) for row in rows],
            states=MANDATE_STATES,
            scopes=SCOPES,
            may_manage=may_manage,
            organisations=[(str(row.id), row.name) for row in await organisations_offering_services(db_session)]
            if may_manage
            else [],
            errors=errors or [],
            values=values or {"valid_from": today(), "scopes": ["view"]},
            status=status,
        )

    @get("/mandates")
    async def mandates(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._mandates_page(request, db_session, actor, access)

    @post("/mandates")
    async def grant(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        """The holder lets an organisation act for them, for what they tick, from a day they choose."""
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await request.form()
        values = {"organisation_id": form.get("organisation_id"), "scopes": form.getall("scopes", [])}
        values["valid_from"], error = parse_date(form.get("valid_from"), "valid_from", "the day it starts")
        errors = [error] if error else []
        organisation_id = parse_uuid(values["organisation_id"])
        if organisation_id is None:
            errors.append(FormError("organisation_id", "Choose the organisation."))
        if not values["scopes"]:
            errors.append(FormError("scopes", "Tick at least one thing the organisation may do."))
        if not errors:
            try:
                await grant_mandate(
                    db_session,
                    actor,
                    account_id=account_id,
                    organisation_id=organisation_id,  # type: ignore[arg-type]
                    scopes=[str(scope) for scope in values["scopes"]],
                    valid_from=values["valid_from"],  # type: ignore[arg-type]
                    valid_to=None,
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                return see_other(f"/accounts/{account_id}/mandates", "The organisation may now act as you said.")
        return await self._mandates_page(request, db_session, actor, access, errors, values, 400)

    @post("/mandates/{mandate_id:uuid}/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        mandate_id: uuid.UUID,
    ) -> Redirect:
        form = await form_of(request)
        reason = str(form.get("reason", "")).strip() or "Ended by the account holder."
        await revoke_mandate(db_session, actor, mandate_id, reason=reason)
        return see_other(f"/accounts/{account_id}/mandates", "The permission has ended; it no longer works from now.")
