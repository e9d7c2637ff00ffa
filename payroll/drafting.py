"""Drafting pay runs from timesheets, for one employer or hundreds at once.

A bureau drafts a period for every employer it runs payroll for. Reading each employer's PAs,
hours, absences, year to date, detail history and family agreements one employer at a time
costs a dozen round trips an employer; here each is one query for all of them, the payslips are
calculated in memory, and the runs, payslips and paid hours are written in one statement each.
A problem with one employer (a PA without a date of birth, hours another run paid) is that
employer's outcome and the others go ahead. Functions take the caller's session and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by, distinct_on
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among, insert_by_columns, utc_now
from ledgers.constraints import unique_violated
from ledgers.errors import DomainError
from ledgers.ids import new_id
from payroll.errors import AlreadyPaidError, PayRunError
from payroll.fair_work import WorkedTime, Worker
from payroll.family import blocking_finding, pay_decision
from payroll.family_service import approvals_of
from payroll.holiday import HolidayScheme
from payroll.pa_details import Details, changes_of, details_on
from payroll.payslip import Payslip, PayslipRequest, calculate_payslip
from payroll.payslip_record import SlipFinding, SlipLine
from payroll.pension import Arrangement
from payroll.periods import PayFrequency, tax_year_start
from payroll.rates import payslip_rates
from payroll.sick_pay_service import absences_up_to, sick_pay_for_period
from payroll.statuses import PayRunStatus
from payroll.tables import PayRunHoursRow, PayRunRow, PayslipRow, PersonalAssistantRow, TimesheetEntryRow
from payroll.tax_codes import parse_tax_code


@dataclass(frozen=True, slots=True)
class PayRun:
    run: PayRunRow
    payslips: tuple[PayslipRow, ...]

    @property
    def findings(self) -> list[SlipFinding]:
        return [finding for slip in self.payslips for finding in slip.slip_findings]

    def total(self, field: str) -> int:
        return sum(getattr(slip, field) for slip in self.payslips)


async def _previous_to_date(
    session: AsyncSession, pa_ids: list[uuid.UUID], year_start: date, paid_on: date
) -> dict[uuid.UUID, tuple[int, int]]:
    """Taxable pay and tax to date from each PA's last finalised payslip earlier in the tax year."""
    rows = await session.execute(
        select(col(PayslipRow.pa_id), col(PayslipRow.taxable_to_date_pence), col(PayslipRow.tax_to_date_pence))
        .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
        .where(
            among(col(PayslipRow.pa_id), pa_ids),
            col(PayRunRow.status) == PayRunStatus.FINALISED,
            col(PayRunRow.tax_year_start) == year_start,
            col(PayRunRow.paid_on) < paid_on,
        )
        .order_by(col(PayslipRow.pa_id), col(PayRunRow.paid_on).desc(), col(PayRunRow.version).desc())
        .ext(distinct_on(col(PayslipRow.pa_id)))
    )
    return {pa_id: (taxable, tax) for pa_id, taxable, tax in rows}


def _row(
    run_id: uuid.UUID, pa: PersonalAssistantRow, details: Details, slip: Payslip, previous: tuple[int, int]
) -> PayslipRow:
    return PayslipRow(
        id=new_id(),  # given: a default made per row costs more than the row
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
        lines=[SlipLine.of(line).as_json() for line in slip.lines],
        findings=[SlipFinding.of(finding).as_json() for finding in slip.findings],
        rates_used=list(slip.rates_used),
    )


def period_words(run: PayRunRow) -> str:
    return (
        f"the pay run for {run.period_start.day} {run.period_start:%B} to {run.period_end.day} "
        f"{run.period_end:%B %Y}, finalised"
    )


async def paid_by(session: AsyncSession, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, PayRunRow]:
    """The finalised run that paid each of these timesheet lines, for those one paid."""
    if not entry_ids:
        return {}
    rows = await session.execute(
        select(col(PayRunHoursRow.timesheet_entry_id), PayRunRow)
        .join(PayRunRow, col(PayRunRow.id) == col(PayRunHoursRow.pay_run_id))
        .where(col(PayRunHoursRow.finalised).is_(True), among(col(PayRunHoursRow.timesheet_entry_id), entry_ids))
    )
    return {entry_id: run for entry_id, run in rows}


PAID_ONCE = "uq_payroll_pay_run_hours_paid_once"
"""The unique index that lets a timesheet line be paid by one finalised run only."""


def paid_meanwhile() -> AlreadyPaidError:
    """The database refused to mark a line paid that another run, finalised at the same moment, paid:
    the transaction is spent, so this says what happened without asking the database again."""
    return AlreadyPaidError(
        "Some of these hours were paid by another pay run finalised at the same moment; nothing was "
        "finalised. Open the pay runs to see which, and draft this period again if it still needs paying.",
        field="run_id",
    )


def paid_hours_error(run: PayRunRow) -> AlreadyPaidError:
    """Hours another finalised run paid are not drafted again, whatever the new run's period number."""
    return AlreadyPaidError(
        f"Some of these hours were paid by {period_words(run)}; a run cannot pay them again. "
        "To correct that run, reverse it first.",
        field="period_start",
    )


class Line(NamedTuple):
    id: uuid.UUID
    worked_on: date
    hours: Decimal
    hourly_rate_pence: int
    kind: str


async def _lines_in(
    session: AsyncSession, pa_ids: list[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, list[Line]]:
    """Each PA's timesheet lines in the period, in day order: a row a PA with the lines as arrays, which the
    driver reads in C (a bureau's period is 70,000 lines; a row each costs more to read than to use)."""
    by_day = (col(TimesheetEntryRow.worked_on), col(TimesheetEntryRow.id))
    rows = await session.execute(
        select(
            col(TimesheetEntryRow.pa_id),
            *(
                func.array_agg(aggregate_order_by(column, *by_day))
                for column in (
                    col(TimesheetEntryRow.id),
                    col(TimesheetEntryRow.worked_on),
                    col(TimesheetEntryRow.hours),
                    col(TimesheetEntryRow.hourly_rate_pence),
                    col(TimesheetEntryRow.kind),
                )
            ),
        )
        .where(
            among(col(TimesheetEntryRow.pa_id), pa_ids),
            col(TimesheetEntryRow.worked_on) >= start,
            col(TimesheetEntryRow.worked_on) <= end,
        )
        .group_by(col(TimesheetEntryRow.pa_id))
    )
    return {pa_id: [Line(*line) for line in zip(*columns, strict=True)] for pa_id, *columns in rows}


async def _paid_in(
    session: AsyncSession, pa_ids: list[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, PayRunRow]:
    """For each PA with a line in the period that a finalised run paid, the run that paid the earliest."""
    rows = await session.execute(
        select(col(TimesheetEntryRow.pa_id), PayRunRow)
        .join(PayRunHoursRow, col(PayRunHoursRow.timesheet_entry_id) == col(TimesheetEntryRow.id))
        .join(PayRunRow, col(PayRunRow.id) == col(PayRunHoursRow.pay_run_id))
        .where(
            col(PayRunHoursRow.finalised).is_(True),
            among(col(TimesheetEntryRow.pa_id), pa_ids),
            col(TimesheetEntryRow.worked_on) >= start,
            col(TimesheetEntryRow.worked_on) <= end,
        )
        .order_by(col(TimesheetEntryRow.worked_on).desc())
    )
    return {pa_id: run for pa_id, run in rows}


async def draft_pay_runs(
    session: AsyncSession,
    account_ids: list[uuid.UUID],
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
    paying_clean_runs: bool = False,
) -> dict[uuid.UUID, PayRun | DomainError]:
    """Draft (or draft again) each employer's run for the period: the run, or why it could not be drafted.
    Nothing is written for an employer that gets an error.

    ``paying_clean_runs``: the caller finalises every run without findings in this same transaction
    (``payroll.service.draft_and_finalise_pay_runs``), so those runs' hours are written once, as paid."""
    if period_end < period_start:
        raise PayRunError("The period ends before it starts.", field="period_end")
    year_start = tax_year_start(paid_on)
    outcomes: dict[uuid.UUID, PayRun | DomainError] = {}
    runs: dict[uuid.UUID, list[PayRunRow]] = {employer: [] for employer in account_ids}
    for found in await session.scalars(
        select(PayRunRow)
        .where(
            among(col(PayRunRow.account_id), account_ids),
            col(PayRunRow.frequency) == frequency.value,
            col(PayRunRow.tax_year_start) == year_start,
            col(PayRunRow.period_number) == period_number,
        )
        .order_by(col(PayRunRow.id))
        .with_for_update()
    ):
        runs[found.account_id].append(found)
    for employer, theirs in runs.items():
        theirs.sort(key=lambda run: run.version)
        if theirs and theirs[-1].status == PayRunStatus.FINALISED:
            paid = theirs[-1]
            outcomes[employer] = AlreadyPaidError(
                f"The period {paid.period_start.isoformat()} to {paid.period_end.isoformat()} is paid by a "
                "finalised run; to correct it, reverse that run first, then draft the period again.",
                field="period_number",
            )
    drafting = [employer for employer in account_ids if employer not in outcomes]
    pas: dict[uuid.UUID, list[PersonalAssistantRow]] = {employer: [] for employer in drafting}
    for pa in await session.scalars(
        select(PersonalAssistantRow)
        .where(
            among(col(PersonalAssistantRow.account_id), drafting),
            col(PersonalAssistantRow.pay_frequency) == frequency.value,
            col(PersonalAssistantRow.started_on) <= period_end,
            (col(PersonalAssistantRow.left_on).is_(None)) | (col(PersonalAssistantRow.left_on) >= period_start),
        )
        .order_by(col(PersonalAssistantRow.full_name))
    ):
        pas[pa.account_id].append(pa)
    pa_ids = [pa.id for theirs in pas.values() for pa in theirs]
    timesheets = await _lines_in(session, pa_ids, period_start, period_end)
    paid = await _paid_in(session, pa_ids, period_start, period_end)
    absences = await absences_up_to(session, pa_ids, period_end)
    to_date = await _previous_to_date(session, pa_ids, year_start, paid_on)
    history = await changes_of(session, pa_ids)
    approvals = await approvals_of(session, pa_ids)
    drafted: dict[uuid.UUID, list[tuple[PersonalAssistantRow, Details, Payslip, tuple[int, int]]]] = {}
    for employer in drafting:
        already = next((paid[pa.id] for pa in pas[employer] if pa.id in paid), None)
        if already is not None:
            outcomes[employer] = paid_hours_error(already)
            continue
        slips = []
        for pa in pas[employer]:
            entries = timesheets.get(pa.id, [])
            sick_pay = await sick_pay_for_period(session, pa, absences.get(pa.id, []), period_start, period_end)
            if not entries and not (sick_pay and sick_pay.amount_pence):
                continue
            if pa.date_of_birth is None:
                outcomes[employer] = PayRunError(
                    f"{pa.full_name} has no date of birth; it decides pension and minimum wage.",
                    field="date_of_birth",
                )
                break
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
            slips.append(
                (
                    pa,
                    details,
                    calculate_payslip(request, payslip_rates(paid_on, period_start, code.band_series)),
                    previous,
                )
            )
        if employer in outcomes:
            continue
        if not slips:
            outcomes[employer] = PayRunError("No PA on this payroll has hours in the period.", field="period_start")
            continue
        drafted[employer] = slips
    redrafted = [
        runs[employer][-1] for employer in drafted if runs[employer] and runs[employer][-1].status == PayRunStatus.DRAFT
    ]
    if redrafted:
        redrafted_ids = [run.id for run in redrafted]
        await session.execute(delete(PayslipRow).where(among(col(PayslipRow.pay_run_id), redrafted_ids)))
        await session.execute(delete(PayRunHoursRow).where(among(col(PayRunHoursRow.pay_run_id), redrafted_ids)))
    new_runs, all_slips, hours, now = [], [], [], utc_now()
    for employer, slips in drafted.items():
        theirs = runs[employer]
        if theirs and theirs[-1].status == PayRunStatus.DRAFT:
            run = theirs[-1]
            run.period_start, run.period_end, run.paid_on = period_start, period_end, paid_on
        else:
            run = PayRunRow(
                id=new_id(),
                created_at=now,
                account_id=employer,
                frequency=frequency.value,
                tax_year_start=year_start,
                period_number=period_number,
                version=len(theirs) + 1,
                period_start=period_start,
                period_end=period_end,
                paid_on=paid_on,
            )
            new_runs.append(run)
        rows = []
        for pa, details, slip, previous in slips:
            row = _row(run.id, pa, details, slip, previous)
            barred = blocking_finding(
                pa.full_name,
                pay_decision(pa.full_name, pa.relationship, approvals.get(pa.id, ()), paid_on, slip.gross_pence),
            )
            if barred is not None:
                row.findings = [*row.findings, barred.as_json()]
            rows.append(row)
        paying = paying_clean_runs and not any(row.findings for row in rows)
        hours += [(run.id, entry.id, paying) for pa, *_ in slips for entry in timesheets.get(pa.id, [])]
        all_slips += rows
        outcomes[employer] = PayRun(run, tuple(rows))
    session.add_all([*new_runs, *redrafted])
    await session.flush()
    session.add_all(all_slips)
    await session.flush()
    if hours:
        try:
            await session.execute(
                insert_by_columns(
                    PayRunHoursRow.__table__,
                    {
                        "id": [new_id() for _ in hours],
                        "pay_run_id": [run_id for run_id, _, _ in hours],
                        "timesheet_entry_id": [entry_id for _, entry_id, _ in hours],
                        "finalised": [paying for _, _, paying in hours],
                    },
                )
            )
        except IntegrityError as error:  # hours written as paid, and another run paid one meanwhile
            if unique_violated(error) != PAID_ONCE:
                raise
            raise paid_meanwhile() from None
    return {employer: outcomes[employer] for employer in account_ids}
