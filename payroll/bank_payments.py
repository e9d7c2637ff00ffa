"""Which bank payments pay what payroll owes: a PA's net pay, a month's PAYE and NI, a run's pension.

A payment out of the bank that is exactly what one of these comes to, within the days it would be
paid, is that payment: it clears the liability (and is never counted as spending again). The amounts
owed are read from finalised pay runs and the HMRC month summaries; one already paid (the same amount
already taken off the liability within its days) is not offered twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.accounts import AccountCode
from ledgers.tables import LedgerAccountRow, PostingRow
from payroll.hmrc_summary import hmrc_month
from payroll.statuses import PayRunStatus
from payroll.tables import PayRunRow, PayslipRow, PersonalAssistantRow

NET_WAGES_DUE = AccountCode("liabilities:wages:net_due")
HMRC_DUE = AccountCode("liabilities:hmrc:paye_ni")
PENSION_DUE = AccountCode("liabilities:pension:due")
LOOK_BACK = timedelta(days=200)


@dataclass(frozen=True, slots=True)
class PayrollDue:
    code: AccountCode
    amount_pence: int
    first_on: date
    last_on: date
    says: str
    """What the payment is, for the person: "net pay of Ailsa Mackay for the pay run paid on 1 May 2026"."""


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def match_payment(value_on: date, paid_pence: int, dues: list[PayrollDue], used: set[int]) -> int | None:
    """The index of the first due not yet used that this payment out (``paid_pence`` > 0) pays."""
    for index, due in enumerate(dues):
        if index not in used and due.amount_pence == paid_pence and due.first_on <= value_on <= due.last_on:
            return index
    return None


async def payroll_dues(session: AsyncSession, employer_id: uuid.UUID, today: date) -> list[PayrollDue]:
    """What the employer's finalised pay runs of the last months made owed, not yet seen paid."""
    since = today - LOOK_BACK
    rows = (
        await session.execute(
            select(PayRunRow, PayslipRow, col(PersonalAssistantRow.full_name))
            .join(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
            .join(PersonalAssistantRow, col(PersonalAssistantRow.id) == col(PayslipRow.pa_id))
            .where(
                col(PayRunRow.account_id) == employer_id,
                col(PayRunRow.status) == PayRunStatus.FINALISED,
                col(PayRunRow.paid_on) >= since,
            )
            .order_by(col(PayRunRow.paid_on), col(PersonalAssistantRow.full_name))
        )
    ).all()
    dues: list[PayrollDue] = []
    pension: dict[uuid.UUID, tuple[PayRunRow, int]] = {}
    paydays: set[date] = set()
    for run, slip, name in rows:
        if slip.net_pence:
            dues.append(
                PayrollDue(
                    NET_WAGES_DUE,
                    slip.net_pence,
                    run.paid_on - timedelta(days=3),
                    run.paid_on + timedelta(days=14),
                    f"net pay of {name} for the pay run paid on {_day(run.paid_on)}",
                )
            )
        held = pension.get(run.id, (run, 0))
        pension[run.id] = (run, held[1] + slip.employee_pension_pence + slip.employer_pension_pence)
        paydays.add(run.paid_on)
    for run, pence in pension.values():
        if pence:
            dues.append(
                PayrollDue(
                    PENSION_DUE,
                    pence,
                    run.paid_on,
                    run.paid_on + timedelta(days=60),
                    f"pension contributions for the pay run paid on {_day(run.paid_on)}",
                )
            )
    seen: set[date] = set()
    for paid_on in sorted(paydays):
        month = await hmrc_month(session, employer_id, paid_on)
        if month.starts_on in seen or not month.due_pence:
            continue
        seen.add(month.starts_on)
        dues.append(
            PayrollDue(
                HMRC_DUE,
                month.due_pence,
                month.starts_on,
                month.due_by + timedelta(days=30),
                f"PAYE and National Insurance for the tax month {_day(month.starts_on)} to {_day(month.ends_on)}",
            )
        )
    return await _not_yet_paid(session, employer_id, dues, since)


async def _not_yet_paid(
    session: AsyncSession, employer_id: uuid.UUID, dues: list[PayrollDue], since: date
) -> list[PayrollDue]:
    """Leave out each due that a payment already took off its liability (same amount, within its days)."""
    paid = list(
        (
            await session.execute(
                select(col(LedgerAccountRow.code), col(PostingRow.occurred_on), col(PostingRow.amount_pence))
                .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
                .where(
                    col(PostingRow.book_id) == employer_id,
                    col(LedgerAccountRow.code).in_([NET_WAGES_DUE.value, HMRC_DUE.value, PENSION_DUE.value]),
                    col(PostingRow.amount_pence) > 0,
                    col(PostingRow.occurred_on) >= since,
                )
            )
        ).all()
    )
    left = []
    for due in dues:
        found = next(
            (
                payment
                for payment in paid
                if payment[0] == due.code.value
                and payment[2] == due.amount_pence
                and due.first_on <= payment[1] <= due.last_on
            ),
            None,
        )
        if found is None:
            left.append(due)
        else:
            paid.remove(found)
    return left
