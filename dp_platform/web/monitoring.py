"""Reviews and monitoring returns on pages: an account's reviews (the council records one held) and
its return periods (the person sends each return); the council's list of what is due or overdue."""

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
    home_nav,
    parse_date,
    parse_pounds,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.agreement_reviews import (
    council_due,
    monitoring_state,
    record_agreement_review,
    submit_monitoring_return,
)
from ledgers.errors import DomainError


class MonitoringPages(Controller):
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        errors: list[FormError] | None = None,
        status: int = 200,
        form: dict[str, Any] | None = None,
    ) -> Template:
        access = await account_for(session, actor, account_id, Action.VIEW)
        return render(
            request,
            "monitoring/account.html",
            title="Reviews and returns",
            actor=actor,
            nav=account_nav(access.account, "monitoring"),
            account=access.account,
            state=await monitoring_state(session, actor, account_id, today()),
            may_review=may(actor, access, Action.MONITOR),
            may_return=may(actor, access, Action.SUBMIT_RETURNS),
            errors=errors or [],
            form=form or {},
            status=status,
            today=today(),
        )

    @get("/accounts/{account_id:uuid}/monitoring")
    async def account(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        return await self._page(request, db_session, actor, account_id)

    @post("/accounts/{account_id:uuid}/monitoring/reviews")
    async def review(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        held_on, error = parse_date(form.get("held_on"), "held_on", "the day the review was held")
        errors = [error] if error else []
        state = await monitoring_state(db_session, actor, account_id, today())
        if not errors and held_on is not None and state is not None:
            try:
                await record_agreement_review(
                    db_session,
                    actor,
                    account_id,
                    state.agreement_id,
                    held_on=held_on,
                    attendees=str(form.get("attendees", "")),
                    outcome=str(form.get("outcome", "")),
                    today=today(),
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                return see_other(f"/accounts/{account_id}/monitoring", "Review recorded.")
        return await self._page(request, db_session, actor, account_id, errors, 400, form)

    @post("/accounts/{account_id:uuid}/monitoring/returns")
    async def send_return(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        period_from, error = parse_date(form.get("period_from"), "period_from", "the period")
        errors = [error] if error else []
        bank, error = parse_pounds(form.get("closing_bank"), "closing_bank", "the money in the bank")
        errors += [error] if error else []
        spent, error = parse_pounds(form.get("spent"), "spent", "what was spent")
        errors += [error] if error else []
        state = await monitoring_state(db_session, actor, account_id, today())
        if not errors and period_from is not None and state is not None and bank is not None and spent is not None:
            try:
                await submit_monitoring_return(
                    db_session,
                    actor,
                    account_id,
                    state.agreement_id,
                    period_from=period_from,
                    closing_bank_pence=bank,
                    spent_pence=spent,
                    evidence=str(form.get("evidence", "")),
                    notes=str(form.get("notes", "")),
                    today=today(),
                )
            except DomainError as refused:
                errors = form_errors(refused, {"spent_pence": "spent"})
            else:
                return see_other(f"/accounts/{account_id}/monitoring", "Return sent. The council sees it now.")
        return await self._page(request, db_session, actor, account_id, errors, 400, form)

    @get("/due")
    async def due(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        return render(
            request,
            "monitoring/due.html",
            title="Reviews and returns due",
            actor=actor,
            nav=home_nav(actor, "due"),
            items=await council_due(db_session, actor, today()),
            today=today(),
        )
