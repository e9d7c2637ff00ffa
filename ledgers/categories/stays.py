"""Care home stays, in the database: what a residential spend's nights are counted from. Functions take
the caller's session and never commit."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.categories.tables import CareHomeStayRow
from ledgers.categories.taxonomy import SpendRuleError
from ledgers.errors import DomainError

LONGEST_STAY = timedelta(days=366)
"""A stay recorded as longer than a year is a typing mistake, not a short break."""


class StayNotFoundError(DomainError):
    category = "not_found"
    title = "No such stay"


async def stays_of(session: AsyncSession, book_id: uuid.UUID) -> list[CareHomeStayRow]:
    rows = await session.scalars(
        select(CareHomeStayRow)
        .where(col(CareHomeStayRow.book_id) == book_id, col(CareHomeStayRow.removed_at).is_(None))
        .order_by(col(CareHomeStayRow.first_night))
    )
    return list(rows)


async def stays_up_to(
    session: AsyncSession, book_id: uuid.UUID, on: date, within_days: int = 365
) -> tuple[tuple[date, date], ...] | None:
    """The stays begun by ``on``, or None when none of them has a night in the ``within_days`` before it:
    a care home's bill with no stay recorded has nights nobody knows."""
    first = on - timedelta(days=within_days - 1)
    stays = tuple(
        (row.first_night, row.last_night) for row in await stays_of(session, book_id) if row.first_night <= on
    )
    return stays if any(last >= first for _, last in stays) else None


async def record_stay(
    session: AsyncSession,
    book_id: uuid.UUID,
    *,
    first_night: date,
    last_night: date,
    place: str,
    user_id: uuid.UUID | None,
) -> CareHomeStayRow:
    if last_night < first_night:
        raise SpendRuleError("The last night is before the first.", field="last_night")
    if last_night - first_night > LONGEST_STAY:
        raise SpendRuleError("A stay of more than a year is not a short stay: check the dates.", field="last_night")
    if not place.strip():
        raise SpendRuleError("Give the care home's name.", field="place")
    for row in await stays_of(session, book_id):
        if row.first_night <= last_night and first_night <= row.last_night:
            raise SpendRuleError(
                f"The stay overlaps one already recorded ({row.place}, {row.first_night:%-d %B %Y} to "
                f"{row.last_night:%-d %B %Y}).",
                field="first_night",
            )
    row = CareHomeStayRow(
        book_id=book_id,
        first_night=first_night,
        last_night=last_night,
        place=place.strip(),
        recorded_by_user_id=user_id,
    )
    session.add(row)
    await session.flush()
    return row


async def remove_stay(
    session: AsyncSession, book_id: uuid.UUID, stay_id: uuid.UUID, *, user_id: uuid.UUID | None, at: datetime
) -> tuple[CareHomeStayRow, bool]:
    """Returns the stay and whether it was removed now (False: it was removed already)."""
    row = await session.get(CareHomeStayRow, stay_id)
    if row is None or row.book_id != book_id:
        raise StayNotFoundError(f"There is no stay {stay_id} on this account.", field="stay_id")
    if row.removed_at is not None:
        return row, False
    row.removed_at, row.removed_by_user_id = at, user_id
    session.add(row)
    await session.flush()
    return row, True
