"""How money, days and times read on a page: the one place a template's figures are formatted.

A person reads £1,234.56, 6 April 2026 and 2:05pm, never pence, ISO dates or UTC.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from dp_platform.tenancy.policy import SCOTTISH_TIME
from ledgers.money import Money


def money(pence: int | None) -> str:
    return "" if pence is None else str(Money(pence))


def day(value: date | datetime | str | None) -> str:
    """A date, a time (its day in Scotland), or a date kept as ISO text in a JSON record."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(SCOTTISH_TIME).date()
    return f"{value.day} {value:%B %Y}"


def moment(value: datetime | None) -> str:
    """A time in Scotland: '6 April 2026 at 2:05pm'."""
    if value is None:
        return ""
    local = value.astimezone(SCOTTISH_TIME)
    hour = local.hour % 12 or 12
    return f"{day(local)} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def hours(value: Decimal | int | None) -> str:
    """7.5 hours, not 7.50; whole hours without a point."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def as_uuid(value: str) -> uuid.UUID:
    """An id kept as text (a job's JSON result) as the id it is, to look its name up."""
    return uuid.UUID(value)


FILTERS = {"money": money, "day": day, "moment": moment, "hours": hours, "uuid": as_uuid}
