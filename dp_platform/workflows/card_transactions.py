"""A card spend Stripe captured (or a refund) becomes an entry in the account's ledger, once.

The entry moves the money from the card to the spend's category; it is tied to the Stripe transaction
one to one, so the card's record and the ledger agree line by line without anybody matching them. A
spend that reached the card without the platform's approval (a merchant capturing offline, or more
than was approved) is checked as a bank line would be, and the council sees it if the rules say so.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import record_event, record_events
from dp_platform.cards.gateway import event_time, merchant_of, reference
from dp_platform.cards.tables import CardAuthorisationRow, CardRow, CardTransactionRow
from dp_platform.tenancy.policy import SCOTTISH_TIME
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.bank_to_ledger import expense_account
from dp_platform.workflows.spend_context_cache import spend_context
from dp_platform.workflows.spending import review_event
from ledgers.categories.engine import Spend
from ledgers.categories.service import record_review
from ledgers.categories.tables import SpendReviewRow
from ledgers.categories.taxonomy import national
from ledgers.chart import DP_CARD, OPTION_1_CHART, SUSPENSE
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.money import Money
from ledgers.service import ensure_account, post_entry

UNCLASSIFIED = "unclassified"


async def _check_unapproved(
    session: AsyncSession, card: CardRow, row: CardTransactionRow, on: date, category: str
) -> SpendReviewRow | None:
    """A spend the platform did not approve at the till gets the decision a bank line would."""
    account = await session.get(DpAccountRow, card.account_id)
    assert account is not None
    spend = Spend(
        on=on, amount_pence=-row.amount_pence, category=category, payee=row.merchant_name, mcc=row.merchant_code
    )
    decision = await (await spend_context(session, account)).decide(session, spend)
    review, happened = await record_review(
        session,
        book_id=card.account_id,
        subject_type="journal_entry",  # the card spend as the ledger holds it, as a hand-made payment is
        subject_id=row.entry_id,
        occurred_on=on,
        amount_pence=-row.amount_pence,
        description=row.merchant_name,
        result=decision,
        never_reviewed=True,
    )
    await session.flush()
    return review if happened == "opened" else None


async def record_card_transaction(session: AsyncSession, event: dict[str, Any]) -> tuple[str, uuid.UUID | None]:
    """Post one ``issuing_transaction.created``; returns what happened, in words, and the account."""
    transaction = event["data"]["object"]
    transaction_id = str(transaction.get("id", ""))
    if await session.scalar(
        select(col(CardTransactionRow.id)).where(col(CardTransactionRow.stripe_transaction_id) == transaction_id)
    ):
        return "posted already", None
    card = await session.scalar(
        select(CardRow).where(col(CardRow.stripe_card_id) == reference(transaction.get("card")))
    )
    if card is None:
        return "not a card of this platform", None
    amount = transaction.get("amount")
    kind = transaction.get("type")
    if not isinstance(amount, int) or amount == 0 or kind not in ("capture", "refund"):
        return f"a {kind} transaction of {amount!r} is not posted", card.account_id
    auth_ref = reference(transaction.get("authorization"))
    authorisation = (
        await session.scalar(
            select(CardAuthorisationRow).where(col(CardAuthorisationRow.stripe_authorization_id) == auth_ref)
        )
        if auth_ref
        else None
    )
    merchant_name, merchant_code = merchant_of(transaction)
    category = (authorisation.category if authorisation else None) or national().mcc.get(merchant_code or "")
    category = category or UNCLASSIFIED
    on = event_time({"created": transaction.get("created", event.get("created"))}).astimezone(SCOTTISH_TIME).date()
    spent = Money(-amount)  # a capture is negative on the card: that much spent
    if category == UNCLASSIFIED:
        await ensure_account(session, card.account_id, next(a for a in OPTION_1_CHART if a.code == SUSPENSE))
        expense = SUSPENSE
    else:
        expense = await expense_account(session, card.account_id, category)
    posted = await post_entry(
        session,
        JournalEntryDraft(
            book_id=card.account_id,
            occurred_on=on,
            narration=f"Card {card.last4}: {merchant_name}" + (" (refund)" if kind == "refund" else ""),
            postings=(Posting(expense, spent), Posting(DP_CARD, -spent)),
            idempotency_key=f"stripe:{transaction_id}",
            source="card",
        ),
    )
    row = CardTransactionRow(
        stripe_transaction_id=transaction_id,
        card_id=card.id,
        account_id=card.account_id,
        authorisation_id=authorisation.id if authorisation else None,
        kind=kind,
        occurred_on=on,
        amount_pence=amount,
        merchant_name=merchant_name,
        merchant_code=merchant_code,
        category=category,
        entry_id=posted.entry.id,
    )
    session.add(row)
    if authorisation is not None and kind == "capture":
        authorisation.held_pence = 0  # taken: the ledger now holds it
        session.add(authorisation)
    await session.flush()
    approved_for = authorisation.amount_pence if authorisation is not None and authorisation.approved else 0
    review = None
    if kind == "capture" and -amount > approved_for and category != UNCLASSIFIED:
        review = await _check_unapproved(session, card, row, on, category)
    await record_event(
        session,
        actor=None,
        action="card.transaction_posted",
        subject_type="journal_entry",  # the card spend as the ledger holds it, as a hand-made payment is
        subject_id=row.entry_id,
        account_id=card.account_id,
        details={
            "stripe_transaction": transaction_id,
            "kind": kind,
            "last4": card.last4,
            "amount_pence": amount,
            "merchant": merchant_name,
            "category": category,
            "entry_id": str(posted.entry.id),
            "approved_beforehand": approved_for >= -amount if kind == "capture" else None,
        },
    )
    if review is not None:
        await record_events(session, actor=None, events=[review_event(review, "opened")], account_id=card.account_id)
    return f"posted {kind} of {Money(abs(amount))}", card.account_id
