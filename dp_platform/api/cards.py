"""Direct Payment cards, the answers given at the till, money paid in by card, and Stripe's webhook."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.cards import (
    CardAuthorisationOut,
    CardChangeIn,
    CardIssueIn,
    CardOut,
    CardPaymentIn,
    CardPaymentOut,
    CardTransactionOut,
    PayerIn,
    PayerOut,
)
from dp_platform.auth.middleware import PUBLIC
from dp_platform.cards.gateway import API_VERSION, StripeGateway, gateway_of
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.card_payments import account_card_payments, ask_for_payment, payer_of, set_payer
from dp_platform.workflows.cards import (
    CardAddress,
    account_cards,
    card_authorisations,
    card_transactions,
    change_card,
    issue_card,
)
from dp_platform.workflows.records import (
    CardAuthorisationRow,
    CardPaymentRow,
    CardRow,
    CardTransactionRow,
    StripePayerRow,
)
from dp_platform.workflows.stripe_events import receive_webhook


def stripe_gateway(request: Request[Any, Any, Any]) -> StripeGateway:
    return gateway_of(request.app.state)


def to_card(row: CardRow) -> CardOut:
    return CardOut(
        id=row.id,
        cardholder_name=row.cardholder_name,
        card_type=row.card_type,
        last4=row.last4,
        status=row.status,
        issued_on=row.issued_on,
        status_reason=row.status_reason,
    )


def to_authorisation(row: CardAuthorisationRow) -> CardAuthorisationOut:
    return CardAuthorisationOut(
        id=row.id,
        card_id=row.card_id,
        requested_at=row.requested_at,
        amount_pence=row.amount_pence,
        merchant_name=row.merchant_name,
        merchant_code=row.merchant_code,
        category=row.category,
        approved=row.approved,
        reason=row.reason,
        rule_ids=list(row.rule_ids),
        held_pence=row.held_pence,
    )


def to_transaction(row: CardTransactionRow) -> CardTransactionOut:
    return CardTransactionOut(
        id=row.id,
        card_id=row.card_id,
        kind=row.kind,
        occurred_on=row.occurred_on,
        amount_pence=row.amount_pence,
        merchant_name=row.merchant_name,
        category=row.category,
        entry_id=row.entry_id,
    )


def to_payment(row: CardPaymentRow) -> CardPaymentOut:
    return CardPaymentOut(
        id=row.id,
        purpose=row.purpose,
        amount_pence=row.amount_pence,
        status=row.status,
        failure=row.failure,
        recovery_id=row.recovery_id,
        entry_id=row.entry_id,
        created_at=row.created_at,
    )


def to_payer(row: StripePayerRow) -> PayerOut:
    return PayerOut(
        customer=row.stripe_customer_id, payment_method=row.stripe_payment_method_id, description=row.description
    )


class CardController(Controller):
    path = "/api/accounts/{account_id:uuid}"
    tags = ["Cards and card payments"]

    @get("/cards", operation_id="ListCards")
    async def cards(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> list[CardOut]:
        return [to_card(row) for row in await account_cards(db_session, actor, account_id)]

    @post("/cards", operation_id="IssueCard", status_code=201)
    async def issue(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[CardIssueIn, Body()],
    ) -> CardOut:
        """Issue a Direct Payment card through Stripe Issuing: council finance, or a provider holding the
        money. Every spend on it is then decided at the till by the account's rules. Retrying with the
        same idempotency key returns the same card."""
        row = await issue_card(
            db_session,
            actor,
            stripe_gateway(request),
            account_id,
            cardholder_name=data.cardholder_name,
            email=data.email,
            address=CardAddress(data.address.line1, data.address.city, data.address.postal_code),
            card_type=data.card_type,
            idempotency_key=data.idempotency_key,
            today=today(),
        )
        return to_card(row)

    async def _change(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
        to: str,
        data: CardChangeIn,
    ) -> CardOut:
        row = await change_card(
            db_session,
            actor,
            stripe_gateway(request),
            account_id,
            card_id,
            to=to,
            reason=data.reason,
            lost_or_stolen=data.lost_or_stolen if to == "cancelled" else None,
        )
        return to_card(row)

    @post("/cards/{card_id:uuid}/freeze", operation_id="FreezeCard", status_code=200)
    async def freeze(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
        data: Annotated[CardChangeIn, Body()],
    ) -> CardOut:
        """Stop the card paying until it is unfrozen: the holder may, as may whoever issued it."""
        return await self._change(request, db_session, actor, account_id, card_id, "frozen", data)

    @post("/cards/{card_id:uuid}/unfreeze", operation_id="UnfreezeCard", status_code=200)
    async def unfreeze(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
        data: Annotated[CardChangeIn, Body()],
    ) -> CardOut:
        return await self._change(request, db_session, actor, account_id, card_id, "active", data)

    @post("/cards/{card_id:uuid}/cancel", operation_id="CancelCard", status_code=200)
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        card_id: uuid.UUID,
        data: Annotated[CardChangeIn, Body()],
    ) -> CardOut:
        """Cancel the card for good (lost, stolen, or no longer wanted): whoever issued it."""
        return await self._change(request, db_session, actor, account_id, card_id, "cancelled", data)

    @get("/card-authorisations", operation_id="ListCardAuthorisations")
    async def authorisations(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[CardAuthorisationOut]]:
        """Every answer given at the till, newest first, with the rule that made it."""
        page = keyset(limit, after, datetime, uuid.UUID)
        rows = await card_authorisations(db_session, actor, account_id, page)
        return page_of(request, page, rows, lambda row: (row.requested_at, row.id), to_authorisation)

    @get("/card-transactions", operation_id="ListCardTransactions")
    async def transactions(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[CardTransactionOut]]:
        """What the cards spent and got back, newest first, each with the ledger entry it was posted as."""
        page = keyset(limit, after, date, uuid.UUID)
        rows = await card_transactions(db_session, actor, account_id, page)
        return page_of(request, page, rows, lambda row: (row.occurred_on, row.id), to_transaction)

    @get("/payer", operation_id="GetPayer")
    async def payer(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> PayerOut | None:
        """Who pays money in by card or Direct Debit on this account, if anyone is recorded."""
        row = await payer_of(db_session, actor, account_id)
        return to_payer(row) if row else None

    @put("/payer", operation_id="SetPayer", status_code=200)
    async def set_payer(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[PayerIn, Body()],
    ) -> PayerOut:
        """Record the Stripe customer and the card or Direct Debit they set up with the council (checked
        with Stripe): council finance."""
        row = await set_payer(
            db_session,
            actor,
            stripe_gateway(request),
            account_id,
            customer_id=data.customer,
            payment_method_id=data.payment_method,
        )
        return to_payer(row)

    @get("/card-payments", operation_id="ListCardPayments")
    async def payments(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[CardPaymentOut]]:
        page = keyset(limit, after, datetime, uuid.UUID)
        rows = await account_card_payments(db_session, actor, account_id, page)
        return page_of(request, page, rows, lambda row: (row.created_at, row.id), to_payment)

    @post("/card-payments", operation_id="AskForCardPayment", status_code=201)
    async def ask(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[CardPaymentIn, Body()],
    ) -> CardPaymentOut:
        """Charge the payer's card or Direct Debit for the person's contribution or a surplus invoice.
        The ledger moves only when Stripe reports the payment made, through the webhook."""
        row = await ask_for_payment(
            db_session,
            actor,
            stripe_gateway(request),
            account_id,
            purpose=data.purpose,
            amount_pence=data.amount_pence,
            recovery_id=data.recovery_id,
            idempotency_key=data.idempotency_key,
        )
        return to_payment(row)


class StripeWebhookController(Controller):
    path = "/api/stripe"
    tags = ["Cards and card payments"]

    @post("/webhooks", operation_id="ReceiveStripeWebhook", status_code=200, opt={PUBLIC: True})
    async def webhook(self, request: Request[Any, Any, Any], db_session: DbSession) -> Response[dict[str, Any]]:
        """Stripe's events, signed with the endpoint's secret (``Stripe-Signature``). An Issuing
        authorisation request is answered ``{"approved": ...}`` at once; other events are acted on once
        each, however often delivered. A bad or stale signature is a 400 and nothing is written."""
        answer = await receive_webhook(
            db_session, stripe_gateway(request), await request.body(), request.headers.get("stripe-signature")
        )
        headers = {"Stripe-Version": API_VERSION} if answer.authorisation else {}
        return Response(answer.body, status_code=200, headers=headers)
