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

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers import LedgerError
from ledgers.accounts import AccountCode
from ledgers.columns import among
from ledgers.constraints import unique_violated
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import DomainError
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.service import PostedEntry, get_entry, post_entries, reverse_entry
from payroll.drafting import PAID_ONCE, PayRun, draft_pay_runs, paid_by, paid_hours_error, paid_meanwhile
from payroll.errors import AlreadyPaidError, PayRunError, PayRunHasFindingsError, PayRunNotFoundError
from payroll.hmrc_summary import RunToBook, allowances_for_runs
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.rti import (
    FREQUENCY_CODES,
    FpsEmployee,
    FpsEmployer,
    FpsNi,
    FpsPayment,
    FpsRecord,
    hours_band,
    ni_buckets,
    period_number_item,
)
from payroll.statuses import PayRunStatus
from payroll.tables import (
    PayrollEmployerRow,
    PayRunHoursRow,
    PayRunRow,
    PayslipRow,
    PersonalAssistantRow,
    TimesheetEntryRow,
)

GROSS_WAGES = AccountCode("expenses:pa_wages:gross")
EMPLOYER_NI = AccountCode("expenses:pa_wages:employer_ni")
EMPLOYER_PENSION = AccountCode("expenses:pa_wages:employer_pension")
NET_WAGES_DUE = AccountCode("liabilities:wages:net_due")
HMRC_DUE = AccountCode("liabilities:hmrc:paye_ni")
PENSION_DUE = AccountCode("liabilities:pension:due")


async def _refuse_paid_hours(session: AsyncSession, entry_ids: list[uuid.UUID]) -> None:
    paid = await paid_by(session, entry_ids)
    if paid:
        raise paid_hours_error(next(iter(paid.values())))


async def _check_timesheets(session: AsyncSession, run: PayRunRow) -> None:
    """The timesheets must be as they were when the run was drafted."""
    recorded = set(
        await session.scalars(
            select(col(PayRunHoursRow.timesheet_entry_id)).where(col(PayRunHoursRow.pay_run_id) == run.id)
        )
    )
    current = set(
        await session.scalars(
            select(col(TimesheetEntryRow.id))
            .join(PayslipRow, col(PayslipRow.pa_id) == col(TimesheetEntryRow.pa_id))
            .where(
                col(PayslipRow.pay_run_id) == run.id,
                col(TimesheetEntryRow.worked_on) >= run.period_start,
                col(TimesheetEntryRow.worked_on) <= run.period_end,
            )
        )
    )
    if recorded != current:
        raise PayRunError(
            "The timesheets changed after this run was drafted; draft it again to pay what they say now.",
            field="run_id",
        )
    await _refuse_paid_hours(session, list(recorded))  # names the run that paid them, as a rule


async def _mark_paid(session: AsyncSession, run_ids: list[uuid.UUID]) -> None:
    """Fix which lines the runs pay; the database refuses a line another finalised run paid (a second run
    finalised at the same moment)."""
    try:
        await session.execute(
            update(PayRunHoursRow)
            .where(among(col(PayRunHoursRow.pay_run_id), run_ids))
            .values(finalised=True)
            .execution_options(synchronize_session=False)  # no hours row is held in the session
        )
    except IntegrityError as error:  # the transaction is spent: say what happened without asking the database again
        if unique_violated(error) != PAID_ONCE:
            raise
        raise paid_meanwhile() from None


async def draft_pay_run(
    session: AsyncSession,
    account_id: uuid.UUID,
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
) -> PayRun:
    drafted = await draft_pay_runs(
        session,
        [account_id],
        frequency=frequency,
        period_number=period_number,
        period_start=period_start,
        period_end=period_end,
        paid_on=paid_on,
    )
    outcome = drafted[account_id]
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def get_pay_run(session: AsyncSession, account_id: uuid.UUID, run_id: uuid.UUID, *, lock: bool = False) -> PayRun:
    query = select(PayRunRow).where(col(PayRunRow.id) == run_id)
    run = await session.scalar(query.with_for_update() if lock else query)
    if run is None or run.account_id != account_id:
        raise PayRunNotFoundError(f"There is no pay run {run_id} for this account.", field="pay_run_id")
    slips = await session.scalars(
        select(PayslipRow).where(col(PayslipRow.pay_run_id) == run.id).order_by(col(PayslipRow.id))
    )
    return PayRun(run, tuple(slips))


async def account_pay_runs(
    session: AsyncSession, account_id: uuid.UUID, *, status: str | None = None, page: Keyset | None = None
) -> list[PayRun]:
    """The employer's pay runs (all, or those in one status) with their payslips, newest period first
    (a correction above what it corrects)."""
    query = select(PayRunRow).where(col(PayRunRow.account_id) == account_id)
    if status is not None:
        query = query.where(col(PayRunRow.status) == status)
    if page is None:
        query = query.order_by(col(PayRunRow.period_start).desc(), col(PayRunRow.version).desc())
    else:
        query = page.apply(
            query, col(PayRunRow.period_start), col(PayRunRow.version), col(PayRunRow.id), descending=True
        )
    runs = list(await session.scalars(query))
    slips: dict[uuid.UUID, list[PayslipRow]] = {run.id: [] for run in runs}
    if runs:
        for slip in await session.scalars(
            select(PayslipRow).where(col(PayslipRow.pay_run_id).in_(list(slips))).order_by(col(PayslipRow.id))
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
        book_id=run.account_id,
        occurred_on=run.paid_on,
        narration=f"Payroll {run.frequency.replace('_', '-')} period {run.period_number} "
        f"({run.period_start.isoformat()} to {run.period_end.isoformat()})",
        postings=tuple(Posting(account, Money(pence)) for account, pence in amounts if pence),
        idempotency_key=f"payrun:{run.id}:v{run.version}",
        source="payroll",
    )


def _refuse_findings(pay_run: PayRun, override_reason: str | None) -> None:
    barred = [finding for finding in pay_run.findings if finding.blocking]
    if barred:
        sentences = " ".join(finding.sentence for finding in barred)
        raise PayRunHasFindingsError(
            f"{sentences} No reason given here sets this aside: record the council's agreement, or pay from "
            "money that is not the Direct Payment.",
            field="payslips",
        )
    if pay_run.findings and not (override_reason or "").strip():
        sentences = "; ".join(finding.sentence for finding in pay_run.findings)
        raise PayRunHasFindingsError(
            f"Pay below the legal floors: {sentences}. Correct the pay, or give the reason for finalising anyway.",
            field="override_reason",
        )


async def finalise_pay_run(
    session: AsyncSession,
    account_id: uuid.UUID,
    run_id: uuid.UUID,
    *,
    override_reason: str | None,
    finalised_at: datetime,
    drafted: PayRun | None = None,
) -> tuple[PayRun, PostedEntry, bool]:
    """Post the run to the ledger and fix it. Returns the run, its entry, and whether it was final already.

    ``drafted`` is the run as ``draft_pay_run`` returned it earlier in the same transaction (which
    holds its lock), sparing the reload."""
    if drafted is not None and drafted.run.id == run_id and drafted.run.account_id == account_id:
        pay_run = drafted
    else:
        pay_run = await get_pay_run(session, account_id, run_id, lock=True)
    run = pay_run.run
    if run.status == PayRunStatus.FINALISED and run.ledger_entry_id is not None:
        return pay_run, await get_entry(session, account_id, run.ledger_entry_id), True
    _refuse_findings(pay_run, override_reason)
    if pay_run is not drafted:  # a run drafted earlier in this same transaction cannot have gone stale meanwhile
        await _check_timesheets(session, run)
    [posted] = await _finalise(session, [pay_run], override_reason=override_reason, finalised_at=finalised_at)
    return pay_run, posted, False


async def draft_and_finalise_pay_runs(
    session: AsyncSession,
    account_ids: list[uuid.UUID],
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
    finalised_at: datetime,
) -> dict[uuid.UUID, tuple[PayRun, PostedEntry | None] | DomainError]:
    """A bureau's batch: each employer's run drafted and, when it has no findings, finalised at once (a run
    with findings stays a draft for a person), in a fixed number of statements whatever the number of
    employers: their allowances, their ledger entries, their hours written once, as paid."""
    drafted = await draft_pay_runs(
        session,
        account_ids,
        frequency=frequency,
        period_number=period_number,
        period_start=period_start,
        period_end=period_end,
        paid_on=paid_on,
        paying_clean_runs=True,
    )
    clean = [run for run in drafted.values() if isinstance(run, PayRun) and not run.findings]
    posted = dict(
        zip(
            [run.run.id for run in clean],
            await _finalise(session, clean, override_reason=None, finalised_at=finalised_at, hours_paid=True),
            strict=True,
        )
    )
    return {
        employer: run if isinstance(run, DomainError) else (run, posted.get(run.run.id))
        for employer, run in drafted.items()
    }


async def _finalise(
    session: AsyncSession,
    pay_runs: list[PayRun],
    *,
    override_reason: str | None,
    finalised_at: datetime,
    hours_paid: bool = False,
) -> list[PostedEntry]:
    """``hours_paid``: the runs' hours were written as paid when they were drafted, in this transaction."""
    if not pay_runs:
        return []
    allowances = await allowances_for_runs(
        session,
        [
            RunToBook(run.run.account_id, run.run.id, run.run.paid_on, run.total("employer_ni_pence"))
            for run in pay_runs
        ],
    )
    if not hours_paid:
        await _mark_paid(session, [run.run.id for run in pay_runs])
    try:
        posted = await post_entries(session, [ledger_draft(run, allowances[run.run.id]) for run in pay_runs])
    except LedgerError as error:
        raise PayRunError(f"The ledger refused the pay run: {error.detail}", field="ledger") from None
    for pay_run, entry in zip(pay_runs, posted, strict=True):
        run = pay_run.run
        run.status, run.ledger_entry_id, run.finalised_at = PayRunStatus.FINALISED, entry.entry.id, finalised_at
        run.override_reason = override_reason if pay_run.findings else None
    session.add_all([run.run for run in pay_runs])
    await session.flush()
    return posted


async def reverse_pay_run(
    session: AsyncSession, account_id: uuid.UUID, run_id: uuid.UUID, *, reason: str
) -> tuple[PayRun, PostedEntry]:
    """Undo a finalised run to correct it: its entry is reversed in the ledger (never edited) and its
    hours become unpaid again, so the timesheets can be put right and the period drafted again as a
    new version. The two entries and the new run's together are the difference."""
    if not reason.strip():
        raise PayRunError("Say why the run is corrected: the person and the council read it.", field="reason")
    pay_run = await get_pay_run(session, account_id, run_id, lock=True)
    run = pay_run.run
    if run.status != PayRunStatus.FINALISED or run.ledger_entry_id is None:
        raise PayRunError("Only a finalised pay run is reversed; a draft is simply drafted again.", field="run_id")
    reversal = await reverse_entry(
        session,
        account_id,
        run.ledger_entry_id,
        occurred_on=None,
        idempotency_key=f"payrun:{run.id}:v{run.version}:reversal",
        reason=reason.strip(),
    )
    run.status, run.reversal_entry_id, run.reversal_reason = PayRunStatus.REVERSED, reversal.entry.id, reason.strip()
    await session.execute(
        update(PayRunHoursRow).where(col(PayRunHoursRow.pay_run_id) == run.id).values(finalised=False)
    )
    session.add(run)
    await session.flush()
    return pay_run, reversal


async def fps_record(session: AsyncSession, account_id: uuid.UUID, run_id: uuid.UUID) -> FpsRecord:
    """The items of a Full Payment Submission for a finalised run, with year-to-date figures."""
    pay_run = await get_pay_run(session, account_id, run_id)
    run = pay_run.run
    if run.status != PayRunStatus.FINALISED:
        raise PayRunError("Finalise the pay run first: an FPS reports what was paid.", field="pay_run_id")
    frequency = PayFrequency(run.frequency)
    employer = await session.get(PayrollEmployerRow, account_id)
    missing = [] if employer else ["employer PAYE reference", "Accounts Office reference"]
    employees = []
    for slip in pay_run.payslips:
        pa = await session.get(PersonalAssistantRow, slip.pa_id)
        assert pa is not None, "a payslip's PA is kept (foreign key)"
        year = (
            await session.execute(
                select(
                    col(PayslipRow.gross_pence),
                    col(PayslipRow.employee_ni_pence),
                    col(PayslipRow.employer_ni_pence),
                    col(PayRunRow.paid_on),
                    col(PayRunRow.frequency),
                )
                .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
                .where(
                    col(PayslipRow.pa_id) == slip.pa_id,
                    col(PayRunRow.status) == PayRunStatus.FINALISED,
                    col(PayRunRow.tax_year_start) == run.tax_year_start,
                    col(PayRunRow.paid_on) <= run.paid_on,
                )
            )
        ).all()
        buckets = [
            ni_buckets(gross, PayFrequency(freq), series("hmrc.ni.class1.thresholds").at(payment_date=paid))
            for gross, _, _, paid, freq in year
        ]
        hours = sum((line.hours for line in slip.slip_lines if line.hours), Decimal(0))
        if not pa.ni_number:
            missing.append(f"NI number of {pa.full_name}")
        period = period_number_item(frequency, run.paid_on)
        employees.append(
            FpsEmployee(
                payroll_id=slip.pa_id,
                name=pa.full_name,
                nino=pa.ni_number,
                birth_date=pa.date_of_birth,
                start_date=pa.started_on,
                leaving_date=pa.left_on,
                payment=FpsPayment(
                    PayFreq=FREQUENCY_CODES[frequency],
                    PmtDate=run.paid_on,
                    WeekNo=period.get("WeekNo"),
                    MonthNo=period.get("MonthNo"),
                    PeriodsCovered=1,
                    HoursWorked=hours_band(hours, frequency),
                    TaxCode=slip.tax_code,
                    TaxablePay_pence=slip.taxable_pence,
                    TaxDeductedOrRefunded_pence=slip.tax_pence,
                    TaxablePayYTD_pence=slip.taxable_to_date_pence,
                    TotalTaxYTD_pence=slip.tax_to_date_pence,
                    EmployeePensionContributions_pence=slip.employee_pension_pence,
                ),
                ni=FpsNi(
                    NIletter=slip.ni_category,
                    GrossEarningsForNICsInPd_pence=slip.gross_pence,
                    GrossEarningsForNICsYTD_pence=sum(row[0] for row in year),
                    AtLELYTD_pence=sum(b[0] for b in buckets),
                    LELtoPTYTD_pence=sum(b[1] for b in buckets),
                    PTtoUELYTD_pence=sum(b[2] for b in buckets),
                    TotalEmpNICInPd_pence=slip.employee_ni_pence + slip.employer_ni_pence,
                    TotalEmpNICYTD_pence=sum(row[1] + row[2] for row in year),
                    EmpeeContribnsInPd_pence=slip.employee_ni_pence,
                    EmpeeContribnsYTD_pence=sum(row[1] for row in year),
                ),
            )
        )
    missing += ["gender and address of each new starter"]
    return FpsRecord(
        pay_run_id=run.id,
        payment_date=run.paid_on,
        employer=FpsEmployer(
            EmpRefs_OfficeNo_and_Ref=employer.paye_reference if employer else None,
            AORef=employer.accounts_office_reference if employer else None,
        ),
        employees=tuple(employees),
        not_held_by_the_platform=tuple(missing),
    )


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
            select(col(PayRunRow.period_start), col(PayRunRow.period_end)).where(
                col(PayRunRow.account_id) == pa.account_id, col(PayRunRow.status) == PayRunStatus.FINALISED
            )
        )
    ).all()
    query = (
        select(TimesheetEntryRow)
        .where(col(TimesheetEntryRow.pa_id) == pa.id)
        .order_by(col(TimesheetEntryRow.worked_on).desc(), col(TimesheetEntryRow.created_at).desc())
    )
    if page is not None:
        key = (col(TimesheetEntryRow.worked_on), col(TimesheetEntryRow.created_at), col(TimesheetEntryRow.id))
        query = page.apply(query, *key, descending=True)
    entries = await session.scalars(query)
    return [
        TimesheetLine(entry, any(start <= entry.worked_on <= end for start, end in paid_periods)) for entry in entries
    ]


async def finalised_run_covering(session: AsyncSession, account_id: uuid.UUID, day: date) -> PayRunRow | None:
    """The finalised pay run whose period holds ``day``: its hours are paid and can no longer change."""
    return await session.scalar(
        select(PayRunRow)
        .where(
            col(PayRunRow.account_id) == account_id,
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.period_start) <= day,
            col(PayRunRow.period_end) >= day,
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
    paid = await finalised_run_covering(session, pa.account_id, entry.worked_on)
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
    session: AsyncSession, account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[date | None, int, int]]:
    """For many employers at once (a bureau's client list): the end of the last period paid, the draft
    runs waiting, and the fair-work findings on them."""
    paid = dict(
        (
            await session.execute(
                select(col(PayRunRow.account_id), func.max(col(PayRunRow.period_end)))
                .where(col(PayRunRow.account_id).in_(account_ids), col(PayRunRow.status) == PayRunStatus.FINALISED)
                .group_by(col(PayRunRow.account_id))
            )
        ).all()
    )
    drafts = {
        account_id: (int(runs), int(findings or 0))
        for account_id, runs, findings in (
            await session.execute(
                select(
                    col(PayRunRow.account_id),
                    func.count(func.distinct(col(PayRunRow.id))),
                    func.sum(func.jsonb_array_length(col(PayslipRow.findings))),
                )
                .outerjoin(PayslipRow, col(PayslipRow.pay_run_id) == col(PayRunRow.id))
                .where(col(PayRunRow.account_id).in_(account_ids), col(PayRunRow.status) == PayRunStatus.DRAFT)
                .group_by(col(PayRunRow.account_id))
            )
        ).all()
    }
    return {account_id: (paid.get(account_id), *drafts.get(account_id, (0, 0))) for account_id in account_ids}
