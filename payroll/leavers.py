"""What a leaver's P45 says, from their last finalised payslip.

The employer (or their bureau's RTI software) files the leaving date on the final FPS and gives
the PA their P45: leaving date, the tax code in use (and whether Week 1/Month 1), the last tax
week or month paid, and pay and tax to date in this employment. The platform holds those
figures; it does not print HMRC's form. A PA who left without a final pay has no figures to give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from payroll.errors import PayrollError
from payroll.periods import PayFrequency
from payroll.rti import period_number_item
from payroll.statuses import PayRunStatus
from payroll.tables import PayrollEmployerRow, PayRunRow, PayslipRow, PersonalAssistantRow


@dataclass(frozen=True, slots=True)
class P45Figures:
    employer_paye_reference: str | None
    employee: str
    ni_number: str | None
    leaving_date: date
    tax_code: str
    week1_month1: bool
    last_payment_date: date
    tax_year: str
    """``2026-27``."""
    total_pay_to_date_pence: int
    total_tax_to_date_pence: int
    WeekNo: int | None = None
    """The last tax week paid (HMRC's item name), for weekly, fortnightly and four-weekly pay."""
    MonthNo: int | None = None
    """The last tax month paid, for monthly pay."""


async def p45_details(session: AsyncSession, pa: PersonalAssistantRow) -> P45Figures:
    if pa.left_on is None:
        raise PayrollError(f"{pa.full_name} has not left: record the leaving date first.", field="left_on")
    last = (
        await session.execute(
            select(PayslipRow, PayRunRow)
            .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
            .where(col(PayslipRow.pa_id) == pa.id, col(PayRunRow.status) == PayRunStatus.FINALISED)
            .order_by(col(PayRunRow.paid_on).desc(), col(PayRunRow.version).desc())
            .limit(1)
        )
    ).first()
    if last is None:
        raise PayrollError(
            f"{pa.full_name} has no finalised pay: finalise their last pay run first.",
            field="pay_run",
        )
    slip, run = last
    employer = await session.get(PayrollEmployerRow, pa.account_id)
    period = period_number_item(PayFrequency(run.frequency), run.paid_on)
    return P45Figures(
        employer_paye_reference=employer.paye_reference if employer else None,
        employee=pa.full_name,
        ni_number=pa.ni_number,
        leaving_date=pa.left_on,
        tax_code=slip.tax_code,
        week1_month1=pa.week1_month1,
        last_payment_date=run.paid_on,
        tax_year=f"{run.tax_year_start.year}-{(run.tax_year_start.year + 1) % 100:02d}",
        total_pay_to_date_pence=slip.taxable_to_date_pence,
        total_tax_to_date_pence=slip.tax_to_date_pence,
        WeekNo=period.get("WeekNo"),
        MonthNo=period.get("MonthNo"),
    )
