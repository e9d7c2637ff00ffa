"""Pay frequencies, tax years and which PAYE tables a payment uses.

PAYE tables are weekly (base 52) or monthly (base 12). Multi-week payrolls use the weekly
tables at a multiple: the k-th fortnightly payment at week 2k, the k-th four-weekly payment
at week 4k (docs/reference/payroll.md §3.1). Four-weekly is the norm for PAs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from payroll.errors import PayrollError


class PayFrequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"

    @property
    def weeks(self) -> int | None:
        return {"weekly": 1, "fortnightly": 2, "four_weekly": 4}.get(self.value)

    @property
    def periods_in_year(self) -> int:
        return {"weekly": 52, "fortnightly": 26, "four_weekly": 13, "monthly": 12}[self.value]


@dataclass(frozen=True, slots=True)
class TablePosition:
    base: int
    """52 for the weekly tables, 12 for the monthly ones."""
    n: int
    """The week or month of the tables this payment is worked on."""
    non_cumulative: bool = False
    """Worked on the Week 1 basis whatever the code says (the extra "week 53" payday)."""


def table_position(frequency: PayFrequency, period_number: int, *, week1_month1: bool = False) -> TablePosition:
    """Where a payment sits in the tables. A weekly, fortnightly or four-weekly payroll whose payday
    falls on the last day or two of the tax year has one more period (week 53, 54 or 56): it is
    worked non-cumulatively on the Week 1, 2 or 4 tables (HMRC PAYE70015, payroll.md §3.1)."""
    extra = frequency is not PayFrequency.MONTHLY and period_number == frequency.periods_in_year + 1
    if not (1 <= period_number <= frequency.periods_in_year or extra):
        allowed = frequency.periods_in_year + (0 if frequency is PayFrequency.MONTHLY else 1)
        raise PayrollError(
            f"a {frequency.value} payroll has periods 1 to {allowed}, not {period_number}", field="period_number"
        )
    if frequency is PayFrequency.MONTHLY:
        return TablePosition(12, 1 if week1_month1 else period_number)
    weeks = frequency.weeks or 1
    if extra:
        return TablePosition(52, weeks, non_cumulative=True)
    return TablePosition(52, weeks if week1_month1 else weeks * period_number)


def tax_year_start(day: date) -> date:
    """The 6 April on or before ``day``."""
    start = date(day.year, 4, 6)
    return start if day >= start else date(day.year - 1, 4, 6)


def tax_year_label(day: date) -> str:
    start = tax_year_start(day)
    return f"{start.year}/{str(start.year + 1)[2:]}"


def four_weekly_period(day: date) -> tuple[int, date, date]:
    """The four-weekly pay period of the tax year that holds ``day``: its number, first and last day.

    Periods run from 6 April in 28-day steps; the 14th, when a tax year has one, is the extra payday.
    """
    start = tax_year_start(day)
    number = (day - start).days // 28 + 1
    first = start + timedelta(days=28 * (number - 1))
    return number, first, first + timedelta(days=27)
