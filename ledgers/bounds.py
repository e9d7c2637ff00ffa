"""The range every amount and date entering the ledger must fall in.

No Direct Payment comes near £100 million, and no record of one is dated before 2000 or after
2099; a figure outside is a mistake or an attack, refused with a sentence rather than stored
(where a date of 9999-12-31 would sit in every balance, and an amount near 2^63 pence would
overflow PostgreSQL's BIGINT when summed). Kept this far inside BIGINT, no sum of permitted
amounts can overflow: it would take 900 million postings at the maximum.
"""

from __future__ import annotations

from datetime import date

from ledgers.errors import LedgerError
from ledgers.money import Money

MAX_PENCE = 10_000_000_000
"""£100,000,000: the most a posting, a bank line or a balance may be, either way."""
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


class OutOfBoundsError(LedgerError):
    title = "Outside what the ledger holds"


def check_pence(pence: int, field: str) -> int:
    if abs(pence) > MAX_PENCE:
        raise OutOfBoundsError(f"{Money(pence)} is more than the {Money(MAX_PENCE)} any record may hold.", field=field)
    return pence


def check_day(day: date, field: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise OutOfBoundsError(
            f"{day.isoformat()} is outside the years {EARLIEST_DAY.year} to {LATEST_DAY.year} the ledger holds.",
            field=field,
        )
    return day
