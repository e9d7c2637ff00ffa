"""Payroll for a DP account: PAs, timesheets, pay runs; each change checked and audited."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from ledgers.columns import utc_now
from payroll.errors import PayrollError
from payroll.periods import PayFrequency
from payroll.service import PayRun, draft_pay_run, finalise_pay_run
from payroll.tables import PersonalAssistantRow, TimesheetEntryRow
from payroll.tax_codes import parse_tax_code


async def add_pa(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, fields: dict[str, object]
) -> PersonalAssistantRow:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    parse_tax_code(str(fields.get("tax_code", "1257L")))  # refuse a code HMRC would not issue, naming it
    PayFrequency(str(fields.get("pay_frequency", "four_weekly")))
    pa = PersonalAssistantRow(employer_account_id=account_id, **fields)  # type: ignore[arg-type]
    session.add(pa)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="pa.added",
        subject_type="personal_assistant",
        subject_id=pa.id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={
            "full_name": pa.full_name,
            "started_on": pa.started_on.isoformat(),
            "tax_code": pa.tax_code,
            "pay_frequency": pa.pay_frequency,
        },
    )
    return pa


async def record_timesheet(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    entries: list[tuple[date, Decimal, str, int]],
) -> list[TimesheetEntryRow]:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await session.get(PersonalAssistantRow, pa_id)
    if pa is None or pa.employer_account_id != account_id:
        raise PayrollError(f"There is no PA {pa_id} on this account.", field="pa_id")
    for index, (_, hours, _, _) in enumerate(entries):
        if not Decimal(0) < hours <= 24 or hours != hours.quantize(Decimal("0.01")):
            raise PayrollError(
                f"entry {index + 1}: {hours} is not a number of hours from 0.01 to 24", field=f"entries[{index}].hours"
            )
    rows = [
        TimesheetEntryRow(pa_id=pa_id, worked_on=day, hours=hours, kind=kind, hourly_rate_pence=rate)
        for day, hours, kind, rate in entries
    ]
    session.add_all(rows)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="timesheet.recorded",
        subject_type="personal_assistant",
        subject_id=pa_id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={"entries": [[day.isoformat(), str(hours), kind, rate] for day, hours, kind, rate in entries]},
    )
    return rows


async def draft_account_pay_run(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
) -> PayRun:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pay_run = await draft_pay_run(
        session,
        account_id,
        frequency=frequency,
        period_number=period_number,
        period_start=period_start,
        period_end=period_end,
        paid_on=paid_on,
    )
    await record_event(
        session,
        actor=actor,
        action="payrun.drafted",
        subject_type="pay_run",
        subject_id=pay_run.run.id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={
            "period_number": period_number,
            "paid_on": paid_on.isoformat(),
            "payslips": len(pay_run.payslips),
            "gross_pence": pay_run.total("gross_pence"),
            "findings": len(pay_run.findings),
        },
    )
    return pay_run


async def finalise_account_pay_run(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    override_reason: str | None,
) -> PayRun:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pay_run, posted, already = await finalise_pay_run(
        session, account_id, run_id, override_reason=override_reason, finalised_at=utc_now()
    )
    if already:
        note_unchanged()
        return pay_run
    await record_event(
        session,
        actor=actor,
        action="payrun.finalised",
        subject_type="pay_run",
        subject_id=run_id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={
            "ledger_entry_id": str(posted.entry.id),
            "net_pence": pay_run.total("net_pence"),
            "findings": [finding["sentence"] for finding in pay_run.findings],
            "override_reason": pay_run.run.override_reason,
        },
    )
    return pay_run
