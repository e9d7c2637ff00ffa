"""Fair-work checks for a pay run: every hour against the floors that apply to it. Pure: no I/O.

- The Scottish PA minimum applies to every hour worked by a PA funded through SDS Option 1
  or ILF Scotland, sleepovers included, at the rate in force on the day the hour was worked
  (docs/reference/domain.md §3.1).
- The National Living Wage / Minimum Wage applies by the worker's age at the start of the pay
  reference period, at the rate for the period's start (payroll.md §8.1). Sleep-in hours, when
  the worker may sleep, are not time work for minimum wage purposes (Royal Mencap Society v
  Tomlinson-Blake [2021] UKSC 8), so they are checked against the PA minimum only.

A finding names the PA, the dates, the shortfall per hour and the arrears; arrears are
rounded up to the penny, in the worker's favour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from operator import attrgetter

from dateutil.relativedelta import relativedelta

from payroll.rates import RateValue

SLEEPOVER = "sleepover"
HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class WorkedTime:
    worked_on: date
    hours: Decimal
    hourly_rate_pence: int
    kind: str = "standard"
    """``standard``, ``night``, ``weekend``, ``bank_holiday``, ``sleepover``, or ``holiday`` (leave taken)."""


@dataclass(frozen=True, slots=True)
class Worker:
    name: str
    date_of_birth: date
    dp_funded: bool = True
    """Paid from an Option 1 Direct Payment or ILF Scotland, so the Scottish PA minimum applies."""
    apprenticeship_started_on: date | None = None
    """An apprentice is paid at least the apprentice rate while under 19, or in the first year of the
    apprenticeship at any age; after that, the rate for their age (GOV.UK, "National Minimum Wage and
    National Living Wage rates", https://www.gov.uk/national-minimum-wage-rates, "Apprentices")."""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    """``below_pa_minimum`` or ``below_minimum_wage``."""
    worker: str
    first_on: date
    last_on: date
    hours: Decimal
    paid_rate_pence: int
    minimum_pence: int
    shortfall_per_hour_pence: int
    arrears_pence: int
    rate_reference: str

    def sentence(self) -> str:
        span = (
            self.first_on.isoformat()
            if self.first_on == self.last_on
            else (f"{self.first_on.isoformat()} to {self.last_on.isoformat()}")
        )
        floor = "the Scottish PA minimum" if self.rule == "below_pa_minimum" else "the minimum wage for their age"
        return (
            f"{self.worker} was paid {self.paid_rate_pence / 100:.2f}/h for {self.hours} h on {span}, below "
            f"{floor} of {self.minimum_pence / 100:.2f}/h: {self.shortfall_per_hour_pence}p an hour short, "
            f"arrears {self.arrears_pence / 100:.2f}"
        )


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on ``day`` (a 29 February birthday counts from 1 March in other years)."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def minimum_wage_band(worker: Worker, period_start: date) -> str:
    age = age_on(worker.date_of_birth, period_start)
    started = worker.apprenticeship_started_on
    if (
        started is not None
        and started <= period_start
        and (age < 19 or period_start < started + relativedelta(years=1))
    ):
        return "apprentice"
    if age >= 21:
        return "age_21_and_over"
    if age >= 18:
        return "age_18_to_20"
    return "age_16_to_17"


_DAY = attrgetter("worked_on")
_RATE = attrgetter("hourly_rate_pence")


def _collect(
    rule: str, worker: Worker, entries: list[WorkedTime], minimum_on: Callable[[date], RateValue], field: str
) -> list[Finding]:
    if not entries:
        return []
    days = list(map(_DAY, entries))
    first = minimum_on(min(days))
    if first is minimum_on(max(days)) and min(map(_RATE, entries)) >= int(first[field]):
        return []  # one floor for the whole span (dated values are contiguous) and every rate is above it
    groups: dict[tuple[int, int, str], list[WorkedTime]] = {}
    floors: dict[date, tuple[int, RateValue]] = {}  # one look-up per day: a payslip has many lines a day
    for entry in entries:
        floor = floors.get(entry.worked_on)
        if floor is None:
            rate = minimum_on(entry.worked_on)
            floor = floors[entry.worked_on] = (int(rate[field]), rate)
        if entry.hourly_rate_pence < floor[0]:
            groups.setdefault((entry.hourly_rate_pence, floor[0], floor[1].reference), []).append(entry)
    findings = []
    for (paid, minimum, reference), group in sorted(groups.items(), key=lambda item: item[1][0].worked_on):
        hours = sum((entry.hours for entry in group), Decimal(0))
        shortfall = minimum - paid
        findings.append(
            Finding(
                rule=rule,
                worker=worker.name,
                first_on=min(e.worked_on for e in group),
                last_on=max(e.worked_on for e in group),
                hours=hours,
                paid_rate_pence=paid,
                minimum_pence=minimum,
                shortfall_per_hour_pence=shortfall,
                arrears_pence=int((hours * shortfall).to_integral_value(rounding=ROUND_CEILING)),
                rate_reference=reference,
            )
        )
    return findings


def assess_pay_run(
    worker: Worker,
    period_start: date,
    entries: list[WorkedTime],
    *,
    pa_minimum_on: Callable[[date], RateValue],
    minimum_wage_for_period: RateValue,
) -> list[Finding]:
    """Every finding for one worker's hours in one pay reference period (empty when all is well).

    Leave taken is not time worked, so holiday lines are left out of both checks."""
    entries = [entry for entry in entries if entry.kind != HOLIDAY]
    findings: list[Finding] = []
    if worker.dp_funded:
        findings += _collect("below_pa_minimum", worker, entries, pa_minimum_on, "hourly_rate_pence")
    band = minimum_wage_band(worker, period_start)
    awake = [entry for entry in entries if entry.kind != SLEEPOVER]
    findings += _collect("below_minimum_wage", worker, awake, lambda _: minimum_wage_for_period, band)
    return findings
