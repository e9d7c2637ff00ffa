"""What the platform does with each Stripe webhook, once.

The signature is checked first (a bad or stale one is refused and nothing is written). An authorisation
request is answered at once from the spend engine. Any other event the platform acts on is stored by
its id in the same transaction as what it did, so a second delivery, or a third, finds it and changes
nothing; news that arrives out of order is judged by when Stripe made it. Events of other types are
acknowledged and ignored, so Stripe does not keep retrying them.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged
from dp_platform.cards.gateway import StripeGateway, event_time
from dp_platform.cards.tables import StripeEventRow
from dp_platform.workflows.card_authorisations import answer_authorisation, release_authorisation
from dp_platform.workflows.card_payments import follow_payment_event
from dp_platform.workflows.card_transactions import record_card_transaction

AUTHORISATION_REQUEST = "issuing_authorization.request"

Handler = Callable[[AsyncSession, dict[str, Any]], Awaitable[tuple[str, uuid.UUID | None]]]
HANDLERS: dict[str, Handler] = {
    "issuing_transaction.created": record_card_transaction,
    "issuing_authorization.updated": release_authorisation,
    "payment_intent.succeeded": follow_payment_event,
    "payment_intent.payment_failed": follow_payment_event,
    "payment_intent.canceled": follow_payment_event,
}

_CLAIM = text(
    "INSERT INTO platform_stripe_events (id, type, created, outcome) VALUES (:id, :type, :created, '') "
    "ON CONFLICT (id) DO NOTHING RETURNING id"
)


@dataclass(frozen=True, slots=True)
class WebhookAnswer:
    body: dict[str, Any]
    authorisation: bool = False
    """Stripe wants an authorisation answered with its API version in a header."""


async def receive_webhook(
    session: AsyncSession, gateway: StripeGateway, payload: bytes, signature: str | None
) -> WebhookAnswer:
    event = gateway.verified_event(payload, signature)
    kind = event["type"]
    if not isinstance(event.get("data"), dict) or not isinstance(event["data"].get("object"), dict):
        note_unchanged()
        return WebhookAnswer({"received": True, "outcome": "no object in the event: ignored"})
    if kind == AUTHORISATION_REQUEST:
        answer = await answer_authorisation(session, event)
        return WebhookAnswer({"approved": answer.approved, "metadata": {"reason": answer.reason[:500]}}, True)
    handler = HANDLERS.get(kind)
    if handler is None:
        note_unchanged()
        return WebhookAnswer({"received": True, "outcome": f"{kind} is not an event the platform acts on"})
    claimed = await session.scalar(_CLAIM, {"id": event["id"], "type": kind, "created": event_time(event)})
    if claimed is None:  # delivered before: whatever it did is done
        note_unchanged()
        return WebhookAnswer({"received": True, "outcome": "delivered before: nothing changed"})
    outcome, account_id = await handler(session, event)
    row = await session.get(StripeEventRow, event["id"])
    assert row is not None
    row.outcome, row.account_id = outcome[:300], account_id
    session.add(row)
    await session.flush()
    note_unchanged()  # what the handler changed wrote its own audit events; an event it ignored changed nothing
    return WebhookAnswer({"received": True, "outcome": outcome})
