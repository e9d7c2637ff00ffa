"""Payroll for a DP account: PAs, timesheets, pay runs; each change checked and audited."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_account_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from ledgers.columns import utc_now
from payroll.errors import PayrollError
from payroll.payslip_pdf import PayslipDocument, PayslipLine, pounds
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.service import PayRun, draft_pay_run, finalise_pay_run, get_pay_run
from payroll.tables import PayslipRow, PersonalAssistantRow, TimesheetEntryRow
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
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.added",
        subject_type="personal_assistant",
        subject_id=pa.id,
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
    await record_account_event(
        session,
        access,
        actor=actor,
        action="timesheet.recorded",
        subject_type="personal_assistant",
        subject_id=pa_id,
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
    await record_account_event(
        session,
        access,
        actor=actor,
        action="payrun.drafted",
        subject_type="pay_run",
        subject_id=pay_run.run.id,
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
    await record_account_event(
        session,
        access,
        actor=actor,
        action="payrun.finalised",
        subject_type="pay_run",
        subject_id=run_id,
        details={
            "ledger_entry_id": str(posted.entry.id),
            "net_pence": pay_run.total("net_pence"),
            "findings": [finding["sentence"] for finding in pay_run.findings],
            "override_reason": pay_run.run.override_reason,
        },
    )
    return pay_run


def _explain(slip: PayslipRow) -> tuple[tuple[PayslipLine, ...], tuple[PayslipLine, ...], tuple[PayslipLine, ...]]:
    earnings = tuple(
        PayslipLine(
            line["label"].capitalize(),
            f"{line['hours']} h at {pounds(line['hourly_rate_pence'])} an hour"
            if line["hours"]
            else "12.07% of pay for work done, paid now instead of when leave is taken",
            line["amount_pence"],
        )
        for line in slip.lines
    )
    deductions = (
        PayslipLine("Income tax (PAYE)", f"code {slip.tax_code}, worked out on pay to date", slip.tax_pence),
        PayslipLine(
            "National Insurance",
            f"category {slip.ni_category}, on pay above the primary threshold",
            slip.employee_ni_pence,
        ),
        PayslipLine("Pension", "your workplace pension contribution", slip.employee_pension_pence),
    )
    employer = (
        PayslipLine("Employer National Insurance", "on pay above the secondary threshold", slip.employer_ni_pence),
        PayslipLine("Employer pension", "at least 3% of qualifying earnings", slip.employer_pension_pence),
    )
    return earnings, deductions, employer


async def payslip_document(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID, pa_id: uuid.UUID
) -> PayslipDocument:
    access = await authorize(session, actor, account_id, Action.VIEW)
    pay_run = await get_pay_run(session, account_id, run_id)
    slip = next((slip for slip in pay_run.payslips if slip.pa_id == pa_id), None)
    pa = await session.get(PersonalAssistantRow, pa_id)
    if slip is None or pa is None:
        raise PayrollError(f"Pay run {run_id} has no payslip for PA {pa_id}.", field="pa_id")
    earnings, deductions, employer = _explain(slip)
    sources = []
    for reference in slip.rates_used:
        series_id, _, effective = reference.partition("@")
        for value in series(series_id).values:
            if value.effective_from.isoformat() == effective:
                sources += [(reference, source.title, source.url) for source in value.sources]
    run = pay_run.run
    return PayslipDocument(
        employer=f"{access.account.holder_name} (Direct Payment {access.account.reference})",
        employee=pa.full_name,
        ni_number=pa.ni_number,
        tax_code=slip.tax_code,
        ni_category=slip.ni_category,
        period=f"{run.frequency.replace('_', '-')} period {run.period_number}, {run.period_start.isoformat()} to "
        f"{run.period_end.isoformat()}",
        paid_on=run.paid_on,
        earnings=earnings,
        deductions=deductions,
        employer_costs=employer,
        net_pence=slip.net_pence,
        year_to_date=(("Taxable pay", slip.taxable_to_date_pence), ("Income tax", slip.tax_to_date_pence)),
        holiday_hours_accrued=f"{slip.holiday_hours_accrued.normalize():f}",
        notes=tuple(finding["sentence"] for finding in slip.findings),
        sources=tuple(sources),
    )
