"""The one place the platform talks to Stripe, through the official SDK.

The domains never see Stripe: the workflows ask this gateway to issue, freeze or cancel a card and to
ask a payer for money, and hand it the webhooks Stripe sends, whose signature it checks. Without
``DP_STRIPE_SECRET_KEY`` there is no gateway, and the card and payment features say so (503) while
everything else runs as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe

from dp_platform.settings import Settings
from ledgers.errors import DomainError

API_VERSION = stripe.api_version
"""The API version the SDK speaks, answered to Stripe on every authorisation webhook (it requires one)."""


class StripeNotConfiguredError(DomainError):
    category = "unavailable"
    title = "Cards and card payments are not set up"


class StripeRefusedError(DomainError):
    category = "unprocessable"
    title = "Stripe refused the request"


class StripeUnreachableError(DomainError):
    category = "unavailable"
    title = "Stripe could not be reached"


class WebhookSignatureError(DomainError):
    title = "The webhook's signature is not valid"


NOT_CONFIGURED = (
    "Cards and card payments are not set up on this platform: its operator sets DP_STRIPE_SECRET_KEY and "
    "DP_STRIPE_WEBHOOK_SECRET to turn them on."
)


@dataclass(frozen=True, slots=True)
class IssuedCard:
    card_id: str
    cardholder_id: str
    last4: str


@dataclass(frozen=True, slots=True)
class StartedPayment:
    payment_intent_id: str
    status: str


def _refused(error: stripe.StripeError) -> DomainError:
    if isinstance(error, stripe.APIConnectionError):
        return StripeUnreachableError("Stripe could not be reached; nothing was changed. Try again shortly.")
    message = error.user_message or getattr(error, "_message", None) or str(error)
    return StripeRefusedError(f"Stripe refused: {message}", field=getattr(error, "param", None))


class StripeGateway:
    def __init__(self, settings: Settings) -> None:
        if not settings.stripe_secret_key:
            raise StripeNotConfiguredError(NOT_CONFIGURED)
        addresses: stripe.BaseAddresses = {"api": settings.stripe_api_base} if settings.stripe_api_base else {}
        self.client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses=addresses,
            http_client=stripe.HTTPXClient(timeout=20),
            max_network_retries=2,
        )
        self.webhook_secret = settings.stripe_webhook_secret
        self.tolerance_seconds = settings.stripe_webhook_tolerance_seconds

    async def issue_card(
        self,
        *,
        name: str,
        email: str | None,
        address: dict[str, str],
        card_type: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> IssuedCard:
        """A cardholder for the person (or their representative) and a card in pounds for them. Created
        active: every spend still comes to the platform's authorisation webhook first."""
        try:
            holder = await self.client.v1.issuing.cardholders.create_async(
                {
                    "name": name,
                    "type": "individual",
                    "billing": {"address": address},
                    "metadata": metadata,
                    **({"email": email} if email else {}),
                },
                {"idempotency_key": f"{idempotency_key}:cardholder"},
            )
            params: dict[str, Any] = {
                "cardholder": holder.id,
                "currency": "gbp",
                "type": card_type,
                "status": "active",
                "metadata": metadata,
            }
            if card_type == "physical":
                params["shipping"] = {"name": name, "address": address}
            card = await self.client.v1.issuing.cards.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"{idempotency_key}:card"},
            )
        except stripe.StripeError as error:
            raise _refused(error) from error
        return IssuedCard(card.id, holder.id, card.last4)

    async def set_card_status(self, card_id: str, status: str, *, lost_or_stolen: str | None = None) -> None:
        """``active``, ``inactive`` (frozen) or ``canceled`` (for good)."""
        params: dict[str, Any] = {"status": status}
        if lost_or_stolen:
            params["cancellation_reason"] = lost_or_stolen
        try:
            await self.client.v1.issuing.cards.update_async(card_id, params)  # type: ignore[arg-type]
        except stripe.StripeError as error:
            raise _refused(error) from error

    async def describe_payer(self, customer_id: str, payment_method_id: str) -> str:
        """Check the customer and their payment method exist and belong together; say what the method is."""
        try:
            await self.client.v1.customers.retrieve_async(customer_id)
            method = await self.client.v1.payment_methods.retrieve_async(payment_method_id)
        except stripe.StripeError as error:
            raise _refused(error) from error
        owner = getattr(method, "customer", None)
        if owner is not None and owner != customer_id:
            raise StripeRefusedError(
                f"Payment method {payment_method_id} belongs to another customer, not {customer_id}.",
                field="payment_method",
            )
        if method.type == "card" and getattr(method, "card", None):
            return f"{str(method.card.brand).title()} card ending {method.card.last4}"
        if method.type == "bacs_debit" and getattr(method, "bacs_debit", None):
            return f"Direct Debit from account ending {method.bacs_debit.last4}"
        return str(method.type).replace("_", " ")

    async def ask_for_payment(
        self,
        *,
        amount_pence: int,
        customer_id: str,
        payment_method_id: str,
        description: str,
        metadata: dict[str, str],
        idempotency_key: str,
    ) -> StartedPayment:
        """Charge the payer's saved card or Direct Debit now, off session: Stripe tells the platform how
        it went through the webhook (a Direct Debit takes days)."""
        try:
            intent = await self.client.v1.payment_intents.create_async(
                {
                    "amount": amount_pence,
                    "currency": "gbp",
                    "customer": customer_id,
                    "payment_method": payment_method_id,
                    "metadata": {**metadata, "description": description},
                    "confirm": True,
                    "off_session": True,
                },
                {"idempotency_key": idempotency_key},
            )
        except stripe.CardError as error:
            raise StripeRefusedError(
                f"The payer's bank declined the payment: {error.user_message or error}", field="payment_method"
            ) from error
        except stripe.StripeError as error:
            raise _refused(error) from error
        return StartedPayment(intent.id, intent.status)

    def verified_event(self, payload: bytes, header: str | None, *, now: datetime | None = None) -> dict[str, Any]:
        """The event Stripe signed, or a refusal: a wrong or missing signature, or one older than the
        tolerance (a replay of a captured request)."""
        if not self.webhook_secret:
            raise StripeNotConfiguredError(NOT_CONFIGURED)
        try:
            stripe.WebhookSignature.verify_header(payload, header, self.webhook_secret, self.tolerance_seconds)
        except stripe.SignatureVerificationError as error:
            raise WebhookSignatureError(f"Refused: {error}", field="Stripe-Signature") from error
        try:
            event = json.loads(payload)
        except ValueError as error:
            raise WebhookSignatureError("The signed body is not JSON.", field="body") from error
        if (
            not isinstance(event, dict)
            or not isinstance(event.get("id"), str)
            or not isinstance(event.get("type"), str)
        ):
            raise WebhookSignatureError("The signed body is not a Stripe event.", field="body")
        return event


def gateway_of(state: Any) -> StripeGateway:
    """The app's gateway (kept in its state when the settings turn cards on), or the refusal that says
    cards are not set up here."""
    gateway: StripeGateway | None = state.get("stripe")
    if gateway is None:
        raise StripeNotConfiguredError(NOT_CONFIGURED)
    return gateway


def reference(value: Any) -> str:
    """The id a Stripe object names, whether Stripe sent it as an id or expanded into the object."""
    return str(value.get("id", "") if isinstance(value, dict) else value or "")


def merchant_of(stripe_object: dict[str, Any]) -> tuple[str, str | None]:
    """An authorisation's or transaction's shop: its name, and its merchant category code if given."""
    merchant = stripe_object.get("merchant_data") or {}
    code = merchant.get("category_code")
    return str(merchant.get("name") or "an unnamed shop")[:300], str(code)[:4] if code else None


def event_time(event: dict[str, Any]) -> datetime:
    created = event.get("created")
    return datetime.fromtimestamp(created if isinstance(created, int) else 0, UTC)
