"""A surplus on a page: how much is free above the threshold, the conversations the council has held
with the person about it, and, after one, recovery by invoice or by netting from a payment to come.
The person reads the same page; only the council's staff see its forms."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from agreements.errors import AgreementNotFoundError
from agreements.payments import agreements_in_force
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.web.formatting import day
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    home_nav,
    parse_date,
    parse_pounds,
    parse_uuid,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.recovery import (
    SurplusState,
    record_recovery_paid,
    record_surplus_conversation,
    recover_surplus,
    surplus_state,
)
from ledgers.errors import DomainError
from ledgers.money import Money


def _talk_options(state: SurplusState | None) -> list[tuple[str, str]]:
    """The conversations no recovery has followed yet: each can lead to one."""
    if state is None:
        return []
    used = {recovery.conversation_id for recovery in state.recoveries}
    return [("", "Choose")] + [
        (str(talk.id), f"{day(talk.held_on)} with {talk.attendees}")
        for talk in state.conversations
        if talk.id not in used
    ]


class RecoveryPages(Controller):
    path = "/accounts/{account_id:uuid}/surplus"
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
        in_force = (await agreements_in_force(session, [account_id], today())).get(account_id, [])
        agreement = in_force[-1] if in_force else None
        state = await surplus_state(session, actor, account_id, agreement.agreement.id, today()) if agreement else None
        return render(
            request,
            "recovery/surplus.html",
            title="Money held above the threshold",
            actor=actor,
            nav=home_nav(actor, "exceptions")
            if actor.role in AUTHORITY_ROLES
            else account_nav(access.account, "exceptions"),
            account=access.account,
            agreement=agreement,
            state=state,
            may_talk=may(actor, access, Action.MONITOR),
            may_recover=may(actor, access, Action.RECOVER_SURPLUS),
            talk_options=_talk_options(state),
            payment_options=[("", "Choose")]
            + [
                (due_on.isoformat(), f"{day(due_on)} ({Money(pence)})")
                for due_on, pence in (state.upcoming if state else [])
            ],
            errors=errors or [],
            form=form or {},
            status=status,
            today=today(),
        )

    async def _agreement_id(self, session: DbSession, account_id: uuid.UUID) -> uuid.UUID:
        in_force = (await agreements_in_force(session, [account_id], today())).get(account_id, [])
        if not in_force:
            raise AgreementNotFoundError("There is no agreement in force on this account.", field="agreement_id")
        return in_force[-1].agreement.id

    @get("")
    async def surplus(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        return await self._page(request, db_session, actor, account_id)

    @post("/conversations")
    async def conversation(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        held_on, error = parse_date(form.get("held_on"), "held_on", "the day of the conversation")
        errors = [error] if error else []
        kept, error = parse_pounds(form.get("kept"), "kept", "the money kept", blank=0)
        errors += [error] if error else []
        if not errors and held_on is not None:
            try:
                await record_surplus_conversation(
                    db_session,
                    actor,
                    account_id,
                    await self._agreement_id(db_session, account_id),
                    held_on=held_on,
                    attendees=str(form.get("attendees", "")),
                    outcome=str(form.get("outcome", "")),
                    kept_for=str(form.get("kept_for", "")),
                    kept_pence=kept,
                    today=today(),
                )
            except DomainError as refused:
                errors = form_errors(refused, {"kept_pence": "kept"})
            else:
                return see_other(f"/accounts/{account_id}/surplus", "Conversation recorded.")
        return await self._page(request, db_session, actor, account_id, errors, 400, form)

    @post("/recoveries")
    async def recover(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        errors: list[FormError] = []
        amount, error = parse_pounds(form.get("amount"), "amount", "the amount")
        errors += [error] if error else []
        method = str(form.get("method", ""))
        net_from = None
        if method == "netting":
            net_from, error = parse_date(form.get("net_from_due_on"), "net_from_due_on", "the payment to net it from")
            errors += [error] if error else []
        conversation_id = parse_uuid(form.get("conversation_id"))
        if conversation_id is None:
            errors.append(FormError("conversation_id", "Choose the conversation this recovery follows."))
        if not errors and conversation_id is not None:
            try:
                await recover_surplus(
                    db_session,
                    actor,
                    account_id,
                    await self._agreement_id(db_session, account_id),
                    conversation_id=conversation_id,
                    amount_pence=amount,
                    method=method,
                    net_from_due_on=net_from,
                    today=today(),
                )
            except DomainError as refused:
                errors = form_errors(refused, {"amount_pence": "amount"})
            else:
                return see_other(f"/accounts/{account_id}/surplus", f"{Money(amount)} of the surplus is to come back.")
        return await self._page(request, db_session, actor, account_id, errors, 400, form)

    @post("/recoveries/{recovery_id:uuid}/paid")
    async def paid(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        recovery_id: uuid.UUID,
    ) -> Template | Redirect:
        form = await form_of(request)
        paid_on, error = parse_date(form.get("paid_on"), "paid_on", "the day it was paid")
        if error is None and paid_on is not None:
            try:
                await record_recovery_paid(
                    db_session,
                    actor,
                    account_id,
                    await self._agreement_id(db_session, account_id),
                    recovery_id,
                    paid_on,
                )
            except DomainError as refused:
                return await self._page(
                    request, db_session, actor, account_id, form_errors(refused, {"recovery_id": "paid_on"}), 400, form
                )
            return see_other(f"/accounts/{account_id}/surplus", "The invoice is recorded as paid.")
        return await self._page(request, db_session, actor, account_id, [error] if error else [], 400, form)
