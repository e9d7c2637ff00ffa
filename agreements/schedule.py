"""The payment schedule of an agreement: dates and amounts, net of the person's contribution. Pure.

Regular payments fall on the authority's cycle (``cycle_starts_on`` repeated weekly, every 4
weeks or monthly, with python-dateutil's rrule), each covering the period up to the next cycle
date, paid on its first day (in advance) or the day after its last (in arrears). A regular
payment is the annual budget over the payments in a year (52, 13 or 12), rounded half up to the
penny; so is the contribution taken from it. When the agreement starts or ends part of the way
through a period, that payment covers only its days: the regular amount times the days covered
over the days in the period, rounded half up (the contribution the same way).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import NamedTuple

from dateutil.rrule import MONTHLY, rrule

from agreements.terms import Frequency, Terms

PAYMENTS_IN_YEAR = {Frequency.WEEKLY: 52, Frequency.FOUR_WEEKLY: 13, Frequency.MONTHLY: 12}


class ScheduledPayment(NamedTuple):
    """One payment of the schedule (a tuple: a council's portfolio schedules a year for every account)."""

    due_on: date
    covers_from: date
    covers_to: date
    days_covered: int
    days_in_period: int
    gross_pence: int
    contribution_pence: int
    recovered_pence: int = 0
    """A surplus the council recovers by paying this much less (netting), agreed after a conversation."""

    @property
    def payable_pence(self) -> int:
        """What the payment is worth to the person: the budget less their contribution."""
        return self.gross_pence - self.contribution_pence

    @property
    def net_pence(self) -> int:
        """What arrives in the bank: less any surplus recovered by netting."""
        return self.payable_pence - self.recovered_pence

    @property
    def part_period(self) -> bool:
        return self.days_covered != self.days_in_period


def _share(amount: int, days: int, period: int) -> int:
    if days == period or not amount:  # a whole period, or nothing to share: no arithmetic
        return amount if days == period else 0
    return int((Decimal(amount) * days / period).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def regular_amounts(terms: Terms) -> tuple[int, int]:
    """The regular gross payment and the regular contribution, in pence."""
    count = PAYMENTS_IN_YEAR[terms.frequency]
    return (
        _share(terms.annual_total_pence, 1, count),
        _share(terms.annual_contribution_pence, 1, count),
    )


def _cycle_dates(terms: Terms) -> list[date]:
    """Cycle dates from the last on or before the start to the first after the end."""
    if terms.frequency is not Frequency.MONTHLY:
        return _weekly_cycle_dates(terms, timedelta(weeks=1 if terms.frequency is Frequency.WEEKLY else 4))
    start = datetime.combine(terms.cycle_starts_on, datetime.min.time())
    rule = rrule(MONTHLY, dtstart=start, bymonthday=terms.cycle_starts_on.day)
    until = datetime.combine(terms.ends_on + timedelta(days=1), datetime.min.time())
    dates = [moment.date() for moment in rule.between(start, until, inc=True)]
    following = rule.after(until, inc=True)
    if following is not None:
        dates.append(following.date())
    earlier = [day for day in dates if day <= terms.starts_on]
    return dates[len(earlier) - 1 :] if earlier else dates


def _weekly_cycle_dates(terms: Terms, step: timedelta) -> list[date]:
    """The same dates as the weekly rule, by arithmetic: a council's whole portfolio is scheduled at
    once, and whole weeks need no calendar."""
    day = terms.cycle_starts_on
    if day < terms.starts_on:
        day += step * ((terms.starts_on - day).days // step.days)
    until = terms.ends_on + timedelta(days=1)
    dates = []
    while day <= until:
        dates.append(day)
        day += step
    dates.append(day)
    return dates


def payment_schedule(terms: Terms) -> list[ScheduledPayment]:
    regular, contribution = regular_amounts(terms)
    cycle = _cycle_dates(terms)
    payments = []
    for period_start, next_start in pairwise(cycle):
        covers_from = max(period_start, terms.starts_on)
        covers_to = min(next_start - timedelta(days=1), terms.ends_on)
        if covers_from > covers_to:
            continue
        days_in_period = (next_start - period_start).days
        days = (covers_to - covers_from).days + 1
        payments.append(
            ScheduledPayment(
                due_on=covers_from if terms.in_advance else covers_to + timedelta(days=1),
                covers_from=covers_from,
                covers_to=covers_to,
                days_covered=days,
                days_in_period=days_in_period,
                gross_pence=_share(regular, days, days_in_period),
                contribution_pence=_share(contribution, days, days_in_period),
            )
        )
    return payments
