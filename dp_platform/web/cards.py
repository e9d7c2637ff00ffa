"""The card and money paid in by card, as pages: the account's cards with what each was allowed at the
till and why, what they spent, and (for the council) who pays money in and the payments asked for.
The holder can freeze a lost card from here; issuing and cancelling belong to whoever runs the card
programme. Without Stripe settings the pages say cards are not set up and offer no forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from agreements.recovery import recoveries_of
from agreements.service import account_agreements
from agreements.statuses import RecoveryStatus
from dp_platform.cards.gateway import gateway_of
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import SCOTTISH_TIME, Action, Actor
from dp_platform.web.formatting import day
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    parse_pounds,
    parse_uuid,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.card_authorisations import free_money
from dp_platform.workflows.card_payments import PURPOSES, account_card_payments, ask_for_payment, payer_of, set_payer
from dp_platform.workflows.cards import (
    CardAddress,
    account_cards,
    card_authorisations,
    card_transactions,
    change_card,
    issue_card,
)
from ledgers.categories.taxonomy import national
from ledgers.errors import DomainError
from ledgers.keyset import Keyset
from ledgers.money import Money

SHOWN = 50
"""The most recent answers and spends on the page; the API pages through them all."""


@dataclass(frozen=True, slots=True)
class TillLine:
    when: str
    shop: str
    amount_pence: int
    approved: bool
    reason: str
    card: str


def _when(moment: datetime) -> str:
    local = moment.astimezone(SCOTTISH_TIME)
    return f"{day(local)}, {local:%H:%M}"


def _category_name(code: str) -> str:
    try:
        return national().category(code).name
    except DomainError:
        return "Not yet classified"


class CardPages(Controller):
    path = "/accounts/{account_id:uuid}"
    include_in_schema = False

    async def _cards_page(
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
        cards = await account_cards(session, actor, account_id)
        last4 = {card.id: card.last4 for card in cards}
        answers = await card_authorisations(session, actor, account_id, Keyset(SHOWN))
        spends = await card_transactions(session, actor, account_id, Keyset(SHOWN))
        return render(
            request,
            "cards/cards.html",
            title="Direct Payment card",
            actor=actor,
            nav=account_nav(access.account, "cards"),
            account=access.account,
            configured=request.app.state.get("stripe") is not None,
            cards=cards,
            free=await free_money(session, account_id, today()),
            till=[
                TillLine(_when(a.requested_at), a.merchant_name, a.amount_pence, a.approved, a.reason, last4[a.card_id])
                for a in answers
            ],
            spends=[(spend, _category_name(spend.category), last4[spend.card_id]) for spend in spends],
            may_issue=may(actor, access, Action.MANAGE_CARDS),
            may_freeze=may(actor, access, Action.FREEZE_CARD),
            may_collect=may(actor, access, Action.COLLECT_PAYMENTS),
            errors=errors or [],
            form=form or {"cardholder_name": access.account.holder_name, "card_type": "virtual"},
            form_key=str(uuid.uuid4()),
            status=status,
        )

    @get("/cards")
    async def cards(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        return await self._cards_page(request, db_session, actor, account_id)

    @post("/cards")
    async def issue(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        try:
            card = await issue_card(
                db_session,
                actor,
                gateway_of(request.app.state),
                account_id,
                cardholder_name=str(form.get("cardholder_name", "")),
                email=str(form.get("email", "")) or None,
                address=CardAddress(
                    str(form.get("line1", "")), str(form.get("city", "")), str(form.get("postal_code", ""))
                ),
                card_type=str(form.get("card_type", "")),
                idempotency_key=str(form.get("idempotency_key") or uuid.uuid4()),
                today=today(),
            )
        except DomainError as refused:
            fields = {"address.line1": "line1", "address.city": "city", "address.postal_code": "postal_code"}
            return await self._cards_page(
                request, db_session, actor, account_id, form_errors(refused, fields), 400, form
            )
        return see_other(f"/accounts/{account_id}/cards", f"Card ending {card.last4} issued to {card.cardholder_name}.")

    async def _change(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
        to: str,
    ) -> Template | Redirect:
        form = await form_of(request)
        lost_or_stolen = str(form.get("lost_or_stolen") or "") or None
        try:
            card = await change_card(
                session,
                actor,
                gateway_of(request.app.state),
                account_id,
                card_id,
                to=to,
                reason=str(form.get("reason", "")),
                lost_or_stolen=lost_or_stolen if to == "cancelled" else None,
            )
        except DomainError as refused:
            return await self._cards_page(
                request, session, actor, account_id, form_errors(refused, {"card_id": "cards"}), 400, form
            )
        said = {"frozen": "frozen: it pays nothing until unfrozen", "active": "unfrozen", "cancelled": "cancelled"}
        return see_other(f"/accounts/{account_id}/cards", f"The card ending {card.last4} is {said[to]}.")

    @post("/cards/{card_id:uuid}/freeze")
    async def freeze(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
    ) -> Template | Redirect:
        return await self._change(request, db_session, actor, account_id, card_id, "frozen")

    @post("/cards/{card_id:uuid}/unfreeze")
    async def unfreeze(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
    ) -> Template | Redirect:
        return await self._change(request, db_session, actor, account_id, card_id, "active")

    @post("/cards/{card_id:uuid}/cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
    ) -> Template | Redirect:
        return await self._change(request, db_session, actor, account_id, card_id, "cancelled")

    async def _payments_page(
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
        agreements = await account_agreements(session, account_id)
        invoices = [
            recovery
            for recovery in await recoveries_of(session, [row.id for row in agreements])
            if recovery.method == "invoice" and recovery.status == RecoveryStatus.RAISED
        ]
        return render(
            request,
            "cards/payments.html",
            title="Money paid in by card or Direct Debit",
            actor=actor,
            nav=account_nav(access.account, "cards"),
            account=access.account,
            configured=request.app.state.get("stripe") is not None,
            payer=await payer_of(session, actor, account_id),
            payments=await account_card_payments(session, actor, account_id, Keyset(SHOWN)),
            purposes=PURPOSES,
            invoice_options=[("", "Choose")]
            + [(str(r.id), f"{Money(r.amount_pence)} asked on {day(r.raised_on)}") for r in invoices],
            may_collect=may(actor, access, Action.COLLECT_PAYMENTS),
            errors=errors or [],
            form=form or {},
            form_key=str(uuid.uuid4()),
            status=status,
        )

    @get("/card-payments")
    async def payments(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        return await self._payments_page(request, db_session, actor, account_id)

    @post("/card-payments/payer")
    async def payer(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        try:
            row = await set_payer(
                db_session,
                actor,
                gateway_of(request.app.state),
                account_id,
                customer_id=str(form.get("customer", "")),
                payment_method_id=str(form.get("payment_method", "")),
            )
        except DomainError as refused:
            return await self._payments_page(request, db_session, actor, account_id, form_errors(refused), 400, form)
        return see_other(
            f"/accounts/{account_id}/card-payments", f"Payments in will be taken from the {row.description}."
        )

    @post("/card-payments")
    async def ask(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        form = await form_of(request)
        purpose = str(form.get("purpose", ""))
        errors: list[FormError] = []
        recovery_id = parse_uuid(form.get("recovery_id")) if purpose == "recovery" else None
        if purpose == "recovery" and recovery_id is None:
            errors.append(FormError("recovery_id", "Choose the surplus invoice the payment is for."))
        amount, error = parse_pounds(form.get("amount"), "amount", "the amount")
        errors += [error] if error else []
        if not errors and amount is not None:
            try:
                await ask_for_payment(
                    db_session,
                    actor,
                    gateway_of(request.app.state),
                    account_id,
                    purpose=purpose,
                    amount_pence=amount,
                    recovery_id=recovery_id,
                    idempotency_key=str(form.get("idempotency_key") or uuid.uuid4()),
                )
            except DomainError as refused:
                errors = form_errors(refused, {"amount_pence": "amount", "payer": "customer"})
            else:
                return see_other(
                    f"/accounts/{account_id}/card-payments",
                    f"{Money(amount)} asked for. The records change when Stripe says it has been paid.",
                )
        return await self._payments_page(request, db_session, actor, account_id, errors, 400, form)
