"""Which contract rate pays an hour: the PA's dated rate table and Scotland's bank holidays. Pure.

A PA's contract names hourly rates by kind (standard, night, weekend, bank holiday,
sleepover), each from a date, so a pay rise is a new row and old timesheets keep their
rate. When a timesheet line does not say its kind, the day decides: a Scottish bank holiday
uses the bank-holiday rate, a Saturday or Sunday the weekend rate, where the contract has
one; otherwise the standard rate. Night and sleepover hours must be named as such. Leave
taken (``holiday``) is paid at the standard rate unless the line gives a rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from payroll.errors import PayrollError
from payroll.rates import series

KINDS = ("standard", "night", "weekend", "bank_holiday", "sleepover")


@dataclass(frozen=True, slots=True)
class ContractRate:
    kind: str
    hourly_rate_pence: int
    effective_from: date


def is_scottish_bank_holiday(day: date) -> bool:
    """Raises ``RateNotPublishedError`` for a year whose Scottish holidays are not published yet."""
    return day in series("ukgov.scottish_bank_holidays").at(calendar_day=day)["dates"]


def rate_on(rates: Iterable[ContractRate], kind: str, day: date) -> int | None:
    """The contract's rate of this kind in force on the day (the latest ``effective_from`` on or before it)."""
    current = [rate for rate in rates if rate.kind == kind and rate.effective_from <= day]
    return max(current, key=lambda rate: rate.effective_from).hourly_rate_pence if current else None


def resolve(rates: Iterable[ContractRate], day: date, kind: str | None) -> tuple[str, int]:
    """The kind and hourly rate for hours on ``day``; ``kind=None`` lets the calendar choose."""
    rates = tuple(rates)
    if kind is not None:
        candidates = [kind]
    else:
        candidates = ["standard"]
        if day.weekday() >= 5:
            candidates.insert(0, "weekend")
        if is_scottish_bank_holiday(day):
            candidates.insert(0, "bank_holiday")
    for candidate in candidates:
        rate = rate_on(rates, "standard" if candidate == "holiday" else candidate, day)
        if rate is not None:
            return candidate, rate
    missing = "standard" if candidates[-1] == "holiday" else candidates[-1]
    raise PayrollError(
        f"The contract has no {missing.replace('_', ' ')} rate in force on {day.isoformat()}; "
        "add one or give the hourly rate.",
        field="hourly_rate_pence",
    )
