"""Recovering a surplus, the way the statutory guidance asks: only after a recorded conversation with
the person about why the money is there and what it is kept for; then by invoice (the person pays it
back) or by netting (the council pays that much less on a scheduled payment). Each step is its own
entry in the person's ledger and in the council's, so both balance and either can be read alone.

The person's side: raising a recovery moves the amount from what the council paid them to what they
owe it (``liabilities:authority:surplus_repayable``), so it is no longer free to spend; paying the
invoice, or the smaller payment arriving, clears it. The council's side (a small book of its own,
keyed by the authority): a receivable raised against recovered income, cleared by the money coming
back or by the part of a payment it was netted from.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.errors import AgreementError, AgreementStateError
from agreements.service import Agreement
from agreements.statuses import AgreementStatus, RecoveryStatus
from agreements.tables import AgreementConversationRow, AgreementPaymentRow, AgreementRecoveryRow
from ledgers.accounts import AccountCode
from ledgers.chart import AUTHORITY_PAYMENTS, DP_BANK, SURPLUS_REPAYABLE, ChartAccount
from ledgers.columns import among
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.money import Money
from ledgers.service import PostedEntry, open_book, post_entry

COUNCIL_RECEIVABLE = AccountCode("assets:receivable:dp_recoveries")
COUNCIL_RECOVERED = AccountCode("income:dp_recoveries")
COUNCIL_BANK = AccountCode("assets:bank:council")
COUNCIL_PAYMENTS = AccountCode("expenses:direct_payments")
COUNCIL_CHART: tuple[ChartAccount, ...] = (
    ChartAccount(COUNCIL_RECEIVABLE, "Direct Payment surpluses to be recovered"),
    ChartAccount(COUNCIL_RECOVERED, "Direct Payment surpluses recovered"),
    ChartAccount(COUNCIL_BANK, "Council bank account (recoveries received)"),
    ChartAccount(COUNCIL_PAYMENTS, "Direct Payments paid by netting"),
)
METHODS = ("invoice", "netting")


class RecoveryError(AgreementError):
    title = "Recovery not allowed"


class RecoveryStateError(AgreementStateError):
    title = "Recovery not in a state that allows this"


async def record_conversation(
    session: AsyncSession,
    agreement: Agreement,
    *,
    held_on: date,
    attendees: str,
    outcome: str,
    kept_for: str | None,
    kept_pence: int,
    user_id: uuid.UUID | None,
    today: date,
) -> AgreementConversationRow:
    problems = []
    if held_on > today:
        problems.append(("held_on", "A conversation is recorded once it has happened, not before."))
    if not attendees.strip():
        problems.append(
            ("attendees", "Say who took part: the person, their carer or representative, the social worker.")
        )
    if not outcome.strip():
        problems.append(("outcome", "Say what was found: why the money is there and what was agreed."))
    if kept_pence < 0:
        problems.append(("kept_pence", "The amount kept for a purpose cannot be less than nothing."))
    if kept_pence and not (kept_for or "").strip():
        problems.append(("kept_for", "Say what the money kept is for."))
    if problems:
        field, detail = problems[0]
        raise RecoveryError(detail, field=field)
    row = AgreementConversationRow(
        agreement_id=agreement.agreement.id,
        held_on=held_on,
        attendees=attendees.strip(),
        outcome=outcome.strip(),
        kept_for=(kept_for or "").strip() or None,
        kept_pence=kept_pence,
        recorded_by_user_id=user_id,
    )
    session.add(row)
    await session.flush()
    return row


async def conversations_of(session: AsyncSession, agreement_id: uuid.UUID) -> list[AgreementConversationRow]:
    return list(
        await session.scalars(
            select(AgreementConversationRow)
            .where(col(AgreementConversationRow.agreement_id) == agreement_id)
            .order_by(col(AgreementConversationRow.held_on), col(AgreementConversationRow.created_at))
        )
    )


async def recoveries_of(session: AsyncSession, agreement_ids: list[uuid.UUID]) -> list[AgreementRecoveryRow]:
    return list(
        await session.scalars(
            select(AgreementRecoveryRow)
            .where(among(col(AgreementRecoveryRow.agreement_id), agreement_ids))
            .order_by(col(AgreementRecoveryRow.raised_on), col(AgreementRecoveryRow.created_at))
        )
    )


async def _council_entry(
    session: AsyncSession, authority_id: uuid.UUID, on: date, narration: str, key: str, *postings: Posting
) -> PostedEntry:
    await open_book(session, authority_id, on, COUNCIL_CHART)
    return await post_entry(
        session,
        JournalEntryDraft(
            book_id=authority_id,
            occurred_on=on,
            narration=narration,
            postings=postings,
            idempotency_key=key,
            source="recovery",
        ),
    )


async def raise_recovery(
    session: AsyncSession,
    agreement: Agreement,
    *,
    conversation_id: uuid.UUID,
    amount_pence: int,
    method: str,
    net_from_due_on: date | None,
    recoverable_pence: int,
    user_id: uuid.UUID | None,
    today: date,
    scheduled_net: dict[date, int],
) -> AgreementRecoveryRow:
    """``recoverable_pence``: the surplus above the threshold today, which the caller has worked out;
    less what the conversation kept for a purpose, it is the most that can be recovered.
    ``scheduled_net``: the payments still to come, by due date, with what each would pay."""
    row = agreement.agreement
    if row.status != AgreementStatus.IN_FORCE:
        raise RecoveryStateError(f"Agreement {row.reference} is not in force.", field="agreement_id")
    conversation = await session.get(AgreementConversationRow, conversation_id)
    if conversation is None or conversation.agreement_id != row.id:
        raise RecoveryError(
            "A surplus is recovered only after a recorded conversation with the person about it "
            "(statutory guidance 2022, Underspent budgets and seeking repayment): record it first.",
            field="conversation_id",
        )
    used = await session.scalar(
        select(col(AgreementRecoveryRow.id)).where(col(AgreementRecoveryRow.conversation_id) == conversation_id)
    )
    if used is not None:
        raise RecoveryStateError(
            "That conversation has already led to a recovery; a new recovery needs a new conversation.",
            field="conversation_id",
        )
    if method not in METHODS:
        raise RecoveryError("A recovery is by invoice or by netting from a scheduled payment.", field="method")
    if amount_pence <= 0:
        raise RecoveryError("The amount to recover is more than nothing.", field="amount_pence")
    most = recoverable_pence - conversation.kept_pence
    if amount_pence > most:
        raise RecoveryError(
            f"At most {Money(max(most, 0))} can be recovered: the surplus above the threshold is "
            f"{Money(recoverable_pence)} and the conversation kept {Money(conversation.kept_pence)} for a purpose.",
            field="amount_pence",
        )
    if method == "netting":
        if net_from_due_on is None or net_from_due_on <= today or net_from_due_on not in scheduled_net:
            raise RecoveryError(
                "Choose a scheduled payment still to come to net the recovery from.", field="net_from_due_on"
            )
        if amount_pence > scheduled_net[net_from_due_on]:
            raise RecoveryError(
                f"The payment due on {net_from_due_on.isoformat()} is {Money(scheduled_net[net_from_due_on])}: "
                "a netted recovery cannot be more than the payment.",
                field="amount_pence",
            )
    else:
        net_from_due_on = None
    recovery = AgreementRecoveryRow(
        agreement_id=row.id,
        conversation_id=conversation_id,
        amount_pence=amount_pence,
        method=method,
        net_from_due_on=net_from_due_on,
        raised_on=today,
        raised_by_user_id=user_id,
    )
    session.add(recovery)
    await session.flush()
    amount = Money(amount_pence)
    narration = f"Surplus recovered by {'netting' if method == 'netting' else 'invoice'} ({row.reference})"
    await post_entry(
        session,
        JournalEntryDraft(
            book_id=row.account_id,
            occurred_on=today,
            narration=narration,
            postings=(Posting(AUTHORITY_PAYMENTS, amount), Posting(SURPLUS_REPAYABLE, -amount)),
            idempotency_key=f"recovery:{recovery.id}:raised",
            source="recovery",
        ),
    )
    await _council_entry(
        session,
        row.authority_id,
        today,
        narration,
        f"recovery:{recovery.id}:raised",
        Posting(COUNCIL_RECEIVABLE, amount),
        Posting(COUNCIL_RECOVERED, -amount),
    )
    return recovery


async def record_invoice_paid(
    session: AsyncSession, agreement: Agreement, recovery_id: uuid.UUID, paid_on: date
) -> AgreementRecoveryRow:
    """The person paid the invoice: the money leaves their bank and reaches the council's."""
    recovery = await session.get(AgreementRecoveryRow, recovery_id, with_for_update=True)
    if recovery is None or recovery.agreement_id != agreement.agreement.id:
        raise RecoveryError("There is no such recovery on this agreement.", field="recovery_id")
    if recovery.method != "invoice" or recovery.status != RecoveryStatus.RAISED:
        raise RecoveryStateError("Only an invoice not yet paid can be recorded as paid.", field="recovery_id")
    if paid_on < recovery.raised_on:
        raise RecoveryError("An invoice is paid on or after the day it was raised.", field="paid_on")
    amount = Money(recovery.amount_pence)
    narration = f"Surplus invoice paid ({agreement.agreement.reference})"
    await post_entry(
        session,
        JournalEntryDraft(
            book_id=agreement.agreement.account_id,
            occurred_on=paid_on,
            narration=narration,
            postings=(Posting(SURPLUS_REPAYABLE, amount), Posting(DP_BANK, -amount)),
            idempotency_key=f"recovery:{recovery.id}:paid",
            source="recovery",
        ),
    )
    await _council_entry(
        session,
        agreement.agreement.authority_id,
        paid_on,
        narration,
        f"recovery:{recovery.id}:paid",
        Posting(COUNCIL_BANK, amount),
        Posting(COUNCIL_RECEIVABLE, -amount),
    )
    recovery.status, recovery.settled_on = RecoveryStatus.SETTLED, paid_on
    session.add(recovery)
    await session.flush()
    return recovery


async def settle_netting(
    session: AsyncSession, agreement: Agreement, payment: AgreementPaymentRow
) -> AgreementRecoveryRow | None:
    """The netted payment has arrived: on the council's side, part of it was paid by clearing the
    receivable. (The person's side is in the payment's own entry.)"""
    recovery = await session.scalar(
        select(AgreementRecoveryRow)
        .where(
            col(AgreementRecoveryRow.agreement_id) == agreement.agreement.id,
            col(AgreementRecoveryRow.net_from_due_on) == payment.due_on,
        )
        .with_for_update()
    )
    if recovery is None or recovery.status == RecoveryStatus.SETTLED:
        return recovery
    amount = Money(recovery.amount_pence)
    await _council_entry(
        session,
        agreement.agreement.authority_id,
        payment.received_on,
        f"Surplus recovered by netting from the payment due {payment.due_on.isoformat()} "
        f"({agreement.agreement.reference})",
        f"recovery:{recovery.id}:netted",
        Posting(COUNCIL_PAYMENTS, amount),
        Posting(COUNCIL_RECEIVABLE, -amount),
    )
    recovery.status, recovery.settled_on = RecoveryStatus.SETTLED, payment.received_on
    session.add(recovery)
    await session.flush()
    return recovery
