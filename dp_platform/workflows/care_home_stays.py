"""Care home stays on an account: what the residential rule counts (28 nights in 12 months by default,
across stays). The holder's side records them, as they do other records of the money."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_account_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from ledgers.categories.stays import record_stay, remove_stay, stays_of
from ledgers.categories.tables import CareHomeStayRow
from ledgers.columns import utc_now


async def account_stays(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> list[CareHomeStayRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await stays_of(session, account_id)


async def add_stay(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, first_night: date, last_night: date, place: str
) -> CareHomeStayRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row = await record_stay(
        session, account_id, first_night=first_night, last_night=last_night, place=place, user_id=actor.user_id
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="stay.recorded",
        subject_type="care_home_stay",
        subject_id=row.id,
        details={"place": row.place, "first_night": first_night.isoformat(), "last_night": last_night.isoformat()},
    )
    return row


async def take_off_stay(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, stay_id: uuid.UUID
) -> CareHomeStayRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row, removed = await remove_stay(session, account_id, stay_id, user_id=actor.user_id, at=utc_now())
    if not removed:
        note_unchanged()
        return row
    await record_account_event(
        session,
        access,
        actor=actor,
        action="stay.removed",
        subject_type="care_home_stay",
        subject_id=row.id,
        details={
            "place": row.place,
            "first_night": row.first_night.isoformat(),
            "last_night": row.last_night.isoformat(),
        },
    )
    return row
