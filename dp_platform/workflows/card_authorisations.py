"""The answer at the till: Stripe asks whether a Direct Payment card may pay, and the platform answers
from its own spend engine within Stripe's two seconds.

In order: a frozen or cancelled card is declined; the merchant code gives the category (a code the
national guidelines do not map is declined: nobody can tell what the money would buy); the same
decision the account's bank lines get (national, local and agreement rules, standing approvals) must
allow the spend; and the money must be free, both on the card and on the account once what it owes
(wages, tax, pension, surplus, holiday pay) and the spends already approved and not yet taken are set
aside. Every answer is kept with the rule that made it and written to the account's audit trail, and a
decline tells the holder why in plain words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, record_event
from dp_platform.cards.gateway import event_time, merchant_of, reference
from dp_platform.cards.statuses import CardStatus
from dp_platform.cards.tables import CardAuthorisationRow, CardRow
from dp_platform.tenancy.policy import SCOTTISH_TIME
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import OWED
from dp_platform.workflows.spend_context_cache import spend_context
from ledgers.categories.engine import Spend
from ledgers.categories.taxonomy import Decision, national
from ledgers.chart import DP_BANK, DP_CARD
from ledgers.columns import utc_now
from ledgers.ids import new_id
from ledgers.money import Money
from ledgers.tables import LedgerAccountRow
from payroll.leave_balance import holiday_pay_owed


@dataclass(frozen=True, slots=True)
class TillAnswer:
    approved: bool
    reason: str
    rule_ids: tuple[str, ...]
    category: str | None = None


@dataclass(frozen=True, slots=True)
class FreeMoney:
    card_pence: int
    """On the card, less the spends approved and not yet taken."""
    account_pence: int
    """Bank and card together, less what the account owes and the spends approved and not yet taken."""

    @property
    def spendable_pence(self) -> int:
        return min(self.card_pence, self.account_pence)


async def free_money(session: AsyncSession, account_id: uuid.UUID, today: date) -> FreeMoney:
    pending = (
        select(func.coalesce(func.sum(col(CardAuthorisationRow.held_pence)), 0))
        .where(col(CardAuthorisationRow.account_id) == account_id, col(CardAuthorisationRow.held_pence) > 0)
        .scalar_subquery()
    )
    held = await session.execute(
        select(col(LedgerAccountRow.code), col(LedgerAccountRow.balance_pence), pending).where(
            col(LedgerAccountRow.book_id) == account_id,
            col(LedgerAccountRow.code).in_([DP_BANK.value, DP_CARD.value, *(code.value for code in OWED)]),
        )
    )
    rows = held.all()
    by_code = {code: balance for code, balance, _ in rows}
    pending_pence = int(rows[0][2]) if rows else 0
    owed = -sum(by_code.get(code.value, 0) for code in OWED) + await holiday_pay_owed(session, account_id, today)
    card = by_code.get(DP_CARD.value, 0)
    return FreeMoney(
        card_pence=card - pending_pence,
        account_pence=by_code.get(DP_BANK.value, 0) + card - owed - pending_pence,
    )


def _declined(rule: str, reason: str, category: str | None = None) -> TillAnswer:
    return TillAnswer(False, reason, (rule,), category)


async def decide_at_till(
    session: AsyncSession,
    account: DpAccountRow,
    card: CardRow,
    *,
    amount_pence: int,
    merchant_name: str,
    merchant_code: str | None,
    on: date,
    currency: str = "gbp",
) -> TillAnswer:
    if card.status == CardStatus.FROZEN:
        return _declined(
            "CARD:FROZEN", "Declined: the card is frozen. Unfreeze it on the card page if you have found it."
        )
    if card.status == CardStatus.CANCELLED:
        return _declined("CARD:CANCELLED", "Declined: the card was cancelled. Ask for a new one.")
    if currency.lower() != "gbp":
        return _declined("CARD:CURRENCY", "Declined: a Direct Payment card pays in pounds only.")
    category = national().mcc.get(merchant_code or "")
    if category is None:
        return _declined(
            "CARD:UNKNOWN_MERCHANT",
            f"Declined: the shop's card code ({merchant_code or 'none given'}) is not one the Direct Payment "
            "guidelines know, so the card cannot tell what the money would buy. Pay another way and keep the "
            "receipt, or ask the council.",
        )
    context = await spend_context(session, account)
    decision = await context.decide(
        session, Spend(on=on, amount_pence=amount_pence, category=category, payee=merchant_name, mcc=merchant_code)
    )
    if decision.decision is Decision.NOT_ALLOWED:
        return TillAnswer(False, f"Declined. {decision.sentence}", tuple(decision.rule_ids), category)
    if decision.decision is Decision.NEEDS_APPROVAL:
        return TillAnswer(
            False,
            f"Declined until the council approves it. {decision.sentence} Ask the council; once it approves "
            "spending of this kind with this shop, the card will allow it.",
            tuple(decision.rule_ids),
            category,
        )
    free = await free_money(session, account.id, on)
    if amount_pence > free.spendable_pence:
        where = (
            "on the card"
            if free.card_pence <= free.account_pence
            else "on the account once wages, tax, pension and holiday pay owed are set aside"
        )
        return _declined(
            "CARD:FREE_BALANCE",
            f"Declined: {Money(amount_pence)} is more than the {Money(max(free.spendable_pence, 0))} free to "
            f"spend {where}.",
            category,
        )
    return TillAnswer(True, f"Approved. {decision.sentence}", tuple(decision.rule_ids), category)


def _pending_amount(authorization: dict[str, Any]) -> int:
    pending = authorization.get("pending_request") or {}
    amount = pending.get("amount", authorization.get("amount", 0))
    return abs(int(amount)) if isinstance(amount, int) else 0


async def answer_authorisation(session: AsyncSession, event: dict[str, Any]) -> TillAnswer:
    """Answer one ``issuing_authorization.request``; the same authorisation asked again gets the answer
    it got the first time, and nothing more is written (a repeat is rare: it is found when its answer
    cannot be stored, which spares every first request a look-up)."""
    authorization = event["data"]["object"]
    authorization_id = str(authorization.get("id", ""))
    found = (
        await session.execute(
            select(CardRow, DpAccountRow)
            .join(DpAccountRow, col(DpAccountRow.id) == col(CardRow.account_id))
            .where(col(CardRow.stripe_card_id) == reference(authorization.get("card")))
        )
    ).first()
    if found is None:
        note_unchanged()  # no account to record it against: declined, and nothing written
        return _declined("CARD:UNKNOWN", "Declined: the platform does not know this card.")
    card, account = found
    merchant_name, merchant_code = merchant_of(authorization)
    amount = _pending_amount(authorization)
    when = event_time(event)
    currency = authorization.get("currency") or (authorization.get("pending_request") or {}).get("currency")
    decided = await decide_at_till(
        session,
        account,
        card,
        amount_pence=amount,
        merchant_name=merchant_name,
        merchant_code=merchant_code,
        on=when.astimezone(SCOTTISH_TIME).date(),
        currency=str(currency or "gbp"),
    )
    row = CardAuthorisationRow(
        id=new_id(),
        stripe_authorization_id=authorization_id,
        card_id=card.id,
        account_id=account.id,
        requested_at=when,
        amount_pence=amount,
        merchant_name=merchant_name,
        merchant_code=merchant_code,
        category=decided.category,
        approved=decided.approved,
        reason=decided.reason[:1000],
        rule_ids=list(decided.rule_ids),
        held_pence=amount if decided.approved else 0,
        created_at=utc_now(),
    )
    stored = await session.scalar(
        insert(CardAuthorisationRow)
        .values({column.key: getattr(row, column.key) for column in CardAuthorisationRow.__table__.columns})
        .on_conflict_do_nothing(index_elements=["stripe_authorization_id"])
        .returning(col(CardAuthorisationRow.id))
    )
    if stored is None:  # asked before: the answer given then
        held = await session.scalar(
            select(CardAuthorisationRow).where(col(CardAuthorisationRow.stripe_authorization_id) == authorization_id)
        )
        assert held is not None  # the conflict was with it
        note_unchanged()
        return TillAnswer(held.approved, held.reason, tuple(held.rule_ids), held.category)
    await record_event(
        session,
        actor=None,
        action="card.authorisation_approved" if decided.approved else "card.authorisation_declined",
        subject_type="card_authorisation",
        subject_id=row.id,
        account_id=account.id,
        details={
            "stripe_authorization": authorization_id,
            "last4": card.last4,
            "amount_pence": amount,
            "merchant": row.merchant_name,
            "merchant_code": row.merchant_code,
            "category": row.category,
            "rule_ids": list(decided.rule_ids),
            "reason": row.reason,
        },
    )
    return decided


async def release_authorisation(session: AsyncSession, event: dict[str, Any]) -> tuple[str, uuid.UUID | None]:
    """``issuing_authorization.updated``: an approval reversed by the shop, or closed by Stripe without
    being taken in full, stops holding money it will never take."""
    authorization = event["data"]["object"]
    if authorization.get("status") not in ("reversed", "closed"):
        return f"an authorisation {authorization.get('status')}: nothing to release", None
    row = await session.scalar(
        select(CardAuthorisationRow)
        .where(col(CardAuthorisationRow.stripe_authorization_id) == str(authorization.get("id", "")))
        .with_for_update()
    )
    if row is None or row.held_pence == 0:
        return "nothing held", row.account_id if row else None
    released, row.held_pence = row.held_pence, 0
    session.add(row)
    await session.flush()
    await record_event(
        session,
        actor=None,
        action="card.authorisation_released",
        subject_type="card_authorisation",
        subject_id=row.id,
        account_id=row.account_id,
        details={
            "stripe_authorization": row.stripe_authorization_id,
            "released_pence": released,
            "status": authorization.get("status"),
            "merchant": row.merchant_name,
        },
    )
    return f"released {Money(released)}", row.account_id
