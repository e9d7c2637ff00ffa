"""What an employer pays HMRC for a tax month, and by when. Reads finalised pay runs.

A tax month runs from the 6th to the 5th; PAYE and NI deducted in it are due by the 22nd of
the next month when paid electronically. The Employment Allowance (which PA employers may
claim) is set against employer NI month by month until the year's amount is used up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among
from payroll.errors import PayrollError
from payroll.periods import tax_year_start
from payroll.rates import series
from payroll.statuses import PayRunStatus
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


def _without(query: Select[Any], without: frozenset[uuid.UUID]) -> Select[Any]:
    return query.where(col(PayRunRow.id).not_in(sorted(without))) if without else query


async def _totals(
    session: AsyncSession, account_ids: list[uuid.UUID], start: date, end: date, without: frozenset[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int, int]]:
    query = (
        select(
            col(PayRunRow.account_id),
            func.coalesce(func.sum(col(PayslipRow.tax_pence)), 0),
            func.coalesce(func.sum(col(PayslipRow.employee_ni_pence)), 0),
            func.coalesce(func.sum(col(PayslipRow.employer_ni_pence)), 0),
        )
        .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
        .where(
            among(col(PayRunRow.account_id), account_ids),
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.paid_on) >= start,
            col(PayRunRow.paid_on) <= end,
        )
        .group_by(col(PayRunRow.account_id))
    )
    return {
        account_id: (int(tax), int(employee), int(employer))
        for account_id, tax, employee, employer in await session.execute(_without(query, without))
    }


async def _employer_ni_by_month(
    session: AsyncSession, account_ids: list[uuid.UUID], year_start: date, before: date, without: frozenset[uuid.UUID]
) -> dict[uuid.UUID, dict[int, int]]:
    """Employer NI of the finalised runs paid in each earlier tax month of the year, each account's: one query."""
    query = (
        select(col(PayRunRow.account_id), col(PayRunRow.paid_on), func.sum(col(PayslipRow.employer_ni_pence)))
        .join(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
        .where(
            among(col(PayRunRow.account_id), account_ids),
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.paid_on) >= year_start,
            col(PayRunRow.paid_on) < before,
        )
        .group_by(col(PayRunRow.account_id), col(PayRunRow.paid_on))
    )
    found: dict[uuid.UUID, dict[int, int]] = {}
    for account_id, paid_on, pence in await session.execute(_without(query, without)):
        by_month = found.setdefault(account_id, {})
        month = relativedelta(paid_on, year_start).months + 1
        by_month[month] = by_month.get(month, 0) + int(pence or 0)
    return found


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
    months = await hmrc_months(
        session,
        [account_id],
        any_day,
        claims=None if claim_employment_allowance is None else {account_id: claim_employment_allowance},
        without=frozenset([without]) if without else frozenset(),
    )
    return months[account_id]


async def hmrc_months(
    session: AsyncSession,
    account_ids: list[uuid.UUID],
    any_day: date,
    *,
    claims: dict[uuid.UUID, bool] | None = None,
    without: frozenset[uuid.UUID] = frozenset(),
) -> dict[uuid.UUID, HmrcMonth]:
    """The tax month holding ``any_day`` for many employers in three queries (a bureau finalising hundreds)."""
    year_start = tax_year_start(any_day)
    tax_month = relativedelta(any_day, year_start).months + 1
    if not 1 <= tax_month <= 12:
        raise PayrollError("A tax year has months 1 to 12.", field="tax_month")
    starts_on = year_start + relativedelta(months=tax_month - 1)
    ends_on = starts_on + relativedelta(months=1, days=-1)
    allowance = series("hmrc.ni.employment_allowance").at(payment_date=starts_on)
    annual = int(allowance["annual_pence"])
    if claims is None:
        recorded = dict(
            (
                await session.execute(
                    select(
                        col(PayrollEmployerRow.account_id), col(PayrollEmployerRow.claims_employment_allowance)
                    ).where(among(col(PayrollEmployerRow.account_id), account_ids))
                )
            ).all()
        )
        claims = {account_id: recorded.get(account_id, True) for account_id in account_ids}
    earlier = await _employer_ni_by_month(session, account_ids, year_start, starts_on, without) if tax_month > 1 else {}
    totals = await _totals(session, account_ids, starts_on, ends_on, without)
    months = {}
    for account_id in account_ids:
        claiming = claims[account_id]
        used_before, remaining, by_month = 0, annual, earlier.get(account_id, {})
        if claiming:
            for month in range(1, tax_month):
                take = min(remaining, by_month.get(month, 0))
                used_before += take
                remaining -= take
        paye, employee_ni, employer_ni = totals.get(account_id, (0, 0, 0))
        offset = min(annual - used_before, employer_ni) if claiming else 0
        months[account_id] = HmrcMonth(
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
            allowance_left_pence=annual - used_before if claiming else 0,
        )
    return months


@dataclass(frozen=True, slots=True)
class RunToBook:
    account_id: uuid.UUID
    run_id: uuid.UUID
    paid_on: date
    employer_ni_pence: int


async def allowances_for_runs(session: AsyncSession, runs: list[RunToBook]) -> dict[uuid.UUID, int]:
    """The Employment Allowance each pay run uses: its month's allowance with the run, less the month's
    allowance without it. Booked with the run, so the ledger owes HMRC what the month's summary says.
    Each is weighed without the others, so a batch holds one run an employer."""
    if len({run.account_id for run in runs}) != len(runs):
        raise ValueError("one pay run an employer in a batch")
    found: dict[uuid.UUID, int] = {}
    without = frozenset(run.run_id for run in runs)
    for paid_on in sorted({run.paid_on for run in runs}):
        paid_then = [run for run in runs if run.paid_on == paid_on]
        months = await hmrc_months(session, sorted({run.account_id for run in paid_then}), paid_on, without=without)
        for run in paid_then:
            month = months[run.account_id]
            with_run = min(month.allowance_left_pence, month.employer_ni_pence + run.employer_ni_pence)
            found[run.run_id] = max(with_run - month.employment_allowance_pence, 0)
    return found
