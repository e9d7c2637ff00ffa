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
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among
from payroll.fair_work import HOLIDAY
from payroll.family import approval_on
from payroll.family_service import approvals_of
from payroll.payslip_record import SlipFinding
from payroll.statuses import PayRunStatus
from payroll.tables import PayrollEmployerRow, PayRunRow, PayslipRow, PersonalAssistantRow, TimesheetEntryRow


class AssistantChecks(NamedTuple):
    """A PA as the council's checks read them: when employed, their relationship to the person, and
    the checks recorded."""

    id: uuid.UUID
    account_id: uuid.UUID
    full_name: str
    started_on: date
    left_on: date | None
    relationship: str
    family_approved: bool
    """An agreement of the council (reg 8) covers the day the checks were read for."""
    pvg_checked_on: date | None
    pvg_expires_on: date | None
    right_to_work_checked_on: date | None
    right_to_work_expires_on: date | None


async def assistants_of(session: AsyncSession, employer_ids: list[uuid.UUID], on: date) -> list[AssistantChecks]:
    pa = PersonalAssistantRow
    rows = (
        await session.execute(
            select(
                col(pa.id),
                col(pa.account_id),
                col(pa.full_name),
                col(pa.started_on),
                col(pa.left_on),
                col(pa.relationship),
                col(pa.pvg_checked_on),
                col(pa.pvg_expires_on),
                col(pa.right_to_work_checked_on),
                col(pa.right_to_work_expires_on),
            )
            .where(among(pa.account_id, employer_ids))
            .order_by(pa.full_name)
        )
    ).all()
    family = [row.id for row in rows if row.relationship == "family_member"]
    approvals = await approvals_of(session, family)
    return [
        AssistantChecks(
            *row[:6],
            approval_on(approvals.get(row.id, ()), on) is not None,
            *row[6:],
        )
        for row in rows
    ]


class EmployerChecks(NamedTuple):
    pays_hmrc_quarterly: bool
    insurance_expires_on: date | None


async def employers_of(session: AsyncSession, employer_ids: list[uuid.UUID]) -> dict[uuid.UUID, EmployerChecks]:
    """How each employer pays HMRC and how long their insurance runs."""
    rows = await session.execute(
        select(
            col(PayrollEmployerRow.account_id),
            col(PayrollEmployerRow.pays_hmrc_quarterly),
            col(PayrollEmployerRow.insurance_expires_on),
        ).where(among(col(PayrollEmployerRow.account_id), employer_ids))
    )
    return {account_id: EmployerChecks(quarterly, insured_to) for account_id, quarterly, insured_to in rows.all()}


@dataclass(frozen=True, slots=True)
class Underpaid:
    employer_id: uuid.UUID
    payslip_id: uuid.UUID
    pa_name: str
    paid_on: date
    findings: tuple[SlipFinding, ...]

    @property
    def arrears_pence(self) -> int:
        return sum(finding.arrears_pence for finding in self.findings)


async def underpaid_since(session: AsyncSession, employer_ids: list[uuid.UUID], since: date) -> list[Underpaid]:
    """Payslips of finalised runs paid since a day that carry fair-work findings (paid below a floor
    with the employer's reason recorded when the run was finalised)."""
    rows = await session.execute(
        select(
            col(PayRunRow.account_id),
            col(PayslipRow.id),
            col(PersonalAssistantRow.full_name),
            col(PayRunRow.paid_on),
            col(PayslipRow.findings),
        )
        .join(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
        .join(PersonalAssistantRow, col(PersonalAssistantRow.id) == col(PayslipRow.pa_id))
        .where(
            among(col(PayRunRow.account_id), employer_ids),
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.paid_on) >= since,
            func.jsonb_array_length(col(PayslipRow.findings)) > 0,
        )
    )
    return [
        Underpaid(employer_id, payslip_id, name, paid_on, tuple(SlipFinding.from_json(found) for found in findings))
        for employer_id, payslip_id, name, paid_on, findings in rows.all()
    ]


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
            col(PayRunRow.account_id),
            col(PayRunRow.id),
            col(PayRunRow.period_start),
            col(PayRunRow.period_end),
            func.coalesce(func.sum(col(TimesheetEntryRow.hours)), 0),
            col(PayRunRow.version),
        )
        .join(PersonalAssistantRow, col(PersonalAssistantRow.account_id) == col(PayRunRow.account_id))
        .join(
            TimesheetEntryRow,
            (col(TimesheetEntryRow.pa_id) == col(PersonalAssistantRow.id))
            & (col(TimesheetEntryRow.worked_on) >= col(PayRunRow.period_start))
            & (col(TimesheetEntryRow.worked_on) <= col(PayRunRow.period_end))
            & (col(TimesheetEntryRow.kind) != HOLIDAY),
        )
        .where(
            among(col(PayRunRow.account_id), employer_ids),
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.period_end) >= since,
        )
        .group_by(col(PayRunRow.account_id), col(PayRunRow.id))
        .order_by(col(PayRunRow.version))
    )
    latest: dict[tuple[uuid.UUID, date, date], RunHours] = {}
    for employer, run, start, end, hours, _version in rows.all():
        latest[(employer, start, end)] = RunHours(employer, run, start, end, Decimal(hours))
    return list(latest.values())
