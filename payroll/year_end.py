"""What a PA's P60 says for a tax year that has ended, from their finalised payslips.

An employer gives each PA still employed on 5 April a P60 by 31 May: pay and tax in this employment
for the year, the final tax code, employee National Insurance, and the employer's PAYE reference
(HMRC, "P60 End of Year Certificate": https://www.gov.uk/paye-forms-p45-p60-p11d/p60). The platform holds
those figures; it does not print HMRC's form. A year not yet ended has no P60.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from payroll.errors import PayrollError
from payroll.statuses import PayRunStatus
from payroll.tables import PayrollEmployerRow, PayRunRow, PayslipRow, PersonalAssistantRow


async def p60_years(session: AsyncSession, pa: PersonalAssistantRow, today: date) -> list[date]:
    """The starts of the ended tax years in which the PA had finalised pay, newest first."""
    starts = await session.scalars(
        select(col(PayRunRow.tax_year_start))
        .join(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
        .where(col(PayslipRow.pa_id) == pa.id, col(PayRunRow.status) == PayRunStatus.FINALISED)
        .distinct()
        .order_by(col(PayRunRow.tax_year_start).desc())
    )
    return [start for start in starts if date(start.year + 1, 4, 5) < today]


@dataclass(frozen=True, slots=True)
class P60Figures:
    employer_paye_reference: str | None
    employee: str
    ni_number: str | None
    tax_year: str
    """``2025-26``."""
    final_tax_code: str
    pay_in_this_employment_pence: int
    tax_in_this_employment_pence: int
    employee_ni_pence: int


async def p60_details(session: AsyncSession, pa: PersonalAssistantRow, year_start: date, today: date) -> P60Figures:
    if date(year_start.year + 1, 4, 5) >= today:
        raise PayrollError(
            f"The tax year {year_start.year}-{(year_start.year + 1) % 100:02d} has not ended: "
            "its P60 comes after 5 April.",
            field="tax_year",
        )
    rows = (
        await session.execute(
            select(PayslipRow, PayRunRow)
            .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
            .where(
                col(PayslipRow.pa_id) == pa.id,
                col(PayRunRow.status) == PayRunStatus.FINALISED,
                col(PayRunRow.tax_year_start) == year_start,
            )
            .order_by(col(PayRunRow.paid_on), col(PayRunRow.version))
        )
    ).all()
    if not rows:
        raise PayrollError(f"{pa.full_name} had no finalised pay in that tax year.", field="tax_year")
    last_slip, _ = rows[-1]
    employer = await session.get(PayrollEmployerRow, pa.account_id)
    return P60Figures(
        employer_paye_reference=employer.paye_reference if employer else None,
        employee=pa.full_name,
        ni_number=pa.ni_number,
        tax_year=f"{year_start.year}-{(year_start.year + 1) % 100:02d}",
        final_tax_code=last_slip.tax_code,
        pay_in_this_employment_pence=last_slip.taxable_to_date_pence,
        tax_in_this_employment_pence=last_slip.tax_to_date_pence,
        employee_ni_pence=sum(slip.employee_ni_pence for slip, _ in rows),
    )
