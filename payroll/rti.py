"""What an RTI Full Payment Submission needs for a pay run, as a structured record.

Pure helpers for the coded items (pay frequency, tax week or month, hours band, the NI
earnings buckets) per docs/reference/payroll.md §9; ``payroll.service.fps_record`` gathers
the figures. The platform does not submit to HMRC; it gives the employer's (or bureau's)
RTI software everything it needs, and says plainly which items it does not hold yet.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payroll.errors import PayrollError
from payroll.periods import PayFrequency, tax_year_start
from payroll.rates import RateValue

PAYE_REFERENCE = re.compile(r"[0-9]{3}/[A-Z0-9]{1,10}")
ACCOUNTS_OFFICE_REFERENCE = re.compile(r"[0-9]{3}P[A-Z][0-9]{7}[0-9X]")


def employer_references(paye_reference: str, accounts_office_reference: str) -> tuple[str, str]:
    """The two HMRC references, tidied (upper case, no spaces) and checked for shape."""
    paye = paye_reference.replace(" ", "").upper()
    office = accounts_office_reference.replace(" ", "").upper()
    if not PAYE_REFERENCE.fullmatch(paye):
        raise PayrollError(
            f"{paye_reference!r} is not an employer PAYE reference: 3 digits, '/', then up to 10 letters or digits "
            "(e.g. 123/AB45678).",
            field="paye_reference",
        )
    if not ACCOUNTS_OFFICE_REFERENCE.fullmatch(office):
        raise PayrollError(
            f"{accounts_office_reference!r} is not an Accounts Office reference: 13 characters, e.g. 123PA00012345.",
            field="accounts_office_reference",
        )
    return paye, office


FREQUENCY_CODES = {
    PayFrequency.WEEKLY: "W1",
    PayFrequency.FORTNIGHTLY: "W2",
    PayFrequency.FOUR_WEEKLY: "W4",
    PayFrequency.MONTHLY: "M1",
}


def period_number_item(frequency: PayFrequency, paid_on: date) -> dict[str, int]:
    """The tax month (monthly payrolls) or tax week (the others) the payment date falls in."""
    start = tax_year_start(paid_on)
    if frequency is PayFrequency.MONTHLY:
        months = (paid_on.year - start.year) * 12 + paid_on.month - start.month - (1 if paid_on.day < 6 else 0)
        return {"MonthNo": months + 1}
    return {"WeekNo": (paid_on - start).days // 7 + 1}


def hours_band(hours_in_period: Decimal, frequency: PayFrequency) -> str:
    """Hours normally worked a week: A under 16, B 16 to 23.99, C 24 to 29.99, D 30 or more."""
    weeks = Decimal(frequency.weeks or Decimal("4.33"))
    weekly = hours_in_period / weeks
    if weekly < 16:
        return "A"
    if weekly < 24:
        return "B"
    if weekly < 30:
        return "C"
    return "D"


def ni_buckets(gross_pence: int, frequency: PayFrequency, thresholds: RateValue) -> tuple[int, int, int]:
    """Earnings at the LEL, from the LEL to the PT, and from the PT to the UEL, in pence, for one payment."""
    limits = {name: int(value) * 100 for name, value in thresholds[frequency.value].items()}
    if gross_pence < limits["lel"]:
        return 0, 0, 0
    return (
        limits["lel"],
        min(gross_pence, limits["pt"]) - limits["lel"],
        max(0, min(gross_pence, limits["uel"]) - limits["pt"]),
    )


# The record's items carry HMRC's own names (RTI FPS schema), so a bureau's RTI software, or a
# reader holding HMRC's specification, finds each figure under the name it knows; money is pence.


@dataclass(frozen=True, slots=True)
class FpsPayment:
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
    """The tax week, for weekly, fortnightly and four-weekly payrolls (``MonthNo`` is None then)."""
    MonthNo: int | None = None


@dataclass(frozen=True, slots=True)
class FpsNi:
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


@dataclass(frozen=True, slots=True)
class FpsEmployee:
    payroll_id: uuid.UUID
    name: str
    nino: str | None
    birth_date: date | None
    start_date: date
    leaving_date: date | None
    payment: FpsPayment
    ni: FpsNi


@dataclass(frozen=True, slots=True)
class FpsEmployer:
    EmpRefs_OfficeNo_and_Ref: str | None
    AORef: str | None


@dataclass(frozen=True, slots=True)
class FpsRecord:
    pay_run_id: uuid.UUID
    payment_date: date
    employer: FpsEmployer
    employees: tuple[FpsEmployee, ...]
    not_held_by_the_platform: tuple[str, ...]
    """What the employer's RTI software must add: the platform does not hold it (yet)."""
