"""A PA's own records, read through their sign-in: their payslips, holiday balance, contract rates, P45
and P60, at each employer they work for on the platform, and nothing else of any account.

A PA holds no access to an account (the policy hides every account from them); each read here starts
from the PA records their sign-in is linked to, so another PA's payslip, or a draft pay run, is
"not found" exactly as an account they cannot see is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor, today
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.payroll import contract_rates, document_of
from payroll.errors import PayrollNotFoundError
from payroll.leave_balance import LeaveBalance, leave_balance
from payroll.leavers import P45Figures, p45_details
from payroll.payslip_pdf import PayslipDocument
from payroll.statuses import PayRunStatus
from payroll.tables import ContractRateRow, PayRunRow, PayslipRow, PersonalAssistantRow
from payroll.year_end import P60Figures, p60_details, p60_years


@dataclass(frozen=True, slots=True)
class PaidSlip:
    run: PayRunRow
    slip: PayslipRow


@dataclass(frozen=True, slots=True)
class Job:
    pa: PersonalAssistantRow
    employer: DpAccountRow
    payslips: list[PaidSlip]
    holiday: LeaveBalance
    rates: list[ContractRateRow]
    p60_years: list[date]


def _own(actor: Actor) -> uuid.UUID:
    if actor.role is not Role.PERSONAL_ASSISTANT or actor.user_id is None:
        raise AccessDeniedError("These pages are for a personal assistant's own pay.")
    return actor.user_id


async def my_jobs(session: AsyncSession, actor: Actor) -> list[Job]:
    user_id = _own(actor)
    rows = (
        await session.execute(
            select(PersonalAssistantRow, DpAccountRow)
            .join(DpAccountRow, col(DpAccountRow.id) == col(PersonalAssistantRow.account_id))
            .where(col(PersonalAssistantRow.user_id) == user_id)
            .order_by(col(DpAccountRow.holder_name))
        )
    ).all()
    jobs = []
    for pa, account in rows:
        slips = (
            await session.execute(
                select(PayRunRow, PayslipRow)
                .join(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
                .where(col(PayslipRow.pa_id) == pa.id, col(PayRunRow.status) == PayRunStatus.FINALISED)
                .order_by(col(PayRunRow.paid_on).desc(), col(PayRunRow.version).desc())
            )
        ).all()
        jobs.append(
            Job(
                pa,
                account,
                [PaidSlip(run, slip) for run, slip in slips],
                await leave_balance(session, pa.id),
                await contract_rates(session, pa.id),
                await p60_years(session, pa, today()),
            )
        )
    return jobs


async def my_job(session: AsyncSession, actor: Actor, pa_id: uuid.UUID) -> tuple[PersonalAssistantRow, DpAccountRow]:
    user_id = _own(actor)
    found = (
        await session.execute(
            select(PersonalAssistantRow, DpAccountRow)
            .join(DpAccountRow, col(DpAccountRow.id) == col(PersonalAssistantRow.account_id))
            .where(col(PersonalAssistantRow.id) == pa_id, col(PersonalAssistantRow.user_id) == user_id)
        )
    ).first()
    if found is None:
        raise PayrollNotFoundError(f"There is no job {pa_id} of yours.", field="pa_id")
    pa, account = found
    return pa, account


async def my_payslip(session: AsyncSession, actor: Actor, pa_id: uuid.UUID, run_id: uuid.UUID) -> PayslipDocument:
    """Only a payslip of a finalised run: a draft is the employer's working, not pay."""
    pa, account = await my_job(session, actor, pa_id)
    run = await session.get(PayRunRow, run_id)
    slip = await session.scalar(
        select(col(PayslipRow.id)).where(col(PayslipRow.pay_run_id) == run_id, col(PayslipRow.pa_id) == pa.id)
    )
    if run is None or slip is None or run.account_id != account.id or run.status != PayRunStatus.FINALISED:
        raise PayrollNotFoundError(f"There is no payslip of yours in pay run {run_id}.", field="run_id")
    return await document_of(session, account, run_id, pa.id)


async def my_p45(session: AsyncSession, actor: Actor, pa_id: uuid.UUID) -> P45Figures:
    pa, _ = await my_job(session, actor, pa_id)
    return await p45_details(session, pa)


async def my_p60(session: AsyncSession, actor: Actor, pa_id: uuid.UUID, year_start: date) -> P60Figures:
    pa, _ = await my_job(session, actor, pa_id)
    return await p60_details(session, pa, year_start, today())
