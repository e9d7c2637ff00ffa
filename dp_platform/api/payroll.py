"""PA payroll for a DP account: PAs, timesheets, pay runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.payroll import (
    ContractRateOut,
    ContractRatesIn,
    FamilyApprovalIn,
    FamilyApprovalOut,
    FamilyApprovalWithdrawIn,
    FindingOut,
    FpsRecordOut,
    HmrcMonthOut,
    HolidayBalanceOut,
    LeaverIn,
    P45Out,
    PaChecksIn,
    PaDetailChangeOut,
    PaDetailsIn,
    PayrollEmployerIn,
    PayrollEmployerOut,
    PayRunFinaliseIn,
    PayRunIn,
    PayRunOut,
    PayRunReverseIn,
    PayslipLineOut,
    PayslipOut,
    PersonalAssistantIn,
    PersonalAssistantOut,
    SicknessIn,
    SicknessOut,
    TimesheetEntryOut,
    TimesheetIn,
    TimesheetRecordedOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import SCOTTISH_TIME, Actor
from dp_platform.workflows.payroll import (
    add_pa,
    approve_family_pa,
    change_pa_details,
    draft_account_pay_run,
    family_approvals,
    finalise_account_pay_run,
    pa_detail_history,
    payslip_document,
    record_leaver,
    record_sickness,
    record_timesheet,
    remove_timesheet_line,
    reverse_account_pay_run,
    set_contract_rates,
    set_employer,
    set_pa_checks,
    withdraw_family_approval,
)
from dp_platform.workflows.payroll_reads import (
    full_payment_submission,
    hmrc_month_of,
    pa_absences,
    pa_contract_rates,
    pa_holiday,
    pa_p45,
    pa_timesheet,
    pay_run,
    pay_runs,
    payroll_employer,
    personal_assistants,
)
from dp_platform.workflows.records import (
    ContractRateRow,
    FamilyApprovalRow,
    PayrollEmployerRow,
    PersonalAssistantRow,
    SicknessAbsenceRow,
)
from payroll.drafting import PayRun
from payroll.duties import duty_warnings
from payroll.family import FamilyApproval, Ground
from payroll.family_service import approval_of
from payroll.pa_details import masked
from payroll.payslip_pdf import render_payslip
from payroll.periods import PayFrequency

TOTALS = (
    "gross_pence",
    "tax_pence",
    "employee_ni_pence",
    "employer_ni_pence",
    "employee_pension_pence",
    "employer_pension_pence",
    "net_pence",
)


def to_employer(row: PayrollEmployerRow) -> PayrollEmployerOut:
    return PayrollEmployerOut(
        paye_reference=row.paye_reference,
        accounts_office_reference=row.accounts_office_reference,
        claims_employment_allowance=row.claims_employment_allowance,
        pays_hmrc_quarterly=row.pays_hmrc_quarterly,
        insurance_expires_on=row.insurance_expires_on,
    )


def to_contract_rate(row: ContractRateRow) -> ContractRateOut:
    return ContractRateOut(kind=row.kind, hourly_rate_pence=row.hourly_rate_pence, effective_from=row.effective_from)


def to_sickness(row: SicknessAbsenceRow) -> SicknessOut:
    return SicknessOut(
        id=row.id,
        first_day=row.first_day,
        last_day=row.last_day,
        average_weekly_earnings_pence=row.average_weekly_earnings_pence,
    )


def to_pa(pa: PersonalAssistantRow) -> PersonalAssistantOut:
    return PersonalAssistantOut(
        id=pa.id,
        full_name=pa.full_name,
        started_on=pa.started_on,
        left_on=pa.left_on,
        tax_code=pa.tax_code,
        ni_category=pa.ni_category,
        pay_frequency=pa.pay_frequency,
        pvg_checked_on=pa.pvg_checked_on,
        pvg_expires_on=pa.pvg_expires_on,
        right_to_work_checked_on=pa.right_to_work_checked_on,
        right_to_work_expires_on=pa.right_to_work_expires_on,
        relationship=pa.relationship,
        holiday_scheme=pa.holiday_scheme,
        apprenticeship_started_on=pa.apprenticeship_started_on,
        warnings=duty_warnings(pa, datetime.now(SCOTTISH_TIME).date()),
    )


def to_family_approval(row: FamilyApprovalRow) -> FamilyApprovalOut:
    return FamilyApprovalOut(
        id=row.id,
        ground=row.ground,
        ground_detail=row.ground_detail,
        person_agreed_on=row.person_agreed_on,
        family_member_agreed_on=row.family_member_agreed_on,
        authority_agreed_on=row.authority_agreed_on,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        reference=row.reference,
        withdrawn_on=row.withdrawn_on,
        withdrawal_reason=row.withdrawal_reason,
        covers_today=approval_of(row).covers(datetime.now(SCOTTISH_TIME).date()),
    )


def to_pay_run(result: PayRun) -> PayRunOut:
    run = result.run
    return PayRunOut(
        id=run.id,
        frequency=run.frequency,
        tax_year_start=run.tax_year_start,
        period_number=run.period_number,
        version=run.version,
        period_start=run.period_start,
        period_end=run.period_end,
        paid_on=run.paid_on,
        status=run.status,
        override_reason=run.override_reason,
        ledger_entry_id=run.ledger_entry_id,
        payslips=[
            PayslipOut(
                **{
                    name: getattr(slip, name)
                    for name in PayslipOut.__struct_fields__
                    if name not in {"lines", "findings"}
                },
                lines=msgspec.convert(slip.slip_lines, list[PayslipLineOut], from_attributes=True),
                findings=msgspec.convert(slip.slip_findings, list[FindingOut], from_attributes=True),
            )
            for slip in result.payslips
        ],
        totals={name: result.total(name) for name in TOTALS},
    )


class PayrollController(Controller):
    path = "/api/accounts/{account_id:uuid}"
    tags = ["Payroll"]

    @get("/pas", operation_id="ListPersonalAssistants")
    async def list_pas(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> list[PersonalAssistantOut]:
        return [to_pa(row) for row in await personal_assistants(db_session, actor, account_id)]

    @post("/pas", operation_id="AddPersonalAssistant")
    async def add_pa(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[PersonalAssistantIn, Body()],
    ) -> PersonalAssistantOut:
        fields = {name: getattr(data, name) for name in data.__struct_fields__}
        return to_pa(await add_pa(db_session, actor, account_id, fields))

    @post("/pas/{pa_id:uuid}/timesheet", operation_id="RecordTimesheet")
    async def timesheet(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[TimesheetIn, Body()],
    ) -> TimesheetRecordedOut:
        rows = await record_timesheet(
            db_session,
            actor,
            account_id,
            pa_id,
            [(e.worked_on, e.hours, e.kind, e.hourly_rate_pence) for e in data.entries],
        )
        return TimesheetRecordedOut(entries_recorded=len(rows))

    @get("/pas/{pa_id:uuid}/timesheet", operation_id="ListTimesheet")
    async def list_timesheet(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[TimesheetEntryOut]]:
        """The PA's timesheet lines, newest day first, each saying whether a finalised run has paid it, in
        pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, datetime, uuid.UUID)
        return page_of(
            request,
            page,
            await pa_timesheet(db_session, actor, account_id, pa_id, page=page),
            lambda line: (line.entry.worked_on, line.entry.created_at, line.entry.id),
            lambda line: TimesheetEntryOut(
                id=line.entry.id,
                worked_on=line.entry.worked_on,
                hours=line.entry.hours,
                kind=line.entry.kind,
                hourly_rate_pence=line.entry.hourly_rate_pence,
                paid=line.paid,
            ),
        )

    @delete("/pas/{pa_id:uuid}/timesheet/{entry_id:uuid}", operation_id="RemoveTimesheetLine")
    async def remove_timesheet_line(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, entry_id: uuid.UUID
    ) -> None:
        """Take a wrongly entered line off before a finalised run pays it (409 after); then add the right one."""
        await remove_timesheet_line(db_session, actor, account_id, pa_id, entry_id)

    @get("/pas/{pa_id:uuid}/contract-rates", operation_id="ListContractRates")
    async def list_contract_rates(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
    ) -> list[ContractRateOut]:
        return [to_contract_rate(row) for row in await pa_contract_rates(db_session, actor, account_id, pa_id)]

    @post("/pas/{pa_id:uuid}/contract-rates", operation_id="AddContractRates")
    async def add_contract_rates(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[ContractRatesIn, Body()],
    ) -> list[ContractRateOut]:
        """Dated hourly rates by kind; timesheet lines without a rate use the one in force on their day."""
        rates = [(rate.kind, rate.hourly_rate_pence, rate.effective_from) for rate in data.rates]
        return [to_contract_rate(row) for row in await set_contract_rates(db_session, actor, account_id, pa_id, rates)]

    @get("/payroll-employer", operation_id="GetPayrollEmployer")
    async def get_employer(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> PayrollEmployerOut:
        return to_employer(await payroll_employer(db_session, actor, account_id))

    @put("/payroll-employer", operation_id="SetPayrollEmployer")
    async def put_employer(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[PayrollEmployerIn, Body()],
    ) -> PayrollEmployerOut:
        """The account holder's HMRC references (for RTI) and whether they claim the Employment Allowance."""
        employer = await set_employer(
            db_session,
            actor,
            account_id,
            paye_reference=data.paye_reference,
            accounts_office_reference=data.accounts_office_reference,
            claims_employment_allowance=data.claims_employment_allowance,
            pays_hmrc_quarterly=data.pays_hmrc_quarterly,
            insurance_expires_on=data.insurance_expires_on,
        )
        return to_employer(employer)

    @put("/pas/{pa_id:uuid}/checks", operation_id="SetPaChecks")
    async def put_checks(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[PaChecksIn, Body()],
    ) -> PersonalAssistantOut:
        """The employer's checks of a PA as they stand: PVG membership and its expiry, right to work, and
        the PA's relationship to the person."""
        fields = {name: getattr(data, name) for name in data.__struct_fields__}
        return to_pa(await set_pa_checks(db_session, actor, account_id, pa_id, fields))

    @post("/pas/{pa_id:uuid}/details", operation_id="ChangePaDetails", status_code=200)
    async def change_details(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[PaDetailsIn, Body()],
    ) -> PersonalAssistantOut:
        """A new tax code (with the date HMRC's notice takes effect), NI category or number, or bank
        details; each change is kept with what it replaced, and a pay run paid before the date keeps the
        old one."""
        values = {
            name: (str(value).lower() if isinstance(value, bool) else value)
            for name in data.__struct_fields__
            if name not in {"effective_from", "reason"} and (value := getattr(data, name)) is not None
        }
        pa, _ = await change_pa_details(
            db_session, actor, account_id, pa_id, values, effective_from=data.effective_from, reason=data.reason
        )
        return to_pa(pa)

    @get("/pas/{pa_id:uuid}/details-history", operation_id="ListPaDetailChanges")
    async def details_history(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
    ) -> list[PaDetailChangeOut]:
        """Every change to the PA's details, oldest first: what it was, what it became, from when, and why."""
        return [
            PaDetailChangeOut(
                field=row.field,
                old_value=masked(row.field, row.old_value),
                new_value=masked(row.field, row.new_value),
                effective_from=row.effective_from,
                reason=row.reason,
                recorded_at=row.created_at,
            )
            for row in await pa_detail_history(db_session, actor, account_id, pa_id)
        ]

    @post("/pas/{pa_id:uuid}/family-approval", operation_id="RecordFamilyApproval", status_code=201)
    async def family_approval(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[FamilyApprovalIn, Body()],
    ) -> FamilyApprovalOut:
        """The council records its agreement, with the person and the family member, to the family member
        being paid as a PA (2014 Regulations regs 7 and 8): the ground and the day each party agreed. Pay
        runs pay a family member only on paydays an agreement covers. Only the council's social work staff."""
        approval = FamilyApproval(
            ground=Ground(data.ground),
            starts_on=data.starts_on,
            person_agreed_on=data.person_agreed_on,
            family_member_agreed_on=data.family_member_agreed_on,
            authority_agreed_on=data.authority_agreed_on,
            ends_on=data.ends_on,
            reference=data.reference,
        )
        return to_family_approval(
            await approve_family_pa(db_session, actor, account_id, pa_id, approval, ground_detail=data.ground_detail)
        )

    @get("/pas/{pa_id:uuid}/family-approvals", operation_id="ListFamilyApprovals")
    async def list_family_approvals(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
    ) -> list[FamilyApprovalOut]:
        """Every agreement recorded for this PA, withdrawn ones too, oldest first."""
        return [to_family_approval(row) for row in await family_approvals(db_session, actor, account_id, pa_id)]

    @post(
        "/pas/{pa_id:uuid}/family-approvals/{approval_id:uuid}/withdraw",
        operation_id="WithdrawFamilyApproval",
        status_code=200,
    )
    async def withdraw_approval(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        approval_id: uuid.UUID,
        data: Annotated[FamilyApprovalWithdrawIn, Body()],
    ) -> FamilyApprovalOut:
        """The council ends its agreement from a day; pay already made under it stays as it was."""
        return to_family_approval(
            await withdraw_family_approval(
                db_session, actor, account_id, pa_id, approval_id, on=data.on, reason=data.reason
            )
        )

    @post("/pas/{pa_id:uuid}/leave", operation_id="RecordLeaver", status_code=200)
    async def leave(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[LeaverIn, Body()],
    ) -> PersonalAssistantOut:
        """Record the PA's last day; their final pay run reports it to HMRC, and the P45 follows."""
        return to_pa(await record_leaver(db_session, actor, account_id, pa_id, data.left_on))

    @get("/pas/{pa_id:uuid}/p45", operation_id="GetP45")
    async def p45(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID) -> P45Out:
        """The figures for a leaver's P45: leaving date, tax code, last period paid, pay and tax to date."""
        return msgspec.convert(await pa_p45(db_session, actor, account_id, pa_id), P45Out, from_attributes=True)

    @get("/pas/{pa_id:uuid}/holiday", operation_id="GetHolidayBalance")
    async def holiday(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID
    ) -> HolidayBalanceOut:
        """Leave earned and taken on finalised payslips, in hours."""
        holiday = await pa_holiday(db_session, actor, account_id, pa_id)
        pa, balance = holiday.pa, holiday.balance
        return HolidayBalanceOut(
            scheme=pa.holiday_scheme,
            accrued_hours=balance.accrued_hours,
            taken_hours=balance.taken_hours,
            balance_hours=balance.balance_hours,
        )

    @get("/pas/{pa_id:uuid}/sickness", operation_id="ListSickness")
    async def list_sickness(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[SicknessOut]]:
        """Earliest first, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, uuid.UUID)
        rows = await pa_absences(db_session, actor, account_id, pa_id, page=page)
        return page_of(request, page, rows, lambda row: (row.first_day, row.id), to_sickness)

    @post("/pas/{pa_id:uuid}/sickness", operation_id="RecordSickness")
    async def sickness(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        data: Annotated[SicknessIn, Body()],
    ) -> SicknessOut:
        """Days off sick; the pay run covering them pays SSP by the rules in force on each day."""
        absence = await record_sickness(
            db_session,
            actor,
            account_id,
            pa_id,
            first_day=data.first_day,
            last_day=data.last_day,
            average_weekly_earnings_pence=data.average_weekly_earnings_pence,
        )
        return to_sickness(absence)

    @post("/pay-runs", operation_id="DraftPayRun")
    async def draft(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[PayRunIn, Body()]
    ) -> PayRunOut:
        return to_pay_run(
            await draft_account_pay_run(
                db_session,
                actor,
                account_id,
                frequency=PayFrequency(data.frequency),
                period_number=data.period_number,
                period_start=data.period_start,
                period_end=data.period_end,
                paid_on=data.paid_on,
            )
        )

    @get("/pay-runs", operation_id="ListPayRuns")
    async def list_runs(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        status: str | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[PayRunOut]]:
        """The account's pay runs, newest period first (a correction above what it corrects); ``status``
        narrows to ``draft`` or ``finalised``. In pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, int, uuid.UUID)
        runs = await pay_runs(db_session, actor, account_id, status=status, page=page)
        return page_of(request, page, runs, lambda run: (run.run.period_start, run.run.version, run.run.id), to_pay_run)

    @get("/pay-runs/{run_id:uuid}", operation_id="GetPayRun")
    async def get_run(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID) -> PayRunOut:
        return to_pay_run(await pay_run(db_session, actor, account_id, run_id))

    @get(
        "/pay-runs/{run_id:uuid}/payslips/{pa_id:uuid}/pdf", operation_id="GetPayslipPdf", media_type="application/pdf"
    )
    async def payslip_pdf(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID, pa_id: uuid.UUID
    ) -> Response[bytes]:
        document = await payslip_document(db_session, actor, account_id, run_id, pa_id)
        return Response(
            render_payslip(document),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="payslip-{run_id}-{pa_id}.pdf"'},
        )

    @get("/pay-runs/{run_id:uuid}/fps", operation_id="GetFullPaymentSubmission")
    async def fps(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID) -> FpsRecordOut:
        """The items of the RTI Full Payment Submission for a finalised run, with year-to-date figures,
        and a list of what the platform does not hold yet (HMRC references, starters' addresses)."""
        record = await full_payment_submission(db_session, actor, account_id, run_id)
        return msgspec.convert(record, FpsRecordOut, from_attributes=True)

    @get("/hmrc-summary", operation_id="GetHmrcSummary")
    async def hmrc_summary(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, on: date) -> HmrcMonthOut:
        """PAYE and NI for the tax month containing ``on``, less the Employment Allowance, and the date it is due."""
        month = await hmrc_month_of(db_session, actor, account_id, on)
        return msgspec.convert(month, HmrcMonthOut, from_attributes=True)

    @post("/pay-runs/{run_id:uuid}/reverse", operation_id="ReversePayRun", status_code=200)
    async def reverse(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        run_id: uuid.UUID,
        data: Annotated[PayRunReverseIn, Body()],
    ) -> PayRunOut:
        """Correct a finalised run: its ledger entry is reversed and its hours are unpaid again; put the
        timesheets right and draft the period again (a new version), then finalise that."""
        return to_pay_run(await reverse_account_pay_run(db_session, actor, account_id, run_id, reason=data.reason))

    @post("/pay-runs/{run_id:uuid}/finalise", operation_id="FinalisePayRun", status_code=200)
    async def finalise(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        run_id: uuid.UUID,
        data: Annotated[PayRunFinaliseIn, Body()],
    ) -> PayRunOut:
        """Post wages, employer NI and pension to the ledger.

        Refused while the run has fair-work findings, unless a reason for going ahead is given.
        """
        return to_pay_run(
            await finalise_account_pay_run(db_session, actor, account_id, run_id, override_reason=data.override_reason)
        )
