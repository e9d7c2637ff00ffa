"""The account's audit trail on the page, as sentences, newest first, with the same events the
council reads; and who may act on the account (mandates), which the holder can end at once."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.queries import AuditFilter, list_events, names_in
from dp_platform.audit.sentences import sentence, who
from dp_platform.tenancy.access import account_ref, authorize
from dp_platform.tenancy.mandates import list_mandates, mandate_status, organisation_names, revoke_mandate
from dp_platform.tenancy.policy import Action, Actor, can
from dp_platform.web.pages import account_nav, form_of, parse_uuid, render, see_other
from ledgers.columns import utc_now

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
}


class AuditPages(Controller):
    path = "/accounts/{account_id:uuid}"
    include_in_schema = False

    @get("/audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        actor: Actor,
        account_id: uuid.UUID,
        before: str | None = None,
    ) -> Template:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
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

    @get("/mandates")
    async def mandates(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        rows = await list_mandates(db_session, actor, account_id=account_id)
        now = utc_now()
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
            may_manage=bool(can(actor, Action.MANAGE_MANDATES, account_ref(access.account), now=now)),
        )

    @post("/mandates/{mandate_id:uuid}/revoke")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        actor: Actor,
        account_id: uuid.UUID,
        mandate_id: uuid.UUID,
    ) -> Redirect:
        form = await form_of(request)
        reason = str(form.get("reason", "")).strip() or "Ended by the account holder."
        await revoke_mandate(db_session, actor, mandate_id, reason=reason)
        return see_other(f"/accounts/{account_id}/mandates", "The permission has ended; it no longer works from now.")
