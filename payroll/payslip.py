"""One PA's payslip for one period, from hours worked to net pay and employer cost. Pure: no I/O.

The order is the law's: gross pay from the hours (each line rounded half-up to the penny),
rolled-up holiday pay if that is the scheme; pension on qualifying earnings; taxable pay
(less the employee's pension under a net pay arrangement); PAYE on taxable pay; NI on gross
pay; then net pay. Every rate used is recorded by series and date so the payslip can say
where each figure came from; the fair-work findings travel with the payslip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from payroll.fair_work import HOLIDAY, Finding, WorkedTime, Worker, assess_pay_run
from payroll.holiday import ROLLED_UP_LABEL, HolidayScheme, accrued_hours, rolled_up_pay_pence
from payroll.ni import NiResult, calculate_ni
from payroll.paye import PayeResult, calculate_paye
from payroll.pension import Arrangement, PensionResult, assess_pension
from payroll.periods import PayFrequency
from payroll.rates import RateValue
from payroll.ssp import SspResult
from payroll.tax_codes import TaxCode


@dataclass(frozen=True, slots=True)
class PayslipRates:
    """Every dated value a payslip needs, looked up once by the caller."""

    income_tax_bands: RateValue
    ni_thresholds: RateValue
    ni_rates: RateValue
    pension_thresholds: RateValue
    minimum_wage: RateValue
    pa_minimum_on: Callable[[date], RateValue]


@dataclass(frozen=True, slots=True)
class PayslipRequest:
    worker: Worker
    tax_code: TaxCode
    ni_category: str
    frequency: PayFrequency
    period_number: int
    period_start: date
    paid_on: date
    entries: tuple[WorkedTime, ...]
    previous_taxable_pay_pence: int = 0
    previous_tax_pence: int = 0
    pension_enrolled: bool = True
    pension_arrangement: Arrangement = Arrangement.RELIEF_AT_SOURCE
    holiday_scheme: HolidayScheme = HolidayScheme.ACCRUAL
    sick_pay: SspResult | None = None


@dataclass(frozen=True, slots=True)
class PayLine:
    label: str
    hours: Decimal | None
    hourly_rate_pence: int | None
    amount_pence: int


@dataclass(frozen=True, slots=True)
class Payslip:
    lines: tuple[PayLine, ...]
    gross_pence: int
    taxable_pence: int
    paye: PayeResult
    ni: NiResult
    pension: PensionResult
    holiday_hours_accrued: Decimal
    holiday_hours_taken: Decimal
    net_pence: int
    employer_cost_pence: int
    findings: tuple[Finding, ...]
    sick_pay_rates: tuple[str, ...] = ()

    @property
    def rates_used(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys((*self.paye.rates_used, *self.ni.rates_used, *self.pension.rates_used, *self.sick_pay_rates))
        )


ZERO = Decimal(0)
ONE = Decimal(1)


def _line_amount(hours: Decimal, rate_pence: int) -> int:
    return int((hours * rate_pence).quantize(ONE, rounding=ROUND_HALF_UP))


def calculate_payslip(request: PayslipRequest, rates: PayslipRates) -> Payslip:
    groups: dict[tuple[str, int], Decimal] = {}
    for entry in request.entries:
        key = (entry.kind, entry.hourly_rate_pence)
        groups[key] = groups.get(key, ZERO) + entry.hours
    lines, pay_for_work, hours_worked, hours_taken = [], 0, ZERO, ZERO
    for (kind, rate), hours in sorted(groups.items()):
        amount = _line_amount(hours, rate)
        if kind == HOLIDAY:
            lines.append(PayLine("holiday taken", hours, rate, amount))
            hours_taken += hours
        else:
            lines.append(PayLine(f"{kind.replace('_', ' ')} hours", hours, rate, amount))
            pay_for_work += amount
            hours_worked += hours
    rolled_up = rolled_up_pay_pence(request.holiday_scheme, pay_for_work)
    if rolled_up:
        lines.append(PayLine(ROLLED_UP_LABEL, None, None, rolled_up))
    sick_pay = request.sick_pay
    if sick_pay is not None and sick_pay.amount_pence:
        days = f"{sick_pay.days_paid} day{'s' if sick_pay.days_paid != 1 else ''}"
        lines.append(PayLine(f"statutory sick pay ({days})", None, None, sick_pay.amount_pence))
    elif sick_pay is not None and sick_pay.notes:
        lines.append(PayLine(f"no statutory sick pay: {sick_pay.notes[0]}", None, None, 0))
    gross = sum(line.amount_pence for line in lines)
    pension = assess_pension(
        date_of_birth=request.worker.date_of_birth,
        paid_on=request.paid_on,
        frequency=request.frequency,
        gross_pence=gross,
        enrolled=request.pension_enrolled,
        arrangement=request.pension_arrangement,
        thresholds=rates.pension_thresholds,
    )
    taxable = gross - (pension.employee_pence if pension.reduces_taxable_pay else 0)
    paye = calculate_paye(
        request.tax_code,
        request.frequency,
        request.period_number,
        taxable_pay_pence=taxable,
        previous_taxable_pay_pence=request.previous_taxable_pay_pence,
        previous_tax_pence=request.previous_tax_pence,
        bands=rates.income_tax_bands,
    )
    ni = calculate_ni(
        request.ni_category, request.frequency, gross, thresholds=rates.ni_thresholds, rates=rates.ni_rates
    )
    findings = assess_pay_run(
        request.worker,
        request.period_start,
        list(request.entries),
        pa_minimum_on=rates.pa_minimum_on,
        minimum_wage_for_period=rates.minimum_wage,
    )
    return Payslip(
        lines=tuple(lines),
        gross_pence=gross,
        taxable_pence=taxable,
        paye=paye,
        ni=ni,
        pension=pension,
        holiday_hours_accrued=accrued_hours(request.holiday_scheme, hours_worked),
        holiday_hours_taken=hours_taken,
        net_pence=gross - paye.tax_pence - ni.employee_pence - pension.employee_pence,
        employer_cost_pence=gross + ni.employer_pence + pension.employer_pence,
        findings=tuple(findings),
        sick_pay_rates=sick_pay.rates_used if sick_pay is not None else (),
    )
