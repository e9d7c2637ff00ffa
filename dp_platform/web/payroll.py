"""PA payroll on the page: personal assistants, their timesheets (lines added, and taken off
before they are paid), pay runs drafted and finalised with their findings explained, payslips."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    parse_date,
    render,
    see_other,
    today,
)
from dp_platform.workflows.accounts import AccountAccess, account_for, may
from dp_platform.workflows.payroll import (
    add_pa,
    approve_family_pa,
    change_pa_details,
    draft_account_pay_run,
    family_approvals,
    finalise_account_pay_run,
    own_pa,
    payslip_document,
    record_timesheet,
    remove_timesheet_line,
    reverse_account_pay_run,
    set_employer,
    set_pa_checks,
    withdraw_family_approval,
)
from dp_platform.workflows.payroll_reads import employer_of, employer_pas
from dp_platform.workflows.records import PersonalAssistantRow
from ledgers.errors import DomainError
from payroll.duties import duty_warnings
from payroll.family import GROUNDS, FamilyApproval, Ground
from payroll.family_service import approval_of
from payroll.holiday import HolidayScheme
from payroll.pa_details import NI_CATEGORIES, changes_of, masked
from payroll.payslip_pdf import payslip_filename, render_payslip
from payroll.periods import PayFrequency, four_weekly_period
from payroll.service import PayRun, account_pay_runs, get_pay_run, timesheet_lines

KINDS = (
    ("", "Let the day decide (weekday, weekend or bank holiday)"),
    ("standard", "Standard hours"),
    ("night", "Night"),
    ("weekend", "Weekend"),
    ("bank_holiday", "Bank holiday"),
    ("sleepover", "Sleepover"),
    ("holiday", "Holiday taken (paid leave)"),
)
KIND_NAMES = {"standard": "Standard", **dict(KINDS[2:])}
PAYDAY_BEFORE_END = timedelta(days=2)
"""The form's suggested payday: the Friday of a period that ends on a Sunday, as PA employers commonly pay."""


def _next_period(runs: list[PayRun]) -> dict[str, Any]:
    """The form's suggestion: the four-weekly period after the last one run, else the one holding today."""
    finalised = [run.run for run in runs if run.run.frequency == PayFrequency.FOUR_WEEKLY.value]
    if finalised:
        last = max(finalised, key=lambda run: run.period_end)
        number, first, end = four_weekly_period(last.period_end + timedelta(days=1))
    else:
        number, first, end = four_weekly_period(today())
    return {"period_number": number, "period_start": first, "period_end": end, "paid_on": end - PAYDAY_BEFORE_END}


def read_period(form: dict[str, Any]) -> tuple[int, dict[str, Any], list[FormError]]:
    """A four-weekly pay period as the pay run forms give it: its number, its dates, what is wrong."""
    errors: list[FormError] = []
    dates = {}
    for name, label in (
        ("period_start", "the first day of the period"),
        ("period_end", "the last day of the period"),
        ("paid_on", "the day the PAs are paid"),
    ):
        dates[name], error = parse_date(form.get(name), name, label)
        errors += [error] if error else []
    try:
        number = int(str(form.get("period_number", "")))
    except ValueError:
        number = 0
    if not 1 <= number <= 14:
        errors.append(FormError("period_number", "Enter the period number of the tax year, from 1 to 14."))
    return number, dates, errors


CHECK_DATES = (
    ("pvg_checked_on", "the day PVG membership was checked"),
    ("pvg_expires_on", "the day PVG membership ends"),
    ("right_to_work_checked_on", "the day the right to work was checked"),
    ("right_to_work_expires_on", "the day a time-limited right to work ends"),
)
HOLIDAY_SCHEMES = [
    (HolidayScheme.ACCRUAL.value, "Irregular hours: 12.07% of the hours they work builds up as paid leave"),
    (HolidayScheme.ROLLED_UP.value, "Irregular hours: 12.07% of their pay is paid with each pay as holiday pay"),
    (HolidayScheme.FIXED.value, "Regular hours: 5.6 weeks' paid leave a year"),
]
GROUND_OPTIONS = [("", "Choose a ground"), *((ground.value, words) for ground, words in GROUNDS.items())]
APPROVAL_DATES = (
    ("person_agreed_on", "the day the person agreed"),
    ("family_member_agreed_on", "the day the family member agreed"),
    ("authority_agreed_on", "the day the council agreed"),
    ("starts_on", "the first payday it covers"),
    ("ends_on", "the last day it covers"),
)
RELATIONSHIPS = [
    ("none", "Not related"),
    ("family_member", "A family member"),
    ("guardian", "Their guardian"),
    ("continuing_attorney", "Their continuing attorney"),
    ("welfare_attorney", "Their welfare attorney"),
]


DETAIL_NAMES = {
    "tax_code": "Tax code",
    "week1_month1": "Week 1 or month 1 basis",
    "ni_category": "NI category",
    "ni_number": "National Insurance number",
    "bank_sort_code": "Bank sort code",
    "bank_account_number": "Bank account number",
    "pvg_checked_on": "PVG checked on",
    "pvg_expires_on": "PVG membership runs to",
    "right_to_work_checked_on": "Right to work checked on",
    "right_to_work_expires_on": "Right to work ends on",
}


class PayrollPages(Controller):
    path = "/accounts/{account_id:uuid}"
    include_in_schema = False

    async def _pa_list(
        self, request: Request[Any, Any, Any], session: DbSession, actor: Actor, access: AccountAccess, **form: Any
    ) -> Template:
        today_ = today()
        pas = [(pa, duty_warnings(pa, today_)) for pa in await employer_pas(session, access.account.id)]
        return render(
            request,
            "payroll/pas.html",
            title="Personal assistants",
            actor=actor,
            nav=account_nav(access.account, "pas"),
            account=access.account,
            pas=pas,
            employer=await employer_of(session, access.account.id),
            may_run_payroll=may(actor, access, Action.RUN_PAYROLL),
            holiday_schemes=HOLIDAY_SCHEMES,
            errors=form.pop("errors", []),
            status=form.pop("status", 200),
            values=form,
        )

    @get("/pas")
    async def pas(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._pa_list(request, db_session, actor, access)

    @post("/pas")
    async def add(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.RUN_PAYROLL)
        form = await form_of(request)
        errors: list[FormError] = []
        name = str(form.get("full_name", "")).strip()
        if not name:
            errors.append(FormError("full_name", "Enter the personal assistant's full name."))
        started_on, error = parse_date(form.get("started_on"), "started_on", "the day they started")
        errors += [error] if error else []
        born_on, error = parse_date(form.get("date_of_birth"), "date_of_birth", "their date of birth")
        errors += [error] if error else []
        tax_code = str(form.get("tax_code", "")).strip().upper() or "S1257L"
        ni_number = str(form.get("ni_number", "")).replace(" ", "").upper() or None
        holiday = str(form.get("holiday_scheme") or HolidayScheme.ACCRUAL.value)
        if holiday not in {scheme.value for scheme in HolidayScheme}:
            errors.append(FormError("holiday_scheme", "Choose how they get their holiday."))
        apprenticeship = None
        if str(form.get("apprenticeship_started_on") or "").strip():
            apprenticeship, error = parse_date(
                form.get("apprenticeship_started_on"), "apprenticeship_started_on", "the day the apprenticeship began"
            )
            errors += [error] if error else []
        if not errors:
            fields = {
                "full_name": name,
                "started_on": started_on,
                "date_of_birth": born_on,
                "tax_code": tax_code,
                "ni_number": ni_number,
                "holiday_scheme": holiday,
                "apprenticeship_started_on": apprenticeship,
            }
            try:
                pa = await add_pa(db_session, actor, account_id, fields)
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                return see_other(f"/accounts/{account_id}/pas/{pa.id}", f"{pa.full_name} added.")
        return await self._pa_list(request, db_session, actor, access, errors=errors, status=400, **form)

    async def _pa_page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        pa: PersonalAssistantRow,
        errors: list[FormError] | None = None,
        status: int = 200,
        values: dict[str, Any] | None = None,
    ) -> Template:
        return render(
            request,
            "payroll/pa.html",
            title=pa.full_name,
            actor=actor,
            nav=account_nav(access.account, "pas"),
            account=access.account,
            pa=pa,
            warnings=duty_warnings(pa, today()),
            lines=await timesheet_lines(session, pa),
            history=[
                (change, masked(change.field, change.old_value), masked(change.field, change.new_value))
                for change in (await changes_of(session, [pa.id])).get(pa.id, [])
            ],
            detail_names=DETAIL_NAMES,
            ni_categories=[(letter, letter) for letter in NI_CATEGORIES],
            kinds=KINDS,
            kind_names=KIND_NAMES,
            relationships=RELATIONSHIPS,
            approvals=[
                (row, approval_of(row).covers(today()), GROUNDS.get(Ground(row.ground), "Not recorded"))
                for row in await family_approvals(session, actor, access.account.id, pa.id)
            ],
            ground_options=GROUND_OPTIONS,
            may_run_payroll=may(actor, access, Action.RUN_PAYROLL),
            may_approve=may(actor, access, Action.REVIEW_SPEND),
            errors=errors or [],
            values=values or {},
            status=status,
        )

    async def _pa_form(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> tuple[AccountAccess, PersonalAssistantRow, dict[str, Any]]:
        """What every form on a PA's page starts from; the workflow it calls checks the right to act."""
        access = await account_for(session, actor, account_id, Action.VIEW)
        return access, await own_pa(session, account_id, pa_id), await form_of(request)

    @get("/pas/{pa_id:uuid}")
    async def pa(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._pa_page(request, db_session, actor, access, await own_pa(db_session, account_id, pa_id))

    @post("/pas/{pa_id:uuid}/timesheet")
    async def add_line(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> Template | Redirect:
        access, pa, form = await self._pa_form(request, db_session, actor, account_id, pa_id)
        worked_on, error = parse_date(form.get("worked_on"), "worked_on", "the day worked")
        errors = [error] if error else []
        try:
            hours = Decimal(str(form.get("hours", "")).strip())
        except InvalidOperation:
            hours = None
            errors.append(FormError("hours", "Enter the hours worked as a number, like 7.5."))
        kind = str(form.get("kind") or "") or None
        if not errors:
            try:
                await record_timesheet(db_session, actor, account_id, pa_id, [(worked_on, hours, kind, None)])  # type: ignore[list-item]
            except DomainError as refused:
                fields = {"entries[0].worked_on": "worked_on", "entries[0].hours": "hours", "entries[0].kind": "kind"}
                errors = form_errors(refused, fields)
            else:
                when = f"{worked_on.day} {worked_on:%B %Y}"  # type: ignore[union-attr]
                return see_other(f"/accounts/{account_id}/pas/{pa_id}", f"{hours} hours on {when} added.")
        return await self._pa_page(request, db_session, actor, access, pa, errors, 400, form)

    @post("/pas/{pa_id:uuid}/checks")
    async def record_checks(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> Template | Redirect:
        access, pa, form = await self._pa_form(request, db_session, actor, account_id, pa_id)
        fields: dict[str, object] = {"relationship": str(form.get("relationship") or "none")}
        errors: list[FormError] = []
        for name, label in CHECK_DATES:
            if str(form.get(name) or "").strip():
                fields[name], error = parse_date(form.get(name), name, label)
                errors += [error] if error else []
            else:
                fields[name] = None
        if not errors:
            try:
                await set_pa_checks(db_session, actor, account_id, pa_id, fields)
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                return see_other(f"/accounts/{account_id}/pas/{pa_id}", f"{pa.full_name}'s checks recorded.")
        return await self._pa_page(request, db_session, actor, access, pa, errors, 400, form)

    @post("/pas/{pa_id:uuid}/details")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> Template | Redirect:
        """Only the details given that differ are recorded, each from the date given, with the reason."""
        access, pa, form = await self._pa_form(request, db_session, actor, account_id, pa_id)
        effective_from, error = parse_date(form.get("effective_from"), "effective_from", "the date it takes effect")
        errors = [error] if error else []
        # an empty box keeps what is recorded (the bank details are never shown back in full)
        values: dict[str, str | None] = {
            name: str(form[name]).strip() for name in DETAIL_NAMES if str(form.get(name) or "").strip()
        }
        if not errors:
            try:
                _, changes = await change_pa_details(
                    db_session,
                    actor,
                    account_id,
                    pa_id,
                    values,
                    effective_from=effective_from,  # type: ignore[arg-type]
                    reason=str(form.get("reason", "")),
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                what = ", ".join(DETAIL_NAMES[change.field].lower() for change in changes) or "nothing"
                return see_other(f"/accounts/{account_id}/pas/{pa_id}", f"{pa.full_name}: changed {what}.")
        return await self._pa_page(request, db_session, actor, access, pa, errors, 400, form)

    @post("/pas/{pa_id:uuid}/family-approval")
    async def family_approval(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
    ) -> Template | Redirect:
        access, pa, form = await self._pa_form(request, db_session, actor, account_id, pa_id)
        days: dict[str, Any] = {}
        errors: list[FormError] = []
        for name, label in APPROVAL_DATES:
            if name == "ends_on" and not str(form.get(name) or "").strip():
                days[name] = None
                continue
            days[name], error = parse_date(form.get(name), name, label)
            errors += [error] if error else []
        ground = str(form.get("ground") or "")
        if ground not in GROUNDS:
            errors.append(FormError("ground", "Choose the ground in regulation 8 that applies."))
        if not errors:
            approval = FamilyApproval(ground=Ground(ground), reference=str(form.get("reference") or ""), **days)
            try:
                await approve_family_pa(
                    db_session, actor, account_id, pa_id, approval, ground_detail=str(form.get("ground_detail") or "")
                )
            except DomainError as refused:
                errors = form_errors(refused, {"pa_id": "ground"})
            else:
                return see_other(
                    f"/accounts/{account_id}/pas/{pa_id}",
                    f"The agreement to {pa.full_name} being paid is recorded.",
                )
        return await self._pa_page(request, db_session, actor, access, pa, errors, 400, form)

    @post("/pas/{pa_id:uuid}/family-approvals/{approval_id:uuid}/withdraw")
    async def withdraw_approval(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        pa_id: uuid.UUID,
        approval_id: uuid.UUID,
    ) -> Template | Redirect:
        access, pa, form = await self._pa_form(request, db_session, actor, account_id, pa_id)
        on, error = parse_date(form.get("withdrawn_on"), "withdrawn_on", "the first day it no longer covers")
        errors = [error] if error else []
        if not errors:
            try:
                await withdraw_family_approval(
                    db_session,
                    actor,
                    account_id,
                    pa_id,
                    approval_id,
                    on=on,
                    reason=str(form.get("reason") or ""),
                )
            except DomainError as refused:
                errors = form_errors(refused, {"on": "withdrawn_on"})
            else:
                return see_other(f"/accounts/{account_id}/pas/{pa_id}", f"The agreement for {pa.full_name} ends.")
        return await self._pa_page(request, db_session, actor, access, pa, errors, 400, form)

    @post("/employer")
    async def employer(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        errors: list[FormError] = []
        insured_to = None
        if str(form.get("insurance_expires_on") or "").strip():
            insured_to, error = parse_date(
                form.get("insurance_expires_on"), "insurance_expires_on", "the day the insurance runs to"
            )
            errors += [error] if error else []
        if not errors:
            try:
                await set_employer(
                    db_session,
                    actor,
                    account_id,
                    paye_reference=str(form.get("paye_reference", "")).strip().upper(),
                    accounts_office_reference=str(form.get("accounts_office_reference", "")).strip().upper(),
                    claims_employment_allowance=form.get("claims_employment_allowance") == "yes",
                    pays_hmrc_quarterly=form.get("pays_hmrc_quarterly") == "yes",
                    insurance_expires_on=insured_to,
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                return see_other(f"/accounts/{account_id}/pas", "Employer details saved.")
        return await self._pa_list(request, db_session, actor, access, errors=errors, status=400, **form)

    @post("/pas/{pa_id:uuid}/timesheet/{entry_id:uuid}/remove")
    async def remove_line(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, pa_id: uuid.UUID, entry_id: uuid.UUID
    ) -> Redirect:
        entry = await remove_timesheet_line(db_session, actor, account_id, pa_id, entry_id)
        message = (
            f"The {entry.hours.normalize():f} hours on {entry.worked_on.day} {entry.worked_on:%B %Y} were taken off."
        )
        return see_other(f"/accounts/{account_id}/pas/{pa_id}", message)

    async def _runs_page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        runs = await account_pay_runs(session, access.account.id)
        return render(
            request,
            "payroll/pay_runs.html",
            title="Pay runs",
            actor=actor,
            nav=account_nav(access.account, "pay-runs"),
            account=access.account,
            runs=runs,
            may_run_payroll=may(actor, access, Action.RUN_PAYROLL),
            values=values or _next_period(runs),
            errors=errors or [],
            status=status,
        )

    @get("/pay-runs")
    async def pay_runs(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._runs_page(request, db_session, actor, access)

    @post("/pay-runs")
    async def draft(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.RUN_PAYROLL)
        form = await form_of(request)
        number, dates, errors = read_period(form)
        if not errors:
            try:
                drafted = await draft_account_pay_run(
                    db_session, actor, account_id, frequency=PayFrequency.FOUR_WEEKLY, period_number=number, **dates
                )
            except DomainError as refused:
                errors = form_errors(refused)
            else:
                count = len(drafted.payslips)
                message = f"Pay run drafted with {count} payslip{'s' if count != 1 else ''}."
                return see_other(f"/accounts/{account_id}/pay-runs/{drafted.run.id}", message)
        return await self._runs_page(request, db_session, actor, access, errors, form, 400)

    async def _run_page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        run: PayRun,
        errors: list[FormError] | None = None,
        status: int = 200,
    ) -> Template:
        names = {pa.id: pa.full_name for pa in await employer_pas(session, access.account.id)}
        return render(
            request,
            "payroll/pay_run.html",
            title="Pay run",
            actor=actor,
            nav=account_nav(access.account, "pay-runs"),
            account=access.account,
            run=run,
            names=names,
            may_run_payroll=may(actor, access, Action.RUN_PAYROLL),
            errors=errors or [],
            status=status,
        )

    @get("/pay-runs/{run_id:uuid}")
    async def pay_run(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        run_id: uuid.UUID,
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._run_page(
            request, db_session, actor, access, await get_pay_run(db_session, account_id, run_id)
        )

    @post("/pay-runs/{run_id:uuid}/reverse")
    async def reverse(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        run_id: uuid.UUID,
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        try:
            await reverse_account_pay_run(db_session, actor, account_id, run_id, reason=str(form.get("reason", "")))
        except DomainError as refused:
            run = await get_pay_run(db_session, account_id, run_id)
            errors = form_errors(refused, {"reason": "reason", "run_id": "reason"})
            return await self._run_page(request, db_session, actor, access, run, errors, 400)
        return see_other(
            f"/accounts/{account_id}/pay-runs",
            "The pay run is reversed. Put the timesheets right, then draft the period again.",
        )

    @post("/pay-runs/{run_id:uuid}/finalise")
    async def finalise(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        run_id: uuid.UUID,
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        reason = str(form.get("override_reason", "")).strip() or None
        try:
            await finalise_account_pay_run(db_session, actor, account_id, run_id, override_reason=reason)
        except DomainError as refused:
            run = await get_pay_run(db_session, account_id, run_id)
            return await self._run_page(
                request,
                db_session,
                actor,
                access,
                run,
                form_errors(refused, {"override_reason": "override_reason"}),
                422,
            )
        return see_other(
            f"/accounts/{account_id}/pay-runs/{run_id}",
            "Pay run finalised: the wages, tax, National Insurance and pension are in the account's records.",
        )

    @get("/pay-runs/{run_id:uuid}/payslips/{pa_id:uuid}/payslip.pdf")
    async def payslip(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, run_id: uuid.UUID, pa_id: uuid.UUID
    ) -> Response[bytes]:
        document = await payslip_document(db_session, actor, account_id, run_id, pa_id)
        filename = payslip_filename(document)
        return Response(
            render_payslip(document),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
