"""A PA's holiday balance from finalised payslips: leave earned (12.07% accrual) less leave taken.

Only finalised payslips count, so a draft run does not spend leave it has not yet paid. For the
5.6-week scheme nothing accrues per period: the balance is the leave taken against the yearly
entitlement the contract sets, which the employer tracks in hours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.tables import PayRunRow, PayslipRow


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
                func.coalesce(func.sum(PayslipRow.holiday_hours_accrued), 0),
                func.coalesce(func.sum(PayslipRow.holiday_hours_taken), 0),
            )
            .join(PayRunRow, PayRunRow.id == PayslipRow.pay_run_id)
            .where(PayslipRow.pa_id == pa_id, PayRunRow.status == "finalised")
        )
    ).one()
    return LeaveBalance(Decimal(accrued), Decimal(taken))
