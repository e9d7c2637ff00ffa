"""Pay runs in the database: draft from timesheets, finalise into the ledger.

A draft is recalculated whenever it is drafted again; a finalised run is fixed, and its
ledger entry carries the key ``payrun:<id>:v<version>``, so finalising twice posts once.
Functions take the caller's session and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ledgers import LedgerError
from ledgers.accounts import AccountCode
from ledgers.columns import among
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.ids import new_id
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.service import PostedEntry, get_entry, post_entry, reverse_entry
from payroll.errors import AlreadyPaidError, PayRunError, PayRunHasFindingsError, PayRunNotFoundError
from payroll.fair_work import WorkedTime, Worker
from payroll.family import blocking_finding, pay_decision
from payroll.family_service import approvals_of
from payroll.hmrc_summary import allowance_for_run
from payroll.holiday import HolidayScheme
from payroll.pa_details import Details, changes_of, details_on
from payroll.payslip import Payslip, PayslipRequest, calculate_payslip
from payroll.pension import Arrangement
from payroll.periods import PayFrequency, tax_year_start
from payroll.rates import payslip_rates, series
from payroll.rti import FREQUENCY_CODES, hours_band, ni_buckets, period_number_item
from payroll.sick_pay_service import absences_up_to, sick_pay_for_period
from payroll.tables import (
    PayrollEmployerRow,
    PayRunHoursRow,
    PayRunRow,
    PayslipRow,
    PersonalAssistantRow,
    TimesheetEntryRow,
)
from payroll.tax_codes import parse_tax_code

GROSS_WAGES = AccountCode("expenses:pa_wages:gross")
EMPLOYER_NI = AccountCode("expenses:pa_wages:employer_ni")
EMPLOYER_PENSION = AccountCode("expenses:pa_wages:employer_pension")
NET_WAGES_DUE = AccountCode("liabilities:wages:net_due")
HMRC_DUE = AccountCode("liabilities:hmrc:paye_ni")
PENSION_DUE = AccountCode("liabilities:pension:due")


@dataclass(frozen=True, slots=True)
class PayRun:
    run: PayRunRow
    payslips: tuple[PayslipRow, ...]

    @property
    def findings(self) -> list[dict[str, object]]:
        return [finding for slip in self.payslips for finding in slip.findings]

    def total(self, field: str) -> int:
        return sum(getattr(slip, field) for slip in self.payslips)


async def _previous_to_date(
    session: AsyncSession, pa_ids: list[uuid.UUID], year_start: date, paid_on: date
) -> dict[uuid.UUID, tuple[int, int]]:
    """Taxable pay and tax to date from each PA's last finalised payslip earlier in the tax year."""
    rows = await session.execute(
        select(PayslipRow.pa_id, PayslipRow.taxable_to_date_pence, PayslipRow.tax_to_date_pence)
        .join(PayRunRow, PayRunRow.id == PayslipRow.pay_run_id)
        .where(
            PayslipRow.pa_id.in_(pa_ids),
            PayRunRow.status == "finalised",
            PayRunRow.tax_year_start == year_start,
            PayRunRow.paid_on < paid_on,
        )
        .order_by(PayslipRow.pa_id, PayRunRow.paid_on.desc(), PayRunRow.version.desc())
        .ext(distinct_on(PayslipRow.pa_id))
    )
    return {pa_id: (taxable, tax) for pa_id, taxable, tax in rows}


def _row(
    run_id: uuid.UUID, pa: PersonalAssistantRow, details: Details, slip: Payslip, previous: tuple[int, int]
) -> PayslipRow:
    return PayslipRow(
        pay_run_id=run_id,
        pa_id=pa.id,
        tax_code=details.tax_code,
        ni_category=details.ni_category,
        gross_pence=slip.gross_pence,
        taxable_pence=slip.taxable_pence,
        tax_pence=slip.paye.tax_pence,
        employee_ni_pence=slip.ni.employee_pence,
        employer_ni_pence=slip.ni.employer_pence,
        employee_pension_pence=slip.pension.employee_pence,
        employer_pension_pence=slip.pension.employer_pence,
        net_pence=slip.net_pence,
        taxable_to_date_pence=slip.paye.taxable_pay_to_date_pence,
        tax_to_date_pence=previous[1] + slip.paye.tax_pence,
        holiday_hours_accrued=slip.holiday_hours_accrued,
        holiday_hours_taken=slip.holiday_hours_taken,
        lines=[
            {
                "label": line.label,
                "hours": str(line.hours) if line.hours is not None else None,
                "hourly_rate_pence": line.hourly_rate_pence,
                "amount_pence": line.amount_pence,
            }
            for line in slip.lines
        ],
        findings=[
            {
                "rule": f.rule,
                "first_on": f.first_on.isoformat(),
                "last_on": f.last_on.isoformat(),
                "hours": str(f.hours),
                "paid_rate_pence": f.paid_rate_pence,
                "minimum_pence": f.minimum_pence,
                "shortfall_per_hour_pence": f.shortfall_per_hour_pence,
                "arrears_pence": f.arrears_pence,
                "rate": f.rate_reference,
                "sentence": f.sentence(),
            }
            for f in slip.findings
        ],
        rates_used=list(slip.rates_used),
    )


def _period_words(run: PayRunRow) -> str:
    return (
        f"the pay run for {run.period_start.day} {run.period_start:%B} to {run.period_end.day} "
        f"{run.period_end:%B %Y}, finalised"
    )


async def _refuse_paid_hours(session: AsyncSession, entry_ids: list[uuid.UUID]) -> None:
    """Hours another finalised run paid are not drafted again, whatever the new run's period number."""
    if not entry_ids:
        return
    paid = await session.scalar(
        select(PayRunRow)
        .join(PayRunHoursRow, PayRunHoursRow.pay_run_id == PayRunRow.id)
        .where(PayRunHoursRow.finalised.is_(True), among(PayRunHoursRow.timesheet_entry_id, entry_ids))
        .limit(1)
    )
    if paid is not None:
        raise AlreadyPaidError(
            f"Some of these hours were paid by {_period_words(paid)}; a run cannot pay them again. "
            "To correct that run, reverse it first.",
            field="period_start",
        )


async def _mark_paid(session: AsyncSession, run: PayRunRow, *, check_timesheets: bool) -> None:
    """Fix which lines the run pays; the timesheets must be as they were when it was drafted, and the
    database refuses a line another finalised run paid (a second run finalised at the same moment)."""
    if check_timesheets:
        recorded = set(
            await session.scalars(select(PayRunHoursRow.timesheet_entry_id).where(PayRunHoursRow.pay_run_id == run.id))
        )
        current = set(
            await session.scalars(
                select(TimesheetEntryRow.id)
                .join(PayslipRow, PayslipRow.pa_id == TimesheetEntryRow.pa_id)
                .where(
                    PayslipRow.pay_run_id == run.id,
                    TimesheetEntryRow.worked_on >= run.period_start,
                    TimesheetEntryRow.worked_on <= run.period_end,
                )
            )
        )
        if recorded != current:
            raise PayRunError(
                "The timesheets changed after this run was drafted; draft it again to pay what they say now.",
                field="run_id",
            )
        await _refuse_paid_hours(session, list(recorded))  # names the run that paid them, as a rule
    try:
        await session.execute(update(PayRunHoursRow).where(PayRunHoursRow.pay_run_id == run.id).values(finalised=True))
    except IntegrityError:  # the transaction is spent: say what happened without asking the database again
        raise AlreadyPaidError(
            "Some of these hours were paid by another pay run finalised at the same moment; nothing was "
            "finalised. Open the pay runs to see which, and draft this period again if it still needs paying.",
            field="run_id",
        ) from None


async def draft_pay_run(
    session: AsyncSession,
    employer_account_id: uuid.UUID,
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
) -> PayRun:
    if period_end < period_start:
        raise PayRunError("The period ends before it starts.", field="period_end")
    year_start = tax_year_start(paid_on)
    runs = list(
        await session.scalars(
            select(PayRunRow)
            .where(
                PayRunRow.employer_account_id == employer_account_id,
                PayRunRow.frequency == frequency.value,
                PayRunRow.tax_year_start == year_start,
                PayRunRow.period_number == period_number,
            )
            .order_by(PayRunRow.version)
            .with_for_update()
        )
    )
    if runs and runs[-1].status == "finalised":
        paid = runs[-1]
        raise AlreadyPaidError(
            f"The period {paid.period_start.isoformat()} to {paid.period_end.isoformat()} is paid by a finalised run; "
            "to correct it, reverse that run first, then draft the period again.",
            field="period_number",
        )
    run = runs[-1] if runs and runs[-1].status == "draft" else None
    redrafted = run is not None
    if run is None:
        run = PayRunRow(
            employer_account_id=employer_account_id,
            frequency=frequency.value,
            tax_year_start=year_start,
            period_number=period_number,
            version=len(runs) + 1,
            period_start=period_start,
            period_end=period_end,
            paid_on=paid_on,
        )
        session.add(run)
    else:
        run.period_start, run.period_end, run.paid_on = period_start, period_end, paid_on
        await session.execute(delete(PayslipRow).where(PayslipRow.pay_run_id == run.id))
    await session.flush()
    pas = list(
        await session.scalars(
            select(PersonalAssistantRow)
            .where(
                PersonalAssistantRow.employer_account_id == employer_account_id,
                PersonalAssistantRow.pay_frequency == frequency.value,
                PersonalAssistantRow.started_on <= period_end,
                (PersonalAssistantRow.left_on.is_(None)) | (PersonalAssistantRow.left_on >= period_start),
            )
            .order_by(PersonalAssistantRow.full_name)
        )
    )
    pa_ids = [pa.id for pa in pas]
    timesheets: dict[uuid.UUID, list[TimesheetEntryRow]] = {}
    for entry in await session.scalars(
        select(TimesheetEntryRow)
        .where(
            TimesheetEntryRow.pa_id.in_(pa_ids),
            TimesheetEntryRow.worked_on >= period_start,
            TimesheetEntryRow.worked_on <= period_end,
        )
        .order_by(TimesheetEntryRow.worked_on)
    ):
        timesheets.setdefault(entry.pa_id, []).append(entry)
    await _refuse_paid_hours(session, [entry.id for entries in timesheets.values() for entry in entries])
    absences = await absences_up_to(session, pa_ids, period_end)
    to_date = await _previous_to_date(session, pa_ids, year_start, paid_on)
    history = await changes_of(session, pa_ids)
    approvals = await approvals_of(session, pa_ids)
    slips = []
    for pa in pas:
        entries = timesheets.get(pa.id, [])
        sick_pay = await sick_pay_for_period(session, pa, absences.get(pa.id, []), period_start, period_end)
        if not entries and not (sick_pay and sick_pay.amount_pence):
            continue
        if pa.date_of_birth is None:
            raise PayRunError(
                f"{pa.full_name} has no date of birth; it decides pension and minimum wage.", field="date_of_birth"
            )
        details = details_on(pa, history.get(pa.id, []), paid_on)  # the code HMRC had issued by payday
        code = parse_tax_code(details.tax_code, week1_month1=details.week1_month1)
        previous = to_date.get(pa.id, (0, 0))
        request = PayslipRequest(
            worker=Worker(
                pa.full_name,
                pa.date_of_birth,
                dp_funded=pa.dp_funded,
                apprenticeship_started_on=pa.apprenticeship_started_on,
            ),
            tax_code=code,
            ni_category=details.ni_category,
            frequency=frequency,
            period_number=period_number,
            period_start=period_start,
            paid_on=paid_on,
            entries=tuple(WorkedTime(e.worked_on, Decimal(e.hours), e.hourly_rate_pence, e.kind) for e in entries),
            previous_taxable_pay_pence=previous[0],
            previous_tax_pence=previous[1],
            pension_enrolled=pa.pension_enrolled,
            pension_arrangement=Arrangement(pa.pension_arrangement),
            holiday_scheme=HolidayScheme(pa.holiday_scheme),
            sick_pay=sick_pay,
        )
        slip = calculate_payslip(request, payslip_rates(paid_on, period_start, code.band_series))
        row = _row(run.id, pa, details, slip, previous)
        barred = blocking_finding(
            pa.full_name,
            pay_decision(pa.full_name, pa.relationship, approvals.get(pa.id, ()), paid_on, slip.gross_pence),
        )
        if barred is not None:
            row.findings = [*row.findings, barred]
        slips.append(row)
    if not slips:
        raise PayRunError("No PA on this payroll has hours in the period.", field="period_start")
    session.add_all(slips)
    await session.flush()
    paid_pas = {slip.pa_id for slip in slips}
    if redrafted:
        await session.execute(delete(PayRunHoursRow).where(PayRunHoursRow.pay_run_id == run.id))
    hours = [
        {"id": new_id(), "pay_run_id": run.id, "timesheet_entry_id": entry.id, "finalised": False}
        for pa_id, entries in timesheets.items()
        if pa_id in paid_pas
        for entry in entries
    ]
    if hours:
        await session.execute(insert(PayRunHoursRow), hours)
    return PayRun(run, tuple(slips))


async def get_pay_run(
    session: AsyncSession, employer_account_id: uuid.UUID, run_id: uuid.UUID, *, lock: bool = False
) -> PayRun:
    query = select(PayRunRow).where(PayRunRow.id == run_id)
    run = await session.scalar(query.with_for_update() if lock else query)
    if run is None or run.employer_account_id != employer_account_id:
        raise PayRunNotFoundError(f"There is no pay run {run_id} for this account.", field="pay_run_id")
    slips = await session.scalars(select(PayslipRow).where(PayslipRow.pay_run_id == run.id).order_by(PayslipRow.id))
    return PayRun(run, tuple(slips))


async def account_pay_runs(
    session: AsyncSession, employer_account_id: uuid.UUID, *, status: str | None = None, page: Keyset | None = None
) -> list[PayRun]:
    """The employer's pay runs (all, or those in one status) with their payslips, newest period first
    (a correction above what it corrects)."""
    query = select(PayRunRow).where(PayRunRow.employer_account_id == employer_account_id)
    if status is not None:
        query = query.where(PayRunRow.status == status)
    if page is None:
        query = query.order_by(PayRunRow.period_start.desc(), PayRunRow.version.desc())
    else:
        query = page.apply(query, PayRunRow.period_start, PayRunRow.version, PayRunRow.id, descending=True)
    runs = list(await session.scalars(query))
    slips: dict[uuid.UUID, list[PayslipRow]] = {run.id: [] for run in runs}
    if runs:
        for slip in await session.scalars(
            select(PayslipRow).where(PayslipRow.pay_run_id.in_(list(slips))).order_by(PayslipRow.id)
        ):
            slips[slip.pay_run_id].append(slip)
    return [PayRun(run, tuple(slips[run.id])) for run in runs]


def ledger_draft(pay_run: PayRun, allowance_pence: int = 0) -> JournalEntryDraft:
    """Wages and employer costs as expenses; net pay, HMRC and pension as what is owed. The Employment
    Allowance the run uses comes off both the employer NI it costs and what is owed to HMRC."""
    amounts = [
        (GROSS_WAGES, pay_run.total("gross_pence")),
        (EMPLOYER_NI, pay_run.total("employer_ni_pence") - allowance_pence),
        (EMPLOYER_PENSION, pay_run.total("employer_pension_pence")),
        (NET_WAGES_DUE, -pay_run.total("net_pence")),
        (
            HMRC_DUE,
            -(
                pay_run.total("tax_pence")
                + pay_run.total("employee_ni_pence")
                + pay_run.total("employer_ni_pence")
                - allowance_pence
            ),
        ),
        (PENSION_DUE, -(pay_run.total("employee_pension_pence") + pay_run.total("employer_pension_pence"))),
    ]
    run = pay_run.run
    return JournalEntryDraft(
        book_id=run.employer_account_id,
        occurred_on=run.paid_on,
        narration=f"Payroll {run.frequency.replace('_', '-')} period {run.period_number} "
        f"({run.period_start.isoformat()} to {run.period_end.isoformat()})",
        postings=tuple(Posting(account, Money(pence)) for account, pence in amounts if pence),
        idempotency_key=f"payrun:{run.id}:v{run.version}",
        source="payroll",
    )


async def finalise_pay_run(
    session: AsyncSession,
    employer_account_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    override_reason: str | None,
    finalised_at: datetime,
    drafted: PayRun | None = None,
) -> tuple[PayRun, PostedEntry, bool]:
    """Post the run to the ledger and fix it. Returns the run, its entry, and whether it was final already.

    ``drafted`` is the run as ``draft_pay_run`` returned it earlier in the same transaction (which
    holds its lock), sparing the reload; a bureau run drafts and finalises thousands in a row."""
    if drafted is not None and drafted.run.id == run_id and drafted.run.employer_account_id == employer_account_id:
        pay_run = drafted
    else:
        pay_run = await get_pay_run(session, employer_account_id, run_id, lock=True)
    run = pay_run.run
    if run.status == "finalised" and run.ledger_entry_id is not None:
        return pay_run, await get_entry(session, employer_account_id, run.ledger_entry_id), True
    allowance = await allowance_for_run(
        session, employer_account_id, run.id, run.paid_on, pay_run.total("employer_ni_pence")
    )
    draft = ledger_draft(pay_run, allowance)
    barred = [finding for finding in pay_run.findings if finding.get("blocking")]
    if barred:
        sentences = " ".join(str(finding["sentence"]) for finding in barred)
        raise PayRunHasFindingsError(
            f"{sentences} No reason given here sets this aside: record the council's agreement, or pay from "
            "money that is not the Direct Payment.",
            field="payslips",
        )
    if pay_run.findings and not (override_reason or "").strip():
        sentences = "; ".join(str(finding["sentence"]) for finding in pay_run.findings)
        raise PayRunHasFindingsError(
            f"Pay below the legal floors: {sentences}. Correct the pay, or give the reason for finalising anyway.",
            field="override_reason",
        )
    # a run drafted earlier in this same transaction (a bureau's batch) cannot have gone stale meanwhile
    await _mark_paid(session, run, check_timesheets=drafted is None or drafted.run.id != run.id)
    try:
        posted = await post_entry(session, draft)
    except LedgerError as error:
        raise PayRunError(f"The ledger refused the pay run: {error.detail}", field="ledger") from None
    run.status, run.ledger_entry_id, run.finalised_at = "finalised", posted.entry.id, finalised_at
    run.override_reason = override_reason if pay_run.findings else None
    session.add(run)
    await session.flush()
    return pay_run, posted, False


async def reverse_pay_run(
    session: AsyncSession, employer_account_id: uuid.UUID, run_id: uuid.UUID, *, reason: str
) -> tuple[PayRun, PostedEntry]:
    """Undo a finalised run to correct it: its entry is reversed in the ledger (never edited) and its
    hours become unpaid again, so the timesheets can be put right and the period drafted again as a
    new version. The two entries and the new run's together are the difference."""
    if not reason.strip():
        raise PayRunError("Say why the run is corrected: the person and the council read it.", field="reason")
    pay_run = await get_pay_run(session, employer_account_id, run_id, lock=True)
    run = pay_run.run
    if run.status != "finalised" or run.ledger_entry_id is None:
        raise PayRunError("Only a finalised pay run is reversed; a draft is simply drafted again.", field="run_id")
    reversal = await reverse_entry(
        session,
        employer_account_id,
        run.ledger_entry_id,
        occurred_on=None,
        idempotency_key=f"payrun:{run.id}:v{run.version}:reversal",
        reason=reason.strip(),
    )
    run.status, run.reversal_entry_id, run.reversal_reason = "reversed", reversal.entry.id, reason.strip()
    await session.execute(update(PayRunHoursRow).where(PayRunHoursRow.pay_run_id == run.id).values(finalised=False))
    session.add(run)
    await session.flush()
    return pay_run, reversal


async def fps_record(session: AsyncSession, employer_account_id: uuid.UUID, run_id: uuid.UUID) -> dict[str, object]:
    """The items of a Full Payment Submission for a finalised run, with year-to-date figures."""
    pay_run = await get_pay_run(session, employer_account_id, run_id)
    run = pay_run.run
    if run.status != "finalised":
        raise PayRunError("Finalise the pay run first: an FPS reports what was paid.", field="pay_run_id")
    frequency = PayFrequency(run.frequency)
    employer = await session.get(PayrollEmployerRow, employer_account_id)
    missing = [] if employer else ["employer PAYE reference", "Accounts Office reference"]
    employees = []
    for slip in pay_run.payslips:
        pa = await session.get(PersonalAssistantRow, slip.pa_id)
        year = (
            await session.execute(
                select(
                    PayslipRow.gross_pence,
                    PayslipRow.employee_ni_pence,
                    PayslipRow.employer_ni_pence,
                    PayRunRow.paid_on,
                    PayRunRow.frequency,
                )
                .join(PayRunRow, PayRunRow.id == PayslipRow.pay_run_id)
                .where(
                    PayslipRow.pa_id == slip.pa_id,
                    PayRunRow.status == "finalised",
                    PayRunRow.tax_year_start == run.tax_year_start,
                    PayRunRow.paid_on <= run.paid_on,
                )
            )
        ).all()
        buckets = [
            ni_buckets(gross, PayFrequency(freq), series("hmrc.ni.class1.thresholds").at(payment_date=paid))
            for gross, _, _, paid, freq in year
        ]
        hours = sum((Decimal(line["hours"]) for line in slip.lines if line["hours"]), Decimal(0))
        if not pa.ni_number:  # type: ignore[union-attr]
            missing.append(f"NI number of {pa.full_name}")  # type: ignore[union-attr]
        employees.append(
            {
                "payroll_id": str(slip.pa_id),
                "name": pa.full_name,  # type: ignore[union-attr]
                "nino": pa.ni_number,  # type: ignore[union-attr]
                "birth_date": pa.date_of_birth.isoformat() if pa.date_of_birth else None,  # type: ignore[union-attr]
                "start_date": pa.started_on.isoformat(),  # type: ignore[union-attr]
                "leaving_date": pa.left_on.isoformat() if pa.left_on else None,  # type: ignore[union-attr]
                "payment": {
                    "PayFreq": FREQUENCY_CODES[frequency],
                    "PmtDate": run.paid_on.isoformat(),
                    **period_number_item(frequency, run.paid_on),
                    "PeriodsCovered": 1,
                    "HoursWorked": hours_band(hours, frequency),
                    "TaxCode": slip.tax_code,
                    "TaxablePay_pence": slip.taxable_pence,
                    "TaxDeductedOrRefunded_pence": slip.tax_pence,
                    "TaxablePayYTD_pence": slip.taxable_to_date_pence,
                    "TotalTaxYTD_pence": slip.tax_to_date_pence,
                    "EmployeePensionContributions_pence": slip.employee_pension_pence,
                },
                "ni": {
                    "NIletter": slip.ni_category,
                    "GrossEarningsForNICsInPd_pence": slip.gross_pence,
                    "GrossEarningsForNICsYTD_pence": sum(row[0] for row in year),
                    "AtLELYTD_pence": sum(b[0] for b in buckets),
                    "LELtoPTYTD_pence": sum(b[1] for b in buckets),
                    "PTtoUELYTD_pence": sum(b[2] for b in buckets),
                    "TotalEmpNICInPd_pence": slip.employee_ni_pence + slip.employer_ni_pence,
                    "TotalEmpNICYTD_pence": sum(row[1] + row[2] for row in year),
                    "EmpeeContribnsInPd_pence": slip.employee_ni_pence,
                    "EmpeeContribnsYTD_pence": sum(row[1] for row in year),
                },
            }
        )
    missing += ["gender and address of each new starter"]
    return {
        "pay_run_id": str(run.id),
        "payment_date": run.paid_on.isoformat(),
        "employer": {
            "EmpRefs_OfficeNo_and_Ref": employer.paye_reference if employer else None,
            "AORef": employer.accounts_office_reference if employer else None,
        },
        "employees": employees,
        "not_held_by_the_platform": missing,
    }


@dataclass(frozen=True, slots=True)
class TimesheetLine:
    entry: TimesheetEntryRow
    paid: bool
    """A finalised pay run covers the day, so the line is fixed."""


async def timesheet_lines(
    session: AsyncSession, pa: PersonalAssistantRow, *, page: Keyset | None = None
) -> list[TimesheetLine]:
    """Newest day first."""
    paid_periods = (
        await session.execute(
            select(PayRunRow.period_start, PayRunRow.period_end).where(
                PayRunRow.employer_account_id == pa.employer_account_id, PayRunRow.status == "finalised"
            )
        )
    ).all()
    query = (
        select(TimesheetEntryRow)
        .where(TimesheetEntryRow.pa_id == pa.id)
        .order_by(TimesheetEntryRow.worked_on.desc(), TimesheetEntryRow.created_at.desc())
    )
    if page is not None:
        key = (TimesheetEntryRow.worked_on, TimesheetEntryRow.created_at, TimesheetEntryRow.id)
        query = page.apply(query, *key, descending=True)
    entries = await session.scalars(query)
    return [
        TimesheetLine(entry, any(start <= entry.worked_on <= end for start, end in paid_periods)) for entry in entries
    ]


async def finalised_run_covering(session: AsyncSession, employer_account_id: uuid.UUID, day: date) -> PayRunRow | None:
    """The finalised pay run whose period holds ``day``: its hours are paid and can no longer change."""
    return await session.scalar(
        select(PayRunRow)
        .where(
            PayRunRow.employer_account_id == employer_account_id,
            PayRunRow.status == "finalised",
            PayRunRow.period_start <= day,
            PayRunRow.period_end >= day,
        )
        .limit(1)
    )


async def remove_timesheet_entry(
    session: AsyncSession, pa: PersonalAssistantRow, entry_id: uuid.UUID
) -> TimesheetEntryRow:
    """Take a wrong line off a timesheet before it is paid; once paid, a correction is a new run's business."""
    entry = await session.get(TimesheetEntryRow, entry_id)
    if entry is None or entry.pa_id != pa.id:
        raise PayRunNotFoundError(f"{pa.full_name}'s timesheet has no such line.", field="entry_id")
    paid = await finalised_run_covering(session, pa.employer_account_id, entry.worked_on)
    if paid is not None:
        raise AlreadyPaidError(
            f"The hours of {entry.worked_on.day} {entry.worked_on:%B %Y} were paid in the pay run finalised for "
            f"{paid.period_start.day} {paid.period_start:%B} to {paid.period_end.day} {paid.period_end:%B %Y}; "
            "they can no longer be changed.",
            field="entry_id",
        )
    await session.delete(entry)
    await session.flush()
    return entry


async def payroll_states(
    session: AsyncSession, employer_account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[date | None, int, int]]:
    """For many employers at once (a bureau's client list): the end of the last period paid, the draft
    runs waiting, and the fair-work findings on them."""
    paid = dict(
        (
            await session.execute(
                select(PayRunRow.employer_account_id, func.max(PayRunRow.period_end))
                .where(PayRunRow.employer_account_id.in_(employer_account_ids), PayRunRow.status == "finalised")
                .group_by(PayRunRow.employer_account_id)
            )
        ).all()
    )
    drafts = {
        account_id: (int(runs), int(findings or 0))
        for account_id, runs, findings in (
            await session.execute(
                select(
                    PayRunRow.employer_account_id,
                    func.count(func.distinct(PayRunRow.id)),
                    func.sum(func.jsonb_array_length(PayslipRow.findings)),
                )
                .outerjoin(PayslipRow, PayslipRow.pay_run_id == PayRunRow.id)
                .where(PayRunRow.employer_account_id.in_(employer_account_ids), PayRunRow.status == "draft")
                .group_by(PayRunRow.employer_account_id)
            )
        ).all()
    }
    return {account_id: (paid.get(account_id), *drafts.get(account_id, (0, 0))) for account_id in employer_account_ids}
