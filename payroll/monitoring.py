"""What the council's monitoring reads from payroll, for many employers at once (a whole council):
the PAs and the checks recorded for them, the employers' insurance and how they pay HMRC, payslips
paid below a floor, and the hours paid in recent periods. A few queries whatever the number of
employers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.fair_work import HOLIDAY
from payroll.tables import PayrollEmployerRow, PayRunRow, PayslipRow, PersonalAssistantRow, TimesheetEntryRow


async def assistants_of(session: AsyncSession, employer_ids: list[uuid.UUID]) -> list[PersonalAssistantRow]:
    return list(
        await session.scalars(
            select(PersonalAssistantRow)
            .where(PersonalAssistantRow.employer_account_id.in_(employer_ids))
            .order_by(PersonalAssistantRow.full_name)
        )
    )


async def employers_of(session: AsyncSession, employer_ids: list[uuid.UUID]) -> dict[uuid.UUID, PayrollEmployerRow]:
    rows = await session.scalars(
        select(PayrollEmployerRow).where(PayrollEmployerRow.employer_account_id.in_(employer_ids))
    )
    return {row.employer_account_id: row for row in rows}


@dataclass(frozen=True, slots=True)
class Underpaid:
    employer_id: uuid.UUID
    payslip_id: uuid.UUID
    pa_name: str
    paid_on: date
    findings: list[dict[str, object]]

    @property
    def arrears_pence(self) -> int:
        return sum(int(str(finding["arrears_pence"])) for finding in self.findings)


async def underpaid_since(session: AsyncSession, employer_ids: list[uuid.UUID], since: date) -> list[Underpaid]:
    """Payslips of finalised runs paid since a day that carry fair-work findings (paid below a floor
    with the employer's reason recorded when the run was finalised)."""
    rows = await session.execute(
        select(
            PayRunRow.employer_account_id,
            PayslipRow.id,
            PersonalAssistantRow.full_name,
            PayRunRow.paid_on,
            PayslipRow.findings,
        )
        .join(PayslipRow, PayslipRow.pay_run_id == PayRunRow.id)
        .join(PersonalAssistantRow, PersonalAssistantRow.id == PayslipRow.pa_id)
        .where(
            PayRunRow.employer_account_id.in_(employer_ids),
            PayRunRow.status == "finalised",
            PayRunRow.paid_on >= since,
            func.jsonb_array_length(PayslipRow.findings) > 0,
        )
    )
    return [Underpaid(*row) for row in rows.all()]


@dataclass(frozen=True, slots=True)
class RunHours:
    employer_id: uuid.UUID
    run_id: uuid.UUID
    period_start: date
    period_end: date
    hours: Decimal


async def hours_paid_since(session: AsyncSession, employer_ids: list[uuid.UUID], since: date) -> list[RunHours]:
    """Hours worked (leave taken not counted) in the periods of finalised runs that ended since a day;
    a period paid again by a later run version counts once, under the latest."""
    rows = await session.execute(
        select(
            PayRunRow.employer_account_id,
            PayRunRow.id,
            PayRunRow.period_start,
            PayRunRow.period_end,
            func.coalesce(func.sum(TimesheetEntryRow.hours), 0),
            PayRunRow.version,
        )
        .join(PersonalAssistantRow, PersonalAssistantRow.employer_account_id == PayRunRow.employer_account_id)
        .join(
            TimesheetEntryRow,
            (TimesheetEntryRow.pa_id == PersonalAssistantRow.id)
            & (TimesheetEntryRow.worked_on >= PayRunRow.period_start)
            & (TimesheetEntryRow.worked_on <= PayRunRow.period_end)
            & (TimesheetEntryRow.kind != HOLIDAY),
        )
        .where(
            PayRunRow.employer_account_id.in_(employer_ids),
            PayRunRow.status == "finalised",
            PayRunRow.period_end >= since,
        )
        .group_by(PayRunRow.employer_account_id, PayRunRow.id)
        .order_by(PayRunRow.version)
    )
    latest: dict[tuple[uuid.UUID, date, date], RunHours] = {}
    for employer, run, start, end, hours, _version in rows.all():
        latest[(employer, start, end)] = RunHours(employer, run, start, end, Decimal(hours))
    return list(latest.values())
