from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from dp_platform.api.schemas.base import Schema
from payroll.pa_details import NI_NUMBER_PATTERN

RateKind = Literal["standard", "night", "weekend", "bank_holiday", "sleepover"]
Kind = Literal["standard", "night", "weekend", "bank_holiday", "sleepover", "holiday"]
"""``holiday`` is leave taken: paid, not worked, and it does not earn more leave."""


Relationship = Literal["none", "family_member", "guardian", "continuing_attorney", "welfare_attorney"]


class PersonalAssistantIn(Schema):
    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    started_on: date
    date_of_birth: date
    tax_code: Annotated[str, msgspec.Meta(min_length=2, max_length=16)] = "1257L"
    week1_month1: bool = False
    ni_category: Literal["A", "B", "C", "H", "J", "M", "V", "Z", "X"] = "A"
    ni_number: Annotated[str, msgspec.Meta(pattern=NI_NUMBER_PATTERN)] | None = None
    pay_frequency: Literal["weekly", "fortnightly", "four_weekly", "monthly"] = "four_weekly"
    dp_funded: bool = True
    pension_enrolled: bool = True
    pension_arrangement: Literal["relief_at_source", "net_pay"] = "relief_at_source"
    holiday_scheme: Literal["accrual_12_07", "rolled_up_12_07", "fixed_5_6_weeks"] = "accrual_12_07"
    """The default is this platform's, as PAs' hours often vary: 12.07% of hours worked accrues as leave for
    irregular-hours workers (Working Time Regulations 1998, reg 15B:
    https://www.legislation.gov.uk/uksi/1998/1833/regulation/15B). A PA on regular hours gets 5.6 weeks
    (``fixed_5_6_weeks``, regs 13 and 13A)."""
    apprenticeship_started_on: date | None = None
    """For an apprentice: the apprentice minimum wage applies while under 19, or in the first year at any age
    (https://www.gov.uk/national-minimum-wage-rates)."""
    qualifying_days: Annotated[str, msgspec.Meta(min_length=3, max_length=27)] = "mon,tue,wed,thu,fri"
    """The weekdays the PA is contracted to work, e.g. "mon,wed,fri": SSP is paid for these."""
    pvg_checked_on: date | None = None
    pvg_expires_on: date | None = None
    right_to_work_checked_on: date | None = None
    right_to_work_expires_on: date | None = None
    relationship: Relationship = "none"
    """The PA's relationship to the person supported: a family member needs the council's agreement."""


class PaChecksIn(Schema):
    """The employer's checks of a PA, as they stand now (a renewed PVG, a new right-to-work check)."""

    pvg_checked_on: date | None = None
    pvg_expires_on: date | None = None
    right_to_work_checked_on: date | None = None
    right_to_work_expires_on: date | None = None
    relationship: Relationship = "none"


class PaDetailsIn(Schema):
    """Details that change from a date, each kept with what it replaced; leave out what does not change."""

    effective_from: date
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    """Why: "HMRC coding notice P6 of 2 May 2026", "moved bank"."""
    tax_code: Annotated[str, msgspec.Meta(min_length=2, max_length=16)] | None = None
    week1_month1: bool | None = None
    ni_category: Literal["A", "B", "C", "H", "J", "M", "V", "Z", "X"] | None = None
    ni_number: Annotated[str, msgspec.Meta(pattern=NI_NUMBER_PATTERN)] | None = None
    bank_sort_code: Annotated[str, msgspec.Meta(pattern=r"^\d{6}$")] | None = None
    bank_account_number: Annotated[str, msgspec.Meta(pattern=r"^\d{8}$")] | None = None


class PaDetailChangeOut(Schema):
    field: str
    old_value: str | None
    new_value: str | None
    """Bank details show their last digits only."""
    effective_from: date
    reason: str
    recorded_at: datetime


Ground = Literal[
    "limited_choice",
    "communication_needs",
    "availability",
    "intimate_support",
    "beliefs",
    "palliative_care",
    "emergency",
    "other_factors",
]
"""The circumstance of 2014 Regulations reg 8 relied on (https://www.legislation.gov.uk/ssi/2014/25/regulation/8)."""


class FamilyApprovalIn(Schema):
    """The council's agreement, with the person and the family member, that the family member is paid."""

    ground: Ground
    person_agreed_on: date
    family_member_agreed_on: date
    authority_agreed_on: date
    starts_on: date
    """The first payday it covers."""
    ends_on: date | None = None
    ground_detail: Annotated[str, msgspec.Meta(max_length=500)] = ""
    """Required for ``other_factors``: what they are."""
    reference: Annotated[str, msgspec.Meta(max_length=100)] = ""
    """The council's own reference for the decision, if it has one."""


class FamilyApprovalOut(Schema):
    id: uuid.UUID
    ground: str
    ground_detail: str
    person_agreed_on: date | None
    family_member_agreed_on: date | None
    authority_agreed_on: date | None
    """``None`` only on agreements recorded before the parties' days were kept: they cover no payday."""
    starts_on: date
    ends_on: date | None
    reference: str
    withdrawn_on: date | None
    withdrawal_reason: str | None
    covers_today: bool


class FamilyApprovalWithdrawIn(Schema):
    on: date
    """The first day it no longer covers."""
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class PersonalAssistantOut(Schema):
    id: uuid.UUID
    full_name: str
    started_on: date
    left_on: date | None
    tax_code: str
    ni_category: str
    pay_frequency: str
    pvg_checked_on: date | None
    pvg_expires_on: date | None
    right_to_work_checked_on: date | None
    right_to_work_expires_on: date | None
    relationship: str
    holiday_scheme: str
    apprenticeship_started_on: date | None
    warnings: list[str]
    """Employer duties not yet shown as done: PVG membership, right-to-work checks."""


class TimesheetEntryIn(Schema):
    worked_on: date
    hours: Decimal
    """More than 0 and at most 24, in hundredths of an hour at most (e.g. "7.5")."""
    hourly_rate_pence: Annotated[int, msgspec.Meta(gt=0)] | None = None
    """Leave out to use the contract's rate for the kind and day."""
    kind: Kind | None = None
    """Leave out to let the day decide: bank holiday (Scotland), weekend, or standard, as the contract has rates."""


class TimesheetEntryOut(Schema):
    id: uuid.UUID
    worked_on: date
    hours: Decimal
    kind: str
    hourly_rate_pence: int
    paid: bool
    """True once a finalised pay run covers the day: the line can no longer be removed."""


class TimesheetIn(Schema):
    entries: Annotated[list[TimesheetEntryIn], msgspec.Meta(min_length=1, max_length=500)]


class ContractRateIn(Schema):
    kind: RateKind
    hourly_rate_pence: Annotated[int, msgspec.Meta(gt=0)]
    effective_from: date


class ContractRatesIn(Schema):
    rates: Annotated[list[ContractRateIn], msgspec.Meta(min_length=1, max_length=50)]


class ContractRateOut(Schema):
    kind: str
    hourly_rate_pence: int
    effective_from: date


class PayrollEmployerIn(Schema):
    paye_reference: Annotated[str, msgspec.Meta(min_length=5, max_length=20)]
    """Employer PAYE reference, e.g. "123/AB45678"."""
    accounts_office_reference: Annotated[str, msgspec.Meta(min_length=13, max_length=20)]
    """13 characters, e.g. "123PA00012345"."""
    claims_employment_allowance: bool = True
    pays_hmrc_quarterly: bool = False
    """A small employer (average PAYE and NI under £1,500 a month) may pay HMRC each tax quarter."""
    insurance_expires_on: date | None = None
    """The day the employer's liability insurance runs to."""


class PayrollEmployerOut(Schema):
    paye_reference: str
    accounts_office_reference: str
    claims_employment_allowance: bool
    pays_hmrc_quarterly: bool
    insurance_expires_on: date | None


class LeaverIn(Schema):
    left_on: date
    """The last day of employment."""


class HolidayBalanceOut(Schema):
    scheme: str
    accrued_hours: Decimal
    taken_hours: Decimal
    balance_hours: Decimal


class SicknessIn(Schema):
    first_day: date
    last_day: date
    average_weekly_earnings_pence: Annotated[int, msgspec.Meta(ge=0)] | None = None
    """Only when payroll cannot work it out: a PA with no payday before the sickness."""


class SicknessOut(Schema):
    id: uuid.UUID
    first_day: date
    last_day: date
    average_weekly_earnings_pence: int | None


class PayRunIn(Schema):
    frequency: Literal["weekly", "fortnightly", "four_weekly", "monthly"]
    period_number: Annotated[int, msgspec.Meta(ge=1, le=53)]
    """The period of the tax year; 53 (weekly), 27 (fortnightly) or 14 (four-weekly) for an extra payday."""
    period_start: date
    period_end: date
    paid_on: date


class PayRunFinaliseIn(Schema):
    override_reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)] | None = None


class PayRunReverseIn(Schema):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    """Why the run is corrected: the person and the council read it."""


class PayslipLineOut(Schema):
    label: str
    hours: Decimal | None
    hourly_rate_pence: int | None
    amount_pence: int


class FindingOut(Schema, omit_defaults=True):
    """Why the payslip should not be paid as it stands. A fair-work finding (paid below a floor) has
    the days, hours, rates and arrears; a blocking one (the Direct Payment may not pay this PA) has
    ``blocking``, the ``decision`` and its ``sources``. Fields a finding does not have are left out."""

    rule: str
    sentence: str
    blocking: bool = False
    first_on: date | None = None
    last_on: date | None = None
    hours: Decimal | None = None
    paid_rate_pence: int | None = None
    minimum_pence: int | None = None
    shortfall_per_hour_pence: int | None = None
    arrears_pence: int = 0
    rate: str | None = None
    decision: str | None = None
    sources: list[list[str]] = msgspec.field(default_factory=list)


class PayslipOut(Schema):
    pa_id: uuid.UUID
    tax_code: str
    ni_category: str
    gross_pence: int
    taxable_pence: int
    tax_pence: int
    employee_ni_pence: int
    employer_ni_pence: int
    employee_pension_pence: int
    employer_pension_pence: int
    net_pence: int
    taxable_to_date_pence: int
    tax_to_date_pence: int
    holiday_hours_accrued: Decimal
    holiday_hours_taken: Decimal
    lines: list[PayslipLineOut]
    findings: list[FindingOut]
    rates_used: list[str]


class PayRunOut(Schema):
    id: uuid.UUID
    frequency: str
    tax_year_start: date
    period_number: int
    version: int
    period_start: date
    period_end: date
    paid_on: date
    status: str
    override_reason: str | None
    ledger_entry_id: uuid.UUID | None
    payslips: list[PayslipOut]
    totals: dict[str, int]


class TimesheetRecordedOut(Schema):
    entries_recorded: int


class P45Out(Schema, omit_defaults=True):
    """A leaver's P45 figures; ``WeekNo`` or ``MonthNo`` (HMRC's names), whichever the pay frequency uses."""

    employer_paye_reference: str | None
    employee: str
    ni_number: str | None
    leaving_date: date
    tax_code: str
    week1_month1: bool
    last_payment_date: date
    tax_year: str
    total_pay_to_date_pence: int
    total_tax_to_date_pence: int
    WeekNo: int | None = None
    MonthNo: int | None = None


class P60Out(Schema):
    employer_paye_reference: str | None
    employee: str
    ni_number: str | None
    tax_year: str
    final_tax_code: str
    pay_in_this_employment_pence: int
    tax_in_this_employment_pence: int
    employee_ni_pence: int


class HmrcMonthOut(Schema):
    """What is due to HMRC for one tax month (6th to 5th), less the Employment Allowance."""

    tax_month: int
    starts_on: date
    ends_on: date
    paye_pence: int
    employee_ni_pence: int
    employer_ni_pence: int
    employment_allowance_pence: int
    due_pence: int
    due_by: date
    rates_used: list[str]
    allowance_left_pence: int


class FpsPaymentOut(Schema, omit_defaults=True):
    """HMRC's item names (RTI FPS); ``WeekNo`` or ``MonthNo``, whichever the pay frequency uses."""

    PayFreq: str
    PmtDate: date
    PeriodsCovered: int
    HoursWorked: str
    TaxCode: str
    TaxablePay_pence: int
    TaxDeductedOrRefunded_pence: int
    TaxablePayYTD_pence: int
    TotalTaxYTD_pence: int
    EmployeePensionContributions_pence: int
    WeekNo: int | None = None
    MonthNo: int | None = None


class FpsNiOut(Schema):
    NIletter: str
    GrossEarningsForNICsInPd_pence: int
    GrossEarningsForNICsYTD_pence: int
    AtLELYTD_pence: int
    LELtoPTYTD_pence: int
    PTtoUELYTD_pence: int
    TotalEmpNICInPd_pence: int
    TotalEmpNICYTD_pence: int
    EmpeeContribnsInPd_pence: int
    EmpeeContribnsYTD_pence: int


class FpsEmployeeOut(Schema):
    payroll_id: uuid.UUID
    name: str
    nino: str | None
    birth_date: date | None
    start_date: date
    leaving_date: date | None
    payment: FpsPaymentOut
    ni: FpsNiOut


class FpsEmployerOut(Schema):
    EmpRefs_OfficeNo_and_Ref: str | None
    AORef: str | None


class FpsRecordOut(Schema):
    """What an RTI Full Payment Submission needs for a finalised run; the platform does not submit it."""

    pay_run_id: uuid.UUID
    payment_date: date
    employer: FpsEmployerOut
    employees: list[FpsEmployeeOut]
    not_held_by_the_platform: list[str]
    """What the employer's RTI software must add: the platform does not hold it (yet)."""
