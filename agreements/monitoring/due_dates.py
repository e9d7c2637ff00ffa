"""When wages, tax and pension owed by a PA employer fall due, and which part of what is owed is
late. Pure.

Sources: GOV.UK, "Pay employers' PAYE" (https://www.gov.uk/pay-paye-tax): by the 22nd after the tax
month ends (the 6th to the 5th), or after the tax quarter for a small employer paying quarterly;
The Pensions Regulator, "Paying contributions"
(https://www.thepensionsregulator.gov.uk/en/employers/managing-a-scheme/paying-contributions): by the
22nd of the month after they were deducted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

WAGES_GRACE_DAYS = 5
"""A bank transfer made on payday can show on the statement a few working days later."""


@dataclass(frozen=True, slots=True)
class Overdue:
    what: str
    """``wages``, ``hmrc`` or ``pension``."""
    due_on: date
    owed_pence: int


QUARTER_ENDS = (1, 4, 7, 10)
"""The months whose 5th ends a tax quarter (5 January, 5 April, 5 July, 5 October)."""


def hmrc_due_on(paid_on: date, *, quarterly: bool = False) -> date:
    """PAYE on pay paid in a tax month (6th to 5th) is due by the 22nd after it ends; a small
    employer paying quarterly pays by the 22nd after the tax quarter ends."""
    year, month = (paid_on.year, paid_on.month) if paid_on.day <= 5 else _next_month(paid_on.year, paid_on.month)
    while quarterly and month not in QUARTER_ENDS:
        year, month = _next_month(year, month)
    return date(year, month, 22)


def pension_due_on(paid_on: date) -> date:
    """Contributions deducted in a month reach the scheme by the 22nd of the next month."""
    year, month = _next_month(paid_on.year, paid_on.month)
    return date(year, month, 22)


def wages_due_on(paid_on: date) -> date:
    return paid_on + timedelta(days=WAGES_GRACE_DAYS)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def overdue_of(
    what: str, owed_pence: int, accruals: list[tuple[date, int]], today: date, due_on: Callable[[date], date]
) -> Overdue | None:
    """What of a liability is past its due date: payments clear the oldest amounts first, so what is
    still owed is the newest accruals; anything beyond those not yet due is overdue, from the due
    date of the oldest accrual not fully paid."""
    not_yet_due = sum(amount for day, amount in accruals if due_on(day) >= today)
    late = owed_pence - not_yet_due
    if late <= 0:
        return None
    remaining = owed_pence
    oldest = None
    for day, amount in sorted(accruals, reverse=True):
        oldest = day
        remaining -= amount
        if remaining <= 0:
            break
    if oldest is None:
        return None
    return Overdue(what, due_on(oldest), late)


def first_day_not_due(due_on: Callable[[date], date], today: date) -> date:
    """The earliest day whose amounts are not yet due today (due dates only move later with the day
    they arise, so every amount from this day on is not due, and every one before it is)."""
    day = today
    while due_on(day - timedelta(days=1)) >= today:
        day -= timedelta(days=1)
    return day
