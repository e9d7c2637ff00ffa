"""What a person may read of an account's payroll.

Each read checks that the caller may see the account before it queries, so a page or an API route
that shows payroll has no access decision of its own to forget (architecture decision 0008).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.payroll import contract_rates, own_pa
from ledgers.bounds import check_day
from ledgers.keyset import Keyset
from payroll.drafting import PayRun
from payroll.errors import PayrollError, PayrollNotFoundError
from payroll.hmrc_summary import HmrcMonth, hmrc_month
from payroll.leave_balance import LeaveBalance, leave_balance
from payroll.leavers import P45Figures, p45_details
from payroll.rti import FpsRecord
from payroll.service import TimesheetLine, account_pay_runs, fps_record, get_pay_run, timesheet_lines
from payroll.sick_pay_service import absences_of
from payroll.statuses import PayRunStatus
from payroll.tables import ContractRateRow, PayrollEmployerRow, PersonalAssistantRow, SicknessAbsenceRow


async def employer_pas(session: AsyncSession, account_id: uuid.UUID) -> list[PersonalAssistantRow]:
    """An account's PAs by name, for a caller that has already checked what the person may see."""
    return list(
        await session.scalars(
            select(PersonalAssistantRow)
            .where(col(PersonalAssistantRow.account_id) == account_id)
            .order_by(col(PersonalAssistantRow.full_name))
        )
    )


async def personal_assistants(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> list[PersonalAssistantRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await employer_pas(session, account_id)


async def viewable_pa(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
) -> PersonalAssistantRow:
    """The PA, when the caller may see the account and the PA works for it (404 for another account's PA)."""
    await authorize(session, actor, account_id, Action.VIEW)
    return await own_pa(session, account_id, pa_id)


async def employer_of(session: AsyncSession, account_id: uuid.UUID) -> PayrollEmployerRow | None:
    """The account holder's HMRC references, if recorded, for a caller that has already checked access."""
    return await session.get(PayrollEmployerRow, account_id)


async def payroll_employer(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> PayrollEmployerRow:
    await authorize(session, actor, account_id, Action.VIEW)
    employer = await employer_of(session, account_id)
    if employer is None:
        raise PayrollNotFoundError("No HMRC employer references are recorded for this account.", field="account_id")
    return employer


async def pa_timesheet(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, *, page: Keyset
) -> list[TimesheetLine]:
    return await timesheet_lines(session, await viewable_pa(session, actor, account_id, pa_id), page=page)


async def pa_contract_rates(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
) -> list[ContractRateRow]:
    return await contract_rates(session, (await viewable_pa(session, actor, account_id, pa_id)).id)


async def pa_p45(session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID) -> P45Figures:
    return await p45_details(session, await viewable_pa(session, actor, account_id, pa_id))


@dataclass(frozen=True, slots=True)
class PaHoliday:
    pa: PersonalAssistantRow
    balance: LeaveBalance


async def pa_holiday(session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID) -> PaHoliday:
    pa = await viewable_pa(session, actor, account_id, pa_id)
    return PaHoliday(pa, await leave_balance(session, pa.id))


async def pa_absences(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, *, page: Keyset
) -> list[SicknessAbsenceRow]:
    pa = await viewable_pa(session, actor, account_id, pa_id)
    return await absences_of(session, pa.id, page=page)


async def pay_runs(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, status: str | None, page: Keyset
) -> list[PayRun]:
    await authorize(session, actor, account_id, Action.VIEW)
    if status is not None and status not in {PayRunStatus.DRAFT, PayRunStatus.FINALISED}:
        raise PayrollError("status is draft or finalised.", field="status")
    return await account_pay_runs(session, account_id, status=status, page=page)


async def pay_run(session: AsyncSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID) -> PayRun:
    await authorize(session, actor, account_id, Action.VIEW)
    return await get_pay_run(session, account_id, run_id)


async def full_payment_submission(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID
) -> FpsRecord:
    await authorize(session, actor, account_id, Action.VIEW)
    return await fps_record(session, account_id, run_id)


async def hmrc_month_of(session: AsyncSession, actor: Actor, account_id: uuid.UUID, on: date) -> HmrcMonth:
    await authorize(session, actor, account_id, Action.VIEW)
    return await hmrc_month(session, account_id, check_day(on, "on"))
