"""Payroll for a DP account: PAs, timesheets, pay runs; each change checked and audited."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, record_account_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor, today
from dp_platform.tenancy.tables import AccountMemberRow, DpAccountRow
from ledgers.columns import utc_now
from ledgers.service import PostedEntry
from payroll.contracts import ContractRate, resolve
from payroll.errors import PayrollError, PayrollNotFoundError
from payroll.family import FamilyApproval
from payroll.family_service import approval_rows, get_approval, record_approval, withdraw_approvals
from payroll.holiday import HolidayScheme
from payroll.pa_details import DETAILS, change_details, changes_of
from payroll.payslip_pdf import PayslipDocument, explain
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.rti import employer_references
from payroll.service import (
    PayRun,
    draft_pay_run,
    finalise_pay_run,
    get_pay_run,
    remove_timesheet_entry,
    reverse_pay_run,
)
from payroll.sick_pay_service import absences_of
from payroll.ssp import parse_qualifying_days
from payroll.tables import (
    ContractRateRow,
    FamilyApprovalRow,
    PaDetailChangeRow,
    PayrollEmployerRow,
    PersonalAssistantRow,
    SicknessAbsenceRow,
    TimesheetEntryRow,
)
from payroll.tax_codes import parse_tax_code


async def add_pa(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, fields: dict[str, object]
) -> PersonalAssistantRow:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    parse_tax_code(str(fields.get("tax_code", "1257L")))  # refuse a code HMRC would not issue, naming it
    PayFrequency(str(fields.get("pay_frequency", "four_weekly")))
    parse_qualifying_days(str(fields.get("qualifying_days", "mon")))
    pa = PersonalAssistantRow(account_id=account_id, **fields)  # type: ignore[arg-type]
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


_EMPLOYER_FIELDS = (
    "paye_reference",
    "accounts_office_reference",
    "claims_employment_allowance",
    "pays_hmrc_quarterly",
    "insurance_expires_on",
)
_CHECK_FIELDS = (
    "pvg_checked_on",
    "pvg_expires_on",
    "right_to_work_checked_on",
    "right_to_work_expires_on",
    "relationship",
)


async def set_pa_checks(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, fields: dict[str, object]
) -> PersonalAssistantRow:
    """The employer's checks of a PA as they stand now; a change of relationship clears any council
    approval (it was given for the relationship recorded then). Unchanged checks write nothing."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    wanted = {name: fields.get(name) for name in _CHECK_FIELDS}
    wanted["relationship"] = wanted["relationship"] or "none"
    power = await _representatives_power(session, account_id, pa)
    if power is not None and wanted["relationship"] != power:
        raise PayrollError(
            f"{pa.full_name} acts for the person as their {power.replace('_', ' ')}, as the council recorded: "
            "that stays their relationship, and the Direct Payment may not pay them (2014 Regulations reg 9).",
            field="relationship",
        )
    changed = {name: value for name, value in wanted.items() if getattr(pa, name) != value}
    if not changed:
        note_unchanged()
        return pa
    if "relationship" in changed:  # agreements were given for the relationship recorded then
        await withdraw_approvals(session, pa.id, today(), "the relationship recorded changed")
    dated = {
        name: value.isoformat() if isinstance(value, date) else None
        for name, value in changed.items()
        if name in DETAILS
    }
    if dated:  # the checks' dates are kept with their history, from the day they were recorded
        on = max(today(), pa.started_on)
        await change_details(
            session, pa, dated, effective_from=on, reason="checks recorded", user_id=actor.user_id, at=utc_now()
        )
    for name, value in changed.items():
        setattr(pa, name, value)
    session.add(pa)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.checks_recorded",
        subject_type="personal_assistant",
        subject_id=pa.id,
        details={
            "full_name": pa.full_name,
            **{name: value.isoformat() if isinstance(value, date) else value for name, value in changed.items()},
        },
    )
    return pa


async def _representatives_power(session: AsyncSession, account_id: uuid.UUID, pa: PersonalAssistantRow) -> str | None:
    """The powers the council recorded for the representative this PA is, if they are one and hold any."""
    if pa.user_id is None:
        return None
    member = await session.get(AccountMemberRow, (account_id, pa.user_id))
    return member.legal_power if member is not None and member.legal_power != "none" else None


async def change_pa_details(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    values: dict[str, str | None],
    *,
    effective_from: date,
    reason: str,
) -> tuple[PersonalAssistantRow, list[PaDetailChangeRow]]:
    """A new tax code, NI category or bank details from a date, kept with what it replaced; a pay run
    paid before that date keeps using the old one."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    changes = await change_details(
        session, pa, values, effective_from=effective_from, reason=reason, user_id=actor.user_id, at=utc_now()
    )
    if not changes:
        note_unchanged()
        return pa, changes
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.details_changed",
        subject_type="personal_assistant",
        subject_id=pa.id,
        details={
            "full_name": pa.full_name,
            "effective_from": effective_from.isoformat(),
            "reason": reason,
            # bank details are named as changed, not written into the trail everyone with access reads
            "changes": [_change_seen(change) for change in changes],
        },
    )
    return pa, changes


def _change_seen(change: PaDetailChangeRow) -> list[str | None]:
    """A change as the audit trail records it: bank details are named as changed, not copied into a trail
    everyone with access to the account reads."""
    if change.field.startswith("bank_"):
        return [change.field, None, None]
    return [change.field, change.old_value, change.new_value]


async def pa_detail_history(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
) -> list[PaDetailChangeRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    await own_pa(session, account_id, pa_id)
    return (await changes_of(session, [pa_id])).get(pa_id, [])


async def approve_family_pa(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    approval: FamilyApproval,
    *,
    ground_detail: str = "",
) -> FamilyApprovalRow:
    """The council's agreement to a family member being paid as a PA (reg 8): its ground, the day each of
    the person, the family member and the council agreed, and the days it covers; never for a guardian
    or attorney with powers over the support (reg 9)."""
    access = await authorize(session, actor, account_id, Action.REVIEW_SPEND)
    pa = await own_pa(session, account_id, pa_id)
    row = await record_approval(session, pa, approval, ground_detail=ground_detail, user_id=actor.user_id)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.family_approved",
        subject_type="personal_assistant",
        subject_id=pa.id,
        details={
            "full_name": pa.full_name,
            "approval_id": str(row.id),
            "ground": row.ground,
            "ground_detail": row.ground_detail,
            "person_agreed_on": _iso(row.person_agreed_on),
            "family_member_agreed_on": _iso(row.family_member_agreed_on),
            "authority_agreed_on": _iso(row.authority_agreed_on),
            "starts_on": row.starts_on.isoformat(),
            "ends_on": _iso(row.ends_on),
            "reference": row.reference,
        },
    )
    return row


async def withdraw_family_approval(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    approval_id: uuid.UUID,
    *,
    on: date,
    reason: str,
) -> FamilyApprovalRow:
    """The council ends its agreement from a day (undue pressure found, the ground gone): a payday from
    then on needs a new agreement. Pay already made under it stays as it was."""
    access = await authorize(session, actor, account_id, Action.REVIEW_SPEND)
    pa = await own_pa(session, account_id, pa_id)
    row = await get_approval(session, pa.id, approval_id)
    if not reason.strip():
        raise PayrollError("Say why the agreement ends.", field="reason")
    if row.withdrawn_on is not None:
        note_unchanged()
        return row
    if on < row.starts_on:
        raise PayrollError("An agreement cannot end before it starts.", field="on")
    row.withdrawn_on, row.withdrawal_reason = on, reason.strip()
    session.add(row)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.family_approval_withdrawn",
        subject_type="personal_assistant",
        subject_id=pa.id,
        details={
            "full_name": pa.full_name,
            "approval_id": str(row.id),
            "on": on.isoformat(),
            "reason": row.withdrawal_reason,
        },
    )
    return row


async def family_approvals(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
) -> list[FamilyApprovalRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    await own_pa(session, account_id, pa_id)
    return (await approval_rows(session, [pa_id])).get(pa_id, [])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def set_employer(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    paye_reference: str,
    accounts_office_reference: str,
    claims_employment_allowance: bool,
    pays_hmrc_quarterly: bool = False,
    insurance_expires_on: date | None = None,
) -> PayrollEmployerRow:
    """Record (or change) the account holder's HMRC references, how often they pay HMRC and how long
    their employer's liability insurance runs; unchanged details write nothing."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    paye, office = employer_references(paye_reference, accounts_office_reference)
    employer = await session.get(PayrollEmployerRow, account_id, with_for_update=True)
    wanted = (paye, office, claims_employment_allowance, pays_hmrc_quarterly, insurance_expires_on)
    if employer is not None and tuple(getattr(employer, name) for name in _EMPLOYER_FIELDS) == wanted:
        note_unchanged()
        return employer
    employer = employer or PayrollEmployerRow(account_id=account_id)
    for name, value in zip(_EMPLOYER_FIELDS, wanted, strict=True):
        setattr(employer, name, value)
    employer.updated_at = utc_now()
    session.add(employer)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="payroll_employer.set",
        subject_type="account",
        subject_id=account_id,
        details={
            "paye_reference": paye,
            "accounts_office_reference": office,
            "claims_employment_allowance": claims_employment_allowance,
            "pays_hmrc_quarterly": pays_hmrc_quarterly,
            "insurance_expires_on": insurance_expires_on.isoformat() if insurance_expires_on else None,
        },
    )
    return employer


async def own_pa(session: AsyncSession, account_id: uuid.UUID, pa_id: uuid.UUID) -> PersonalAssistantRow:
    pa = await session.get(PersonalAssistantRow, pa_id)
    if pa is None or pa.account_id != account_id:
        raise PayrollNotFoundError(f"There is no PA {pa_id} on this account.", field="pa_id")
    return pa


async def contract_rates(session: AsyncSession, pa_id: uuid.UUID) -> list[ContractRateRow]:
    return list(
        await session.scalars(
            select(ContractRateRow)
            .where(col(ContractRateRow.pa_id) == pa_id)
            .order_by(col(ContractRateRow.kind), col(ContractRateRow.effective_from))
        )
    )


async def set_contract_rates(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    rates: list[tuple[str, int, date]],
) -> list[ContractRateRow]:
    """Add dated rates to a PA's contract. A rate already held for the same kind and date is refused:
    rates in force when hours were worked stay as they were, so a change is a new dated rate."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    held = {(row.kind, row.effective_from) for row in await contract_rates(session, pa_id)}
    for index, (kind, _, effective_from) in enumerate(rates):
        if (kind, effective_from) in held:
            raise PayrollError(
                f"rate {index + 1}: the contract already has a {kind.replace('_', ' ')} rate from "
                f"{effective_from.isoformat()}; add a rate from a later date instead.",
                field=f"rates[{index}].effective_from",
            )
        if effective_from < pa.started_on:
            raise PayrollError(
                f"rate {index + 1}: {effective_from.isoformat()} is before {pa.full_name} started "
                f"({pa.started_on.isoformat()}).",
                field=f"rates[{index}].effective_from",
            )
        held.add((kind, effective_from))
    session.add_all(
        ContractRateRow(pa_id=pa_id, kind=kind, hourly_rate_pence=rate, effective_from=effective_from)
        for kind, rate, effective_from in rates
    )
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="contract_rates.added",
        subject_type="personal_assistant",
        subject_id=pa_id,
        details={"rates": [[kind, rate, day.isoformat()] for kind, rate, day in rates]},
    )
    return await contract_rates(session, pa_id)


async def record_timesheet(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    entries: list[tuple[date, Decimal, str | None, int | None]],
) -> list[TimesheetEntryRow]:
    """Hours by day. A line without a rate takes the contract's; without a kind, the calendar's
    (bank holiday, weekend or standard, as the contract has rates for them)."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    contract = [
        ContractRate(row.kind, row.hourly_rate_pence, row.effective_from)
        for row in await contract_rates(session, pa_id)
    ]
    resolved: list[tuple[date, Decimal, str, int]] = []
    for index, (day, hours, kind, rate) in enumerate(entries):
        if not Decimal(0) < hours <= 24 or hours != hours.quantize(Decimal("0.01")):
            raise PayrollError(
                f"entry {index + 1}: {hours} is not a number of hours from 0.01 to 24", field=f"entries[{index}].hours"
            )
        if day < pa.started_on or (pa.left_on is not None and day > pa.left_on):
            raise PayrollError(
                f"entry {index + 1}: {pa.full_name} was not employed on {day.isoformat()}.",
                field=f"entries[{index}].worked_on",
            )
        if kind == "holiday" and pa.holiday_scheme == HolidayScheme.ROLLED_UP:
            raise PayrollError(
                f"entry {index + 1}: {pa.full_name}'s holiday pay is rolled up into each payslip, "
                "so leave taken is not paid again; leave it off the timesheet.",
                field=f"entries[{index}].kind",
            )
        if rate is None:
            try:
                kind, rate = resolve(contract, day, kind)
            except PayrollError as error:
                message = f"entry {index + 1}: {error.detail}"
                raise type(error)(message, field=f"entries[{index}].{error.field}") from None
        resolved.append((day, hours, kind or "standard", rate))
    rows = [
        TimesheetEntryRow(pa_id=pa_id, worked_on=day, hours=hours, kind=kind, hourly_rate_pence=rate)
        for day, hours, kind, rate in resolved
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
        details={"entries": [[day.isoformat(), str(hours), kind, rate] for day, hours, kind, rate in resolved]},
    )
    return rows


async def remove_timesheet_line(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, entry_id: uuid.UUID
) -> TimesheetEntryRow:
    """A line entered wrongly comes off before it is paid; a corrected line is then added as any other."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    entry = await remove_timesheet_entry(session, pa, entry_id)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="timesheet.line_removed",
        subject_type="personal_assistant",
        subject_id=pa_id,
        details={
            "entry_id": str(entry.id),
            "entry": [entry.worked_on.isoformat(), str(entry.hours), entry.kind, entry.hourly_rate_pence],
        },
    )
    return entry


async def record_leaver(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, left_on: date
) -> PersonalAssistantRow:
    """The PA's last day of employment. Recording the same day again changes nothing; a different
    day for a PA who has left already is refused (a wrongly recorded leaver is corrected by HMRC's
    process, not by editing here)."""
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    if pa.left_on == left_on:
        note_unchanged()
        return pa
    if pa.left_on is not None:
        raise PayrollError(f"{pa.full_name} left on {pa.left_on.isoformat()} already.", field="left_on")
    if left_on < pa.started_on:
        raise PayrollError(
            f"{left_on.isoformat()} is before {pa.full_name} started ({pa.started_on.isoformat()}).", field="left_on"
        )
    later = await session.scalar(
        select(col(TimesheetEntryRow.worked_on))
        .where(col(TimesheetEntryRow.pa_id) == pa_id, col(TimesheetEntryRow.worked_on) > left_on)
        .order_by(col(TimesheetEntryRow.worked_on))
        .limit(1)
    )
    if later is not None:
        raise PayrollError(
            f"{pa.full_name} has hours recorded on {later.isoformat()}, after {left_on.isoformat()}.", field="left_on"
        )
    pa.left_on = left_on
    session.add(pa)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="pa.left",
        subject_type="personal_assistant",
        subject_id=pa_id,
        details={"full_name": pa.full_name, "left_on": left_on.isoformat()},
    )
    return pa


async def record_sickness(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    pa_id: uuid.UUID,
    *,
    first_day: date,
    last_day: date,
    average_weekly_earnings_pence: int | None,
) -> SicknessAbsenceRow:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pa = await own_pa(session, account_id, pa_id)
    if last_day < first_day:
        raise PayrollError("The last day of sickness is before the first.", field="last_day")
    if first_day < pa.started_on or (pa.left_on is not None and last_day > pa.left_on):
        raise PayrollError(f"{pa.full_name} was not employed on every one of those days.", field="first_day")
    for held in await absences_of(session, pa_id):
        if held.first_day <= last_day and first_day <= held.last_day:
            raise PayrollError(
                f"Sickness from {held.first_day.isoformat()} to {held.last_day.isoformat()} is already recorded.",
                field="first_day",
            )
    absence = SicknessAbsenceRow(
        pa_id=pa_id,
        first_day=first_day,
        last_day=last_day,
        average_weekly_earnings_pence=average_weekly_earnings_pence,
    )
    session.add(absence)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="sickness.recorded",
        subject_type="personal_assistant",
        subject_id=pa_id,
        details={
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
            "average_weekly_earnings_pence": average_weekly_earnings_pence,
        },
    )
    return absence


def drafted_details(pay_run: PayRun) -> dict[str, Any]:
    """What ``payrun.drafted`` records, whoever drafts (a person, or a bureau's batch)."""
    return {
        "period_number": pay_run.run.period_number,
        "paid_on": pay_run.run.paid_on.isoformat(),
        "payslips": len(pay_run.payslips),
        "gross_pence": pay_run.total("gross_pence"),
        "findings": len(pay_run.findings),
    }


def finalised_details(pay_run: PayRun, posted: PostedEntry) -> dict[str, Any]:
    return {
        "ledger_entry_id": str(posted.entry.id),
        "net_pence": pay_run.total("net_pence"),
        "findings": [finding.sentence for finding in pay_run.findings],
        "override_reason": pay_run.run.override_reason,
    }


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
        details=drafted_details(pay_run),
    )
    return pay_run


async def finalise_account_pay_run(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    override_reason: str | None,
    drafted: PayRun | None = None,
) -> PayRun:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pay_run, posted, already = await finalise_pay_run(
        session, account_id, run_id, override_reason=override_reason, finalised_at=utc_now(), drafted=drafted
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
        details=finalised_details(pay_run, posted),
    )
    return pay_run


async def reverse_account_pay_run(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID, *, reason: str
) -> PayRun:
    access = await authorize(session, actor, account_id, Action.RUN_PAYROLL)
    pay_run, reversal = await reverse_pay_run(session, account_id, run_id, reason=reason)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="payrun.reversed",
        subject_type="pay_run",
        subject_id=run_id,
        details={
            "reversal_entry_id": str(reversal.entry.id),
            "net_pence": pay_run.total("net_pence"),
            "paid_on": pay_run.run.paid_on.isoformat(),
            "reason": pay_run.run.reversal_reason,
        },
    )
    return pay_run


async def payslip_document(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID, pa_id: uuid.UUID
) -> PayslipDocument:
    access = await authorize(session, actor, account_id, Action.VIEW)
    return await document_of(session, access.account, run_id, pa_id)


async def document_of(
    session: AsyncSession, account: DpAccountRow, run_id: uuid.UUID, pa_id: uuid.UUID
) -> PayslipDocument:
    """One payslip as the PA reads it, for whoever the caller has already let read it."""
    account_id = account.id
    pay_run = await get_pay_run(session, account_id, run_id)
    slip = next((slip for slip in pay_run.payslips if slip.pa_id == pa_id), None)
    pa = await session.get(PersonalAssistantRow, pa_id)
    if slip is None or pa is None:
        raise PayrollError(f"Pay run {run_id} has no payslip for PA {pa_id}.", field="pa_id")
    earnings, deductions, employer = explain(slip)
    sources = []
    for reference in slip.rates_used:
        series_id, _, effective = reference.partition("@")
        for value in series(series_id).values:
            if value.effective_from.isoformat() == effective:
                sources += [(reference, source.title, source.url) for source in value.sources]
    run = pay_run.run
    return PayslipDocument(
        employer=f"{account.holder_name} (Direct Payment {account.reference})",
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
        holiday_hours_taken=f"{slip.holiday_hours_taken.normalize():f}",
        notes=tuple(finding.sentence for finding in slip.slip_findings),
        sources=tuple(sources),
    )
