"""Workplace pension automatic enrolment for one pay period. Pure: no I/O.

Who must be enrolled is decided from age and the period's earnings against the Pensions
Regulator's thresholds for that period length (docs/reference/payroll.md §5); minimum
contributions are a share of qualifying earnings (between the lower and upper levels):
8% in all, at least 3% from the employer. Under relief at source the employee's share is
taken from net pay at 80% (the scheme claims the 20% from HMRC); under a net pay
arrangement it is taken before tax and reduces taxable pay. TPR prescribes no rounding, so
contributions are rounded half-up to the penny and the rule is named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from payroll.fair_work import age_on
from payroll.periods import PayFrequency
from payroll.rates import RateValue

EMPLOYER_MINIMUM = Decimal("0.03")
TOTAL_MINIMUM = Decimal("0.08")
BASIC_RATE_RELIEF = Decimal("0.20")


class Arrangement(StrEnum):
    RELIEF_AT_SOURCE = "relief_at_source"
    NET_PAY = "net_pay"


class WorkerCategory(StrEnum):
    ELIGIBLE_JOBHOLDER = "eligible_jobholder"
    NON_ELIGIBLE_JOBHOLDER = "non_eligible_jobholder"
    ENTITLED_WORKER = "entitled_worker"


@dataclass(frozen=True, slots=True)
class PensionResult:
    category: WorkerCategory
    must_enrol: bool
    qualifying_earnings_pence: int
    employer_pence: int
    employee_pence: int
    """What the employee's pay goes down by (for relief at source: the 80% net share)."""
    tax_relief_pence: int
    """Claimed by the scheme from HMRC under relief at source; zero under net pay."""
    reduces_taxable_pay: bool
    rates_used: tuple[str, ...]


def _round(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def categorise(age: int, gross: Decimal, limits: dict[str, Decimal], state_pension_age: int) -> WorkerCategory:
    if gross > limits["trigger"] and 22 <= age < state_pension_age:
        return WorkerCategory.ELIGIBLE_JOBHOLDER
    if gross > limits["lower"] and 16 <= age <= 74:
        return WorkerCategory.NON_ELIGIBLE_JOBHOLDER
    return WorkerCategory.ENTITLED_WORKER


def assess_pension(
    *,
    date_of_birth: date,
    paid_on: date,
    frequency: PayFrequency,
    gross_pence: int,
    enrolled: bool,
    arrangement: Arrangement,
    thresholds: RateValue,
    employer_rate: Decimal = EMPLOYER_MINIMUM,
    employee_rate: Decimal = TOTAL_MINIMUM - EMPLOYER_MINIMUM,
    state_pension_age: int = 66,
) -> PensionResult:
    if employer_rate < EMPLOYER_MINIMUM or employer_rate + employee_rate < TOTAL_MINIMUM:
        raise ValueError("contributions below the statutory minimum: 3% employer, 8% in all")
    limits = thresholds.decimals(frequency.value)
    gross = Decimal(gross_pence) / 100
    age = age_on(date_of_birth, paid_on)
    category = categorise(age, gross, limits, state_pension_age)
    qualifying = max(min(gross, limits["upper"]) - limits["lower"], Decimal(0))
    if not enrolled:
        return PensionResult(
            category,
            category is WorkerCategory.ELIGIBLE_JOBHOLDER,
            _round(qualifying),
            0,
            0,
            0,
            False,
            (thresholds.reference,),
        )
    employer = _round(qualifying * employer_rate)
    gross_employee = qualifying * employee_rate
    if arrangement is Arrangement.RELIEF_AT_SOURCE:
        employee = _round(gross_employee * (1 - BASIC_RATE_RELIEF))
        relief = _round(gross_employee) - employee
    else:
        employee, relief = _round(gross_employee), 0
    return PensionResult(
        category=category,
        must_enrol=category is WorkerCategory.ELIGIBLE_JOBHOLDER,
        qualifying_earnings_pence=_round(qualifying),
        employer_pence=employer,
        employee_pence=employee,
        tax_relief_pence=relief,
        reduces_taxable_pay=arrangement is Arrangement.NET_PAY,
        rates_used=(thresholds.reference,),
    )
