"""Direct Payment cards on an account: issued and cancelled by the business running the card programme
(council finance, or a provider holding the money), frozen and unfrozen by the holder too. Stripe holds
the card; every change is made there first, then recorded here with its audit event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, record_account_event
from dp_platform.cards.gateway import StripeGateway
from dp_platform.cards.statuses import CardStatus
from dp_platform.cards.tables import CardAuthorisationRow, CardRow, CardTransactionRow
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.ledger import open_account_book
from ledgers.errors import DomainError, IdempotencyConflictError
from ledgers.keyset import Keyset

CARD_STATES = {"active": "active", "frozen": "inactive", "cancelled": "canceled"}
"""Our word for a card's state, and Stripe's."""


class CardNotFoundError(DomainError):
    category = "not_found"
    title = "No such card"


class CardStateError(DomainError):
    category = "conflict"
    title = "The card cannot change that way"


@dataclass(frozen=True, slots=True)
class CardAddress:
    line1: str
    city: str
    postal_code: str

    def for_stripe(self) -> dict[str, str]:
        return {"line1": self.line1, "city": self.city, "postal_code": self.postal_code, "country": "GB"}


def _required(value: str, field: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise DomainError(f"Give the {what}.", field=field)
    return value


async def account_cards(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> list[CardRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    return list(
        await session.scalars(
            select(CardRow).where(col(CardRow.account_id) == account_id).order_by(col(CardRow.created_at))
        )
    )


async def issue_card(
    session: AsyncSession,
    actor: Actor,
    gateway: StripeGateway,
    account_id: uuid.UUID,
    *,
    cardholder_name: str,
    email: str | None,
    address: CardAddress,
    card_type: str,
    idempotency_key: str,
    today: date,
) -> CardRow:
    access = await authorize(session, actor, account_id, Action.MANAGE_CARDS)
    name = _required(cardholder_name, "cardholder_name", "name of the person who will use the card")
    for field, what, value in (
        ("address.line1", "first line of the address", address.line1),
        ("address.city", "town or city", address.city),
        ("address.postal_code", "postcode", address.postal_code),
    ):
        _required(value, field, what)
    if card_type not in ("virtual", "physical"):
        raise DomainError("A card is virtual (for paying online and by phone) or physical.", field="card_type")
    held = await session.scalar(
        select(CardRow).where(col(CardRow.account_id) == account_id, col(CardRow.idempotency_key) == idempotency_key)
    )
    if held is not None:
        if (held.cardholder_name, held.card_type) != (name, card_type):
            raise IdempotencyConflictError(
                "This idempotency key was used for another card; use a new key.", field="idempotency_key"
            )
        note_unchanged()
        return held
    await open_account_book(session, actor, access.account)  # a book opened before cards existed lacks the card account
    issued = await gateway.issue_card(
        name=name,
        email=(email or "").strip() or None,
        address=address.for_stripe(),
        card_type=card_type,
        metadata={"dp_account_id": str(account_id), "dp_reference": access.account.reference},
        idempotency_key=f"{account_id}:{idempotency_key}",
    )
    row = CardRow(
        account_id=account_id,
        stripe_card_id=issued.card_id,
        stripe_cardholder_id=issued.cardholder_id,
        cardholder_name=name,
        card_type=card_type,
        last4=issued.last4,
        issued_on=today,
        issued_by_user_id=actor.user_id,
        idempotency_key=idempotency_key,
    )
    session.add(row)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="card.issued",
        subject_type="card",
        subject_id=row.id,
        details={"cardholder": name, "card_type": card_type, "last4": issued.last4, "stripe_card": issued.card_id},
    )
    return row


async def change_card(
    session: AsyncSession,
    actor: Actor,
    gateway: StripeGateway,
    account_id: uuid.UUID,
    card_id: uuid.UUID,
    *,
    to: str,
    reason: str,
    lost_or_stolen: str | None = None,
) -> CardRow:
    """Freeze (``frozen``), unfreeze (``active``) or cancel (``cancelled``, for good) a card."""
    access = await authorize(
        session, actor, account_id, Action.MANAGE_CARDS if to == "cancelled" else Action.FREEZE_CARD
    )
    card = await session.get(CardRow, card_id, with_for_update=True)
    if card is None or card.account_id != account_id:
        raise CardNotFoundError(f"There is no card {card_id} on this account.", field="card_id")
    if card.status == to:
        note_unchanged()
        return card
    if card.status == CardStatus.CANCELLED:
        raise CardStateError("This card was cancelled; issue a new one instead.", field="card_id")
    if lost_or_stolen not in (None, "lost", "stolen"):
        raise DomainError("A card is cancelled as lost or stolen, or with neither.", field="lost_or_stolen")
    await gateway.set_card_status(card.stripe_card_id, CARD_STATES[to], lost_or_stolen=lost_or_stolen)
    was = card.status
    card.status, card.status_reason = to, reason.strip()[:300] or None
    session.add(card)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action={"frozen": "card.frozen", "active": "card.unfrozen", "cancelled": "card.cancelled"}[to],
        subject_type="card",
        subject_id=card.id,
        details={"last4": card.last4, "was": was, "reason": card.status_reason, "lost_or_stolen": lost_or_stolen},
    )
    return card


async def card_authorisations(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, page: Keyset
) -> list[CardAuthorisationRow]:
    """The answers given at the till, newest first."""
    await authorize(session, actor, account_id, Action.VIEW)
    query = select(CardAuthorisationRow).where(col(CardAuthorisationRow.account_id) == account_id)
    return list(
        await session.scalars(
            page.apply(query, col(CardAuthorisationRow.requested_at), col(CardAuthorisationRow.id), descending=True)
        )
    )


async def card_transactions(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, page: Keyset
) -> list[CardTransactionRow]:
    """What the cards spent (and got back), newest first, each with its ledger entry."""
    await authorize(session, actor, account_id, Action.VIEW)
    query = select(CardTransactionRow).where(col(CardTransactionRow.account_id) == account_id)
    return list(
        await session.scalars(
            page.apply(query, col(CardTransactionRow.occurred_on), col(CardTransactionRow.id), descending=True)
        )
    )
