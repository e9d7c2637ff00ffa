"""What the money may pay for, as a page the person reads: the council's statement of allowed
spending, dated, grouped by what the rules say, each rule with its source."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    parse_date,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.care_home_stays import account_stays, add_stay, take_off_stay
from dp_platform.workflows.spend_rules import allowed_spending
from ledgers.categories.taxonomy import Decision
from ledgers.errors import DomainError

GROUPS = (
    (Decision.ALLOWED, "What it pays for"),
    (Decision.ALLOWED_WITH_CONDITIONS, "What it pays for, on conditions"),
    (Decision.NEEDS_APPROVAL, "What needs the council's approval first"),
    (Decision.NOT_ALLOWED, "What it may not pay for"),
    (None, "Not yet decided"),
)


class SpendRulePages(Controller):
    path = "/accounts/{account_id:uuid}/spend-rules"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        *,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        allowed = await allowed_spending(session, actor, account_id, today())
        access = await account_for(session, actor, account_id, Action.VIEW)
        return render(
            request,
            "spend_rules.html",
            title="What the money may pay for",
            actor=actor,
            nav=account_nav(allowed.account, "spend-rules"),
            account=allowed.account,
            allowed=allowed,
            groups=[(heading, allowed.with_decision(decision)) for decision, heading in GROUPS],
            stays=[
                (row, (row.last_night - row.first_night).days + 1)
                for row in await account_stays(session, actor, account_id)
            ],
            may_record=may(actor, access, Action.RECORD_ENTRIES),
            errors=errors or [],
            values=values or {},
            status=status,
        )

    @get("")
    async def rules(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        return await self._page(request, db_session, actor, account_id)

    @post("/stays")
    async def record_stay(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        first, first_error = parse_date(form.get("first_night"), "first_night", "the first night")
        last, last_error = parse_date(form.get("last_night"), "last_night", "the last night")
        errors = [error for error in (first_error, last_error) if error]
        if not errors:
            try:
                row = await add_stay(
                    db_session,
                    actor,
                    account_id,
                    first_night=first,  # type: ignore[arg-type]
                    last_night=last,  # type: ignore[arg-type]
                    place=str(form.get("place") or ""),
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                nights = (row.last_night - row.first_night).days + 1
                return see_other(
                    f"/accounts/{account_id}/spend-rules#stays",
                    f"The stay at {row.place} is recorded: {nights} nights.",
                )
        return await self._page(request, db_session, actor, account_id, errors=errors, values=form, status=400)

    @post("/stays/{stay_id:uuid}/remove")
    async def remove_stay(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        stay_id: uuid.UUID,
    ) -> Redirect:
        row = await take_off_stay(db_session, actor, account_id, stay_id)
        return see_other(f"/accounts/{account_id}/spend-rules#stays", f"The stay at {row.place} is taken off.")
