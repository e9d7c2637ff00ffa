"""When an agreement's reviews and monitoring returns fall due. Pure.

A review is due ``review_months`` after the agreement starts, then that long after each review held.
Returns follow the agreement's monitoring term: none when the council reads the shared record;
otherwise one a quarter or one a year from the start, each due 28 days after its period ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from agreements.terms import Monitoring, Terms

RETURN_DUE_AFTER = timedelta(days=28)
"""A return is sent within 4 weeks of its period's end (Haringey asks within 28 days of request)."""
_MONTHS = {Monitoring.QUARTERLY: 3, Monitoring.ANNUAL: 12}


@dataclass(frozen=True, slots=True)
class ReturnPeriod:
    period_from: date
    period_to: date

    @property
    def due_on(self) -> date:
        return self.period_to + RETURN_DUE_AFTER


def next_review_due(terms: Terms, last_held: date | None) -> date:
    return (last_held or terms.starts_on) + relativedelta(months=terms.review_months)


def return_periods(terms: Terms, today: date) -> list[ReturnPeriod]:
    """Every return period of the agreement that has ended by ``today`` (or the agreement's end)."""
    months = _MONTHS.get(terms.monitoring)
    if months is None:
        return []
    periods = []
    number = 0
    while True:
        first = terms.starts_on + relativedelta(months=months * number)
        last = min(terms.starts_on + relativedelta(months=months * (number + 1)) - timedelta(days=1), terms.ends_on)
        if first > terms.ends_on or last >= today:
            return periods
        periods.append(ReturnPeriod(first, last))
        number += 1
