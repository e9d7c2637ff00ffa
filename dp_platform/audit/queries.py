"""Reading the audit trail: the employer and the authority read the same events.

An actor reads the chains of every account they may view (so the holder sees what the
bureau and the authority did, and the authority sees what the holder and the bureau
did), plus their own user chain and, for bureau staff, their organisation's chain.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.chain import HASHED_FIELDS
from dp_platform.audit.tables import AuditEventRow
from dp_platform.audit.writer import organisation_chain, user_chain
from dp_platform.tenancy.access import authorize, list_accounts
from dp_platform.tenancy.mandates import organisation_names
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import UserRow

EXPORT_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class AuditFilter:
    account_id: uuid.UUID | None = None
    actor_user_id: uuid.UUID | None = None
    action: str | None = None
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    """Exclusive upper bound."""


async def _readable(session: AsyncSession, actor: Actor, wanted: AuditFilter) -> Select[tuple[AuditEventRow]]:
    query = select(AuditEventRow)
    if wanted.account_id is not None:
        await authorize(session, actor, wanted.account_id, Action.VIEW)
        query = query.where(col(AuditEventRow.account_id) == wanted.account_id)
    elif actor.role is not Role.PLATFORM_ADMIN:
        own_chains = [user_chain(actor.user_id)] if actor.user_id else []
        if actor.role is Role.BUREAU_STAFF and actor.organisation_id:
            own_chains.append(organisation_chain(actor.organisation_id))
        account_ids = [account.id for account in await list_accounts(session, actor)]
        query = query.where(
            or_(col(AuditEventRow.account_id).in_(account_ids), col(AuditEventRow.chain).in_(own_chains))
        )
    if wanted.actor_user_id is not None:
        query = query.where(col(AuditEventRow.actor_user_id) == wanted.actor_user_id)
    if wanted.action is not None:
        query = query.where(col(AuditEventRow.action) == wanted.action)
    if wanted.occurred_from is not None:
        query = query.where(col(AuditEventRow.occurred_at) >= wanted.occurred_from)
    if wanted.occurred_to is not None:
        query = query.where(col(AuditEventRow.occurred_at) < wanted.occurred_to)
    return query


async def list_events(
    session: AsyncSession, actor: Actor, wanted: AuditFilter, *, before: uuid.UUID | None = None, limit: int = 100
) -> tuple[list[AuditEventRow], uuid.UUID | None]:
    """Newest first; pass the returned id as ``before`` for the next page (None when there is none)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = await _readable(session, actor, wanted)
    if before is not None:
        query = query.where(col(AuditEventRow.id) < before)
    rows = list(await session.scalars(query.order_by(col(AuditEventRow.id).desc()).limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


async def stream_events(session: AsyncSession, actor: Actor, wanted: AuditFilter) -> AsyncIterator[AuditEventRow]:
    """Oldest first, without holding them all in memory."""
    query = (await _readable(session, actor, wanted)).order_by(col(AuditEventRow.id))
    async for row in await session.stream_scalars(query.execution_options(yield_per=1000)):
        yield row


def export_record(row: AuditEventRow) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in EXPORT_FIELDS:
        value = getattr(row, name)
        record[name] = str(value) if isinstance(value, uuid.UUID) else value
    record["occurred_at"] = row.occurred_at.isoformat()
    return record


def csv_header() -> str:
    return _csv_line(EXPORT_FIELDS)


def _csv_line(values: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def csv_row(row: AuditEventRow) -> str:
    record = export_record(row)
    record["details"] = json.dumps(record["details"], sort_keys=True, separators=(",", ":"))
    return _csv_line("" if record[name] is None else record[name] for name in EXPORT_FIELDS)


def jsonl_row(row: AuditEventRow) -> str:
    return json.dumps(export_record(row), sort_keys=True, separators=(",", ":")) + "\n"


async def names_in(
    session: AsyncSession, rows: Iterable[AuditEventRow]
) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    """The people and organisations the events name, by id, so a page can say who did what."""
    rows = list(rows)
    user_ids = {row.actor_user_id for row in rows if row.actor_user_id}
    organisation_ids = {row.actor_organisation_id for row in rows if row.actor_organisation_id}
    organisation_ids |= {
        uuid.UUID(row.details["organisation_id"]) for row in rows if row.details.get("organisation_id")
    }
    people = dict(
        (
            await session.execute(
                select(col(UserRow.id), col(UserRow.display_name)).where(col(UserRow.id).in_(user_ids))
            )
        ).all()
    )
    return people, await organisation_names(session, organisation_ids)
