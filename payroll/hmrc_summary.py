"""What an employer pays HMRC for a tax month, and by when. Reads finalised pay runs.

A tax month runs from the 6th to the 5th; PAYE and NI deducted in it are due by the 22nd of
the next month when paid electronically. The Employment Allowance (which PA employers may
claim) is set against employer NI month by month until the year's amount is used up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.errors import PayrollError
from payroll.periods import tax_year_start
from payroll.rates import series
from payroll.tables import PayrollEmployerRow, PayRunRow, PayslipRow


@dataclass(frozen=True, slots=True)
class HmrcMonth:
    tax_month: int
    starts_on: date
    ends_on: date
    paye_pence: int
    employee_ni_pence: int
    employer_ni_pence: int
    employment_allowance_pence: int
    due_pence: int
    due_by: date
    rates_used: tuple[str, ...]
    allowance_left_pence: int = 0
    """The Employment Allowance left for the year when the month began (0 when not claimed)."""


async def _totals(
    session: AsyncSession, account_id: uuid.UUID, start: date, end: date, *, without: uuid.UUID | None = None
) -> tuple[int, int, int]:
    query = (
        select(
            func.coalesce(func.sum(PayslipRow.tax_pence), 0),
            func.coalesce(func.sum(PayslipRow.employee_ni_pence), 0),
            func.coalesce(func.sum(PayslipRow.employer_ni_pence), 0),
        )
        .join(PayRunRow, PayRunRow.id == PayslipRow.pay_run_id)
        .where(
            PayRunRow.employer_account_id == account_id,
            PayRunRow.status == "finalised",
            PayRunRow.paid_on >= start,
            PayRunRow.paid_on <= end,
        )
    )
    if without is not None:
        query = query.where(PayRunRow.id != without)
    row = (await session.execute(query)).one()
    return int(row[0]), int(row[1]), int(row[2])


async def _employer_ni_by_month(
    session: AsyncSession, account_id: uuid.UUID, year_start: date, before: date, without: uuid.UUID | None
) -> dict[int, int]:
    """Employer NI of the finalised runs paid in each earlier tax month of the year: one query."""
    query = (
        select(PayRunRow.paid_on, func.sum(PayslipRow.employer_ni_pence))
        .join(PayslipRow, PayslipRow.pay_run_id == PayRunRow.id)
        .where(
            PayRunRow.employer_account_id == account_id,
            PayRunRow.status == "finalised",
            PayRunRow.paid_on >= year_start,
            PayRunRow.paid_on < before,
        )
        .group_by(PayRunRow.paid_on)
    )
    if without is not None:
        query = query.where(PayRunRow.id != without)
    by_month: dict[int, int] = {}
    for paid_on, pence in await session.execute(query):
        month = relativedelta(paid_on, year_start).months + 1
        by_month[month] = by_month.get(month, 0) + int(pence or 0)
    return by_month


async def hmrc_month(
    session: AsyncSession,
    account_id: uuid.UUID,
    any_day: date,
    *,
    claim_employment_allowance: bool | None = None,
    without: uuid.UUID | None = None,
) -> HmrcMonth:
    """``claim_employment_allowance`` defaults to what the employer record says (claiming, if there is none);
    ``without`` leaves one pay run out, to tell what that run adds."""
    if claim_employment_allowance is None:
        employer = await session.get(PayrollEmployerRow, account_id)
        claim_employment_allowance = employer.claims_employment_allowance if employer else True
    year_start = tax_year_start(any_day)
    tax_month = relativedelta(any_day, year_start).months + 1
    if not 1 <= tax_month <= 12:
        raise PayrollError("A tax year has months 1 to 12.", field="tax_month")
    starts_on = year_start + relativedelta(months=tax_month - 1)
    ends_on = starts_on + relativedelta(months=1, days=-1)
    allowance = series("hmrc.ni.employment_allowance").at(payment_date=starts_on)
    used_before = 0
    if claim_employment_allowance and tax_month > 1:
        remaining = int(allowance["annual_pence"])
        by_month = await _employer_ni_by_month(session, account_id, year_start, starts_on, without)
        for month in range(1, tax_month):
            take = min(remaining, by_month.get(month, 0))
            used_before += take
            remaining -= take
    paye, employee_ni, employer_ni = await _totals(session, account_id, starts_on, ends_on, without=without)
    offset = min(int(allowance["annual_pence"]) - used_before, employer_ni) if claim_employment_allowance else 0
    return HmrcMonth(
        tax_month=tax_month,
        starts_on=starts_on,
        ends_on=ends_on,
        paye_pence=paye,
        employee_ni_pence=employee_ni,
        employer_ni_pence=employer_ni,
        employment_allowance_pence=offset,
        due_pence=paye + employee_ni + employer_ni - offset,
        due_by=ends_on.replace(day=22),
        rates_used=(allowance.reference,),
        allowance_left_pence=int(allowance["annual_pence"]) - used_before if claim_employment_allowance else 0,
    )


async def allowance_for_run(
    session: AsyncSession, account_id: uuid.UUID, run_id: uuid.UUID, paid_on: date, employer_ni_pence: int
) -> int:
    """The Employment Allowance a pay run uses: its month's allowance with the run, less the month's
    allowance without it. Booked with the run, so the ledger owes HMRC what the month's summary says."""
    without = await hmrc_month(session, account_id, paid_on, without=run_id)
    with_run = min(without.allowance_left_pence, without.employer_ni_pence + employer_ni_pence)
    return max(with_run - without.employment_allowance_pence, 0)
