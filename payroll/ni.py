"""Class 1 National Insurance for one payment, by category letter. Pure: no I/O.

HMRC's exact-percentage method with its published thresholds for the pay frequency
(docs/reference/payroll.md §4): employee contributions between the primary threshold and
the UEL and above it, employer contributions above the secondary threshold (due even when
pay is below the LEL), each part rounded separately by HMRC's rule that a third decimal of 5
or less is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from payroll.errors import PayrollError
from payroll.periods import PayFrequency
from payroll.rates import RateValue


def ni_round(value: Decimal) -> int:
    """Whole pence: keep three decimals, then round the penny up only when the third is 6 to 9."""
    thousandths = int((value * 1000).to_integral_value(rounding=ROUND_DOWN))
    pence, third = divmod(thousandths, 10)
    return pence + (1 if third >= 6 else 0)


@dataclass(frozen=True, slots=True)
class NiResult:
    category: str
    employee_pence: int
    employer_pence: int
    earnings_at_or_above_lel: bool
    """Whether this pay earns a qualifying week/month for State Pension even with no contributions."""
    rates_used: tuple[str, ...]


def calculate_ni(
    category: str, frequency: PayFrequency, gross_pence: int, *, thresholds: RateValue, rates: RateValue
) -> NiResult:
    categories = rates["categories"]
    if category not in categories:
        raise PayrollError(
            f"'{category}' is not an NI category letter ({', '.join(sorted(categories))})", field="ni_category"
        )
    rate = categories[category]
    limits = thresholds.decimals(frequency.value)
    pay = Decimal(gross_pence) / 100

    def above(low: Decimal, high: Decimal | None = None) -> Decimal:
        top = pay if high is None else min(pay, high)
        return max(top - low, Decimal(0))

    employee = ni_round(above(limits["pt"], limits["uel"]) * rate["employee_main"]) + ni_round(
        above(limits["uel"]) * rate["employee_upper"]
    )
    free_to = rate["employer_free_to"]
    split = limits[free_to] if free_to != "none" else limits["ust"]
    below_split = Decimal(0) if free_to != "none" else rate["employer"]
    employer = ni_round(above(limits["st"], split) * below_split) + ni_round(
        above(max(split, limits["st"])) * rate["employer"]
    )
    return NiResult(
        category=category,
        employee_pence=employee,
        employer_pence=employer,
        earnings_at_or_above_lel=pay >= limits["lel"],
        rates_used=(thresholds.reference, rates.reference),
    )
