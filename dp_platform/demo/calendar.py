"""When the demo's story happens, so that it is true on the day it runs.

The story is written for April and May 2026: the agreement starts and the first payment arrives on
6 April, April's hours are paid on 1 May, May's bank statement runs to 20 May. It is told as many
whole four-weekly periods later as keep its last day on or before today, so its records are recent,
its pay periods are real periods of the tax year, and its days keep their weekdays. It never moves
past the rates the platform holds: while the latest published rates end in April 2027, the story
stays in tax year 2026/27 (it cannot start a tax year it has no rates for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from payroll.rates import series

WRITTEN_FOR = date(2026, 4, 6)
"""The story's first day, as written: the first day of tax year 2026/27's first four-weekly period."""
LAST_RECORD = date(2026, 5, 20)
"""The last day the story records anything, as written (its bank statement's last line)."""
LAST_PAY_DAY = date(2026, 5, 31)
"""The last day of the story's second pay period, as written: the latest day its payroll needs rates for."""
TAX_YEAR_PERIODS = 13
PERIOD = timedelta(days=28)
RATE_SERIES = (
    "hmrc.income_tax.scottish_bands",
    "hmrc.ni.class1.thresholds",
    "tpr.auto_enrolment_thresholds",
    "scotgov.pa_minimum_hourly_rate",
    "lpc.minimum_wage_hourly_rates",
)


def rates_known_until() -> date:
    """The last day every rate the demo's payroll asks for is published."""
    return min(series(series_id).values[-1].effective_to for series_id in RATE_SERIES)


@dataclass(frozen=True, slots=True)
class DemoCalendar:
    periods: int
    """How many four-weekly periods after its writing the story is told."""

    @classmethod
    def for_day(cls, today: date) -> DemoCalendar:
        recent = (today - LAST_RECORD).days // 28
        rated = (rates_known_until() - LAST_PAY_DAY).days // 28
        in_the_tax_year = TAX_YEAR_PERIODS - 2  # the story's two periods stay inside 2026/27
        return cls(max(0, min(recent, rated, in_the_tax_year)))

    def on(self, written: date) -> date:
        """The day a date of the story, as written, falls on now."""
        return written + self.periods * PERIOD

    def period(self, written_number: int) -> int:
        """The tax year's period number of the story's period ``written_number``."""
        return written_number + self.periods
