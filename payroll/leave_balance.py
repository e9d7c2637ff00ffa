"""A PA's holiday balance from finalised payslips: leave earned (12.07% accrual) less leave taken.

Only finalised payslips count, so a draft run does not spend leave it has not yet paid. For the
5.6-week scheme nothing accrues per period: the balance is the leave taken against the yearly
entitlement the contract sets, which the employer tracks in hours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among
from payroll.statuses import PayRunStatus
from payroll.tables import ContractRateRow, PayRunRow, PayslipRow, PersonalAssistantRow


@dataclass(frozen=True, slots=True)
class LeaveBalance:
    accrued_hours: Decimal
    taken_hours: Decimal

    @property
    def balance_hours(self) -> Decimal:
        return self.accrued_hours - self.taken_hours


async def leave_balance(session: AsyncSession, pa_id: uuid.UUID) -> LeaveBalance:
    accrued, taken = (
        await session.execute(
            select(
                func.coalesce(func.sum(col(PayslipRow.holiday_hours_accrued)), 0),
                func.coalesce(func.sum(col(PayslipRow.holiday_hours_taken)), 0),
            )
            .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
            .where(col(PayslipRow.pa_id) == pa_id, col(PayRunRow.status) == PayRunStatus.FINALISED)
        )
    ).one()
    return LeaveBalance(Decimal(accrued), Decimal(taken))


async def holiday_pay_owed(session: AsyncSession, employer_id: uuid.UUID, on: date) -> int:
    """Leave the employer's PAs have earned and not yet taken, valued at the standard rate of their
    contract on the day (or, with no contract rates, the standard rate their last payslip paid): money
    the account will pay out when the leave is taken, so it is not free to spend. Rounded half up to
    the penny per PA, as a payslip line is."""
    pas = select(col(PersonalAssistantRow.id)).where(
        col(PersonalAssistantRow.account_id) == employer_id,
        (col(PersonalAssistantRow.left_on).is_(None)) | (col(PersonalAssistantRow.left_on) > on),
    )
    balances = dict(
        (
            await session.execute(
                select(
                    col(PayslipRow.pa_id),
                    func.sum(col(PayslipRow.holiday_hours_accrued)) - func.sum(col(PayslipRow.holiday_hours_taken)),
                )
                .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
                .where(
                    col(PayslipRow.pa_id).in_(pas),
                    col(PayRunRow.status) == PayRunStatus.FINALISED,
                    col(PayRunRow.paid_on) <= on,
                )
                .group_by(col(PayslipRow.pa_id))
            )
        ).all()
    )
    owing = [pa_id for pa_id, hours in balances.items() if hours is not None and hours > 0]
    rates = await _contract_rates(session, owing, on)
    owed = 0
    for pa_id in owing:
        rate = rates.get(pa_id)
        if rate is None:
            rate = await _standard_rate(session, pa_id, on)
        if rate is not None:
            owed += int((Decimal(balances[pa_id]) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return owed


async def _contract_rates(session: AsyncSession, pa_ids: list[uuid.UUID], on: date) -> dict[uuid.UUID, int]:
    """Each PA's standard contract rate on the day, for all of them in one query (the card's till
    decision values holiday owed every time)."""
    if not pa_ids:
        return {}
    rows = await session.execute(
        select(col(ContractRateRow.pa_id), col(ContractRateRow.hourly_rate_pence))
        .where(
            among(col(ContractRateRow.pa_id), pa_ids),
            col(ContractRateRow.kind) == "standard",
            col(ContractRateRow.effective_from) <= on,
        )
        .order_by(col(ContractRateRow.pa_id), col(ContractRateRow.effective_from).desc())
        .ext(distinct_on(col(ContractRateRow.pa_id)))
    )
    return {pa_id: int(rate) for pa_id, rate in rows.all()}


async def _standard_rate(session: AsyncSession, pa_id: uuid.UUID, on: date) -> int | None:
    contract = await session.scalar(
        select(col(ContractRateRow.hourly_rate_pence))
        .where(
            col(ContractRateRow.pa_id) == pa_id,
            col(ContractRateRow.kind) == "standard",
            col(ContractRateRow.effective_from) <= on,
        )
        .order_by(col(ContractRateRow.effective_from).desc())
        .limit(1)
    )
    if contract is not None:
        return int(contract)
    lines = await session.scalar(
        select(col(PayslipRow.lines))
        .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
        .where(
            col(PayslipRow.pa_id) == pa_id,
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.paid_on) <= on,
        )
        .order_by(col(PayRunRow.paid_on).desc())
        .limit(1)
    )
    worked = [line for line in lines or [] if line.get("label") == "standard hours" and line.get("hourly_rate_pence")]
    return int(worked[0]["hourly_rate_pence"]) if worked else None
