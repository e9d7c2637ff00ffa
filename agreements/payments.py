"""The authority's scheduled payments: expected, received (posted to the account's ledger), or missed.

A payment is due on its scheduled date; one not recorded as received within ``GRACE_DAYS`` after
is missed, and shows as an exception to both sides. Recording one posts the net amount from the
authority's payments into the Direct Payment bank account, with the key
``dp-payment:<agreement>:<due date>``, so recording it twice posts once; the bank line that
shows it arriving then reconciles against that entry.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.errors import AgreementError, AgreementStateError
from agreements.recovery import settle_netting
from agreements.schedule import ScheduledPayment, payment_schedule
from agreements.service import Agreement
from agreements.statuses import AgreementStatus, ScheduledStatus
from agreements.tables import AgreementPaymentRow, AgreementRecoveryRow, AgreementRow, AgreementVersionRow
from agreements.terms import Terms, parse_terms
from ledgers.chart import AUTHORITY_PAYMENTS, DP_BANK, SURPLUS_REPAYABLE
from ledgers.columns import among
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.money import Money
from ledgers.service import PostedEntry, post_entry

GRACE_DAYS = 5


@dataclass(frozen=True, slots=True)
class PaymentState:
    scheduled: ScheduledPayment
    status: str
    """``expected``, ``received`` or ``missed``."""
    received: Received | None = None


class Received(NamedTuple):
    """A scheduled payment recorded as arrived: when, how much, and the ledger entry it posted (a
    tuple: a council's year of payments is a hundred thousand of them)."""

    received_on: date
    amount_pence: int
    ledger_entry_id: uuid.UUID


async def _received(session: AsyncSession, agreement_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[date, Received]]:
    """The payments recorded as received, for many agreements: plain values (a council's year of
    payments is many rows)."""
    found: dict[uuid.UUID, dict[date, Received]] = {}
    rows = await session.execute(
        select(
            col(AgreementPaymentRow.agreement_id),
            func.array_agg(col(AgreementPaymentRow.due_on)),
            func.array_agg(col(AgreementPaymentRow.received_on)),
            func.array_agg(col(AgreementPaymentRow.amount_pence)),
            func.array_agg(col(AgreementPaymentRow.ledger_entry_id)),
        )
        .where(among(col(AgreementPaymentRow.agreement_id), agreement_ids))
        .group_by(col(AgreementPaymentRow.agreement_id))
    )
    for agreement_id, dues, arrivals_on, amounts, entries in rows:
        found[agreement_id] = {
            due_on: Received(received_on, int(amount), entry)
            for due_on, received_on, amount, entry in zip(dues, arrivals_on, amounts, entries, strict=True)
        }
    return found


def schedule_of(agreement: Agreement, netted: dict[date, int] | None = None) -> list[ScheduledPayment]:
    """The schedule of the version in force, cut short at the last day if the agreement was ended,
    each payment less any surplus recovered by netting from it."""
    return _schedule(agreement.agreement, agreement.terms(agreement.in_force or agreement.latest), netted or {})


def _schedule(row: AgreementRow, terms: Terms, netted: dict[date, int]) -> list[ScheduledPayment]:
    last_day = row.terminated_on
    if last_day is not None and last_day < terms.starts_on:
        return []
    if last_day is not None and last_day < terms.ends_on:
        terms = replace(terms, ends_on=last_day)
    return [
        payment._replace(recovered_pence=netted[payment.due_on]) if payment.due_on in netted else payment
        for payment in payment_schedule(terms)
    ]


async def netted_from(session: AsyncSession, agreement_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[date, int]]:
    """The surplus recovered by netting from each agreement's scheduled payments, by due date."""
    netted: dict[uuid.UUID, dict[date, int]] = {}
    for agreement_id, due_on, amount in await session.execute(
        select(
            col(AgreementRecoveryRow.agreement_id),
            col(AgreementRecoveryRow.net_from_due_on),
            col(AgreementRecoveryRow.amount_pence),
        ).where(
            among(col(AgreementRecoveryRow.agreement_id), agreement_ids), col(AgreementRecoveryRow.method) == "netting"
        )
    ):
        netted.setdefault(agreement_id, {})[due_on] = int(amount)
    return netted


def _states(
    row: AgreementRow, schedule: list[ScheduledPayment], received: dict[date, Received], today: date
) -> list[PaymentState]:
    states = []
    for payment in schedule:
        held = received.get(payment.due_on)
        if held is not None:
            status = ScheduledStatus.RECEIVED
        elif row.status == AgreementStatus.IN_FORCE and payment.due_on + timedelta(days=GRACE_DAYS) < today:
            status = ScheduledStatus.MISSED
        else:
            status = ScheduledStatus.EXPECTED
        states.append(PaymentState(payment, status, held))
    return states


async def payment_states(session: AsyncSession, agreement: Agreement, today: date) -> list[PaymentState]:
    received = (await _received(session, [agreement.agreement.id])).get(agreement.agreement.id, {})
    netted = (await netted_from(session, [agreement.agreement.id])).get(agreement.agreement.id, {})
    return _states(agreement.agreement, schedule_of(agreement, netted), received, today)


@dataclass(frozen=True, slots=True)
class InForce:
    """An agreement in force, its terms and the state of each scheduled payment."""

    agreement: AgreementRow
    terms: Terms
    states: list[PaymentState]


async def agreements_in_force(
    session: AsyncSession, account_ids: list[uuid.UUID], today: date
) -> dict[uuid.UUID, list[InForce]]:
    """Every agreement in force of many accounts at once (a council's whole portfolio): four queries,
    reading only the terms of each version (not its clauses)."""
    rows = list(
        await session.scalars(
            select(AgreementRow)
            .where(
                among(col(AgreementRow.account_id), account_ids), col(AgreementRow.status) == AgreementStatus.IN_FORCE
            )
            .order_by(col(AgreementRow.created_at))
        )
    )
    if not rows:
        return {}
    contents = {
        agreement_id: terms
        for agreement_id, terms in await session.execute(
            select(col(AgreementVersionRow.agreement_id), col(AgreementVersionRow.content)["terms"])
            .join(AgreementRow, col(AgreementRow.id) == col(AgreementVersionRow.agreement_id))
            .where(
                among(col(AgreementRow.id), [row.id for row in rows]),
                col(AgreementVersionRow.number) == col(AgreementRow.in_force_version),
            )
        )
    }
    received = await _received(session, [row.id for row in rows])
    netted = await netted_from(session, [row.id for row in rows])
    found: dict[uuid.UUID, list[InForce]] = {}
    for row in rows:
        if row.id not in contents:
            continue
        terms = parse_terms(contents[row.id])
        states = _states(row, _schedule(row, terms, netted.get(row.id, {})), received.get(row.id, {}), today)
        found.setdefault(row.account_id, []).append(InForce(row, terms, states))
    return found


async def record_received(
    session: AsyncSession, agreement: Agreement, due_on: date, received_on: date
) -> tuple[AgreementPaymentRow, PostedEntry, bool]:
    """Post a scheduled payment as received. Returns the payment, its entry, and whether it was held already."""
    if agreement.agreement.status != AgreementStatus.IN_FORCE:
        raise AgreementStateError(
            f"Agreement {agreement.agreement.reference} is not in force; payments follow a signed agreement.",
            field="agreement_id",
        )
    netted = (await netted_from(session, [agreement.agreement.id])).get(agreement.agreement.id, {})
    scheduled = next((p for p in schedule_of(agreement, netted) if p.due_on == due_on), None)
    if scheduled is None:
        raise AgreementError(f"No payment is scheduled for {due_on.isoformat()}.", field="due_on")
    if received_on < scheduled.due_on - timedelta(days=GRACE_DAYS):
        raise AgreementError(
            f"A payment due on {due_on.isoformat()} cannot arrive on {received_on.isoformat()}.", field="received_on"
        )
    held = await session.scalar(
        select(AgreementPaymentRow).where(
            col(AgreementPaymentRow.agreement_id) == agreement.agreement.id, col(AgreementPaymentRow.due_on) == due_on
        )
    )
    row = agreement.agreement
    draft = JournalEntryDraft(
        book_id=row.account_id,
        occurred_on=held.received_on if held else received_on,
        narration=f"{agreement.terms().authority_name} Direct Payment {scheduled.covers_from.isoformat()} to "
        f"{scheduled.covers_to.isoformat()} ({row.reference})",
        postings=(
            Posting(DP_BANK, Money(scheduled.net_pence)),
            *((Posting(SURPLUS_REPAYABLE, Money(scheduled.recovered_pence)),) if scheduled.recovered_pence else ()),
            Posting(AUTHORITY_PAYMENTS, Money(-scheduled.payable_pence)),
        ),
        idempotency_key=f"dp-payment:{row.id}:{due_on.isoformat()}",
        source="agreement",
    )
    posted = await post_entry(session, draft)
    if held is not None:
        return held, posted, True
    payment = AgreementPaymentRow(
        agreement_id=row.id,
        due_on=due_on,
        received_on=received_on,
        amount_pence=scheduled.net_pence,
        ledger_entry_id=posted.entry.id,
    )
    session.add(payment)
    await session.flush()
    if scheduled.recovered_pence:
        await settle_netting(session, agreement, payment)
    return payment, posted, False


def arrivals(states: list[PaymentState], lines: list[tuple[date, int]]) -> list[tuple[date, date]]:
    """Which bank lines ``(value_on, pence)`` are scheduled payments arriving: the net amount to the
    penny, within ``GRACE_DAYS`` of the due date, not yet received; ``(due_on, received_on)`` each."""
    found, used = [], set()
    for state in states:
        if state.received is not None:
            continue
        due = state.scheduled.due_on
        for index, (value_on, pence) in enumerate(lines):
            if index not in used and pence == state.scheduled.net_pence and abs((value_on - due).days) <= GRACE_DAYS:
                used.add(index)
                found.append((due, value_on))
                break
    return found
