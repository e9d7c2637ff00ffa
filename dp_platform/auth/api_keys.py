"""API keys for bureau systems: shown once, stored as a hash, scoped, revocable.

A key reads ``dpk_<key id>_<secret>``. The id finds the row without a scan; the secret
is compared by hash in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, organisation_chain, record_event
from dp_platform.auth.tables import ApiKeyRow
from dp_platform.tenancy.errors import AccessDeniedError, ApiKeyNotFoundError, InvalidMandateError
from dp_platform.tenancy.policy import MANDATE_SCOPES, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import OrganisationRow
from ledgers.columns import utc_now
from ledgers.keyset import Keyset

PREFIX = "dpk"


@dataclass(frozen=True, slots=True)
class NewApiKey:
    row: ApiKeyRow
    key: str
    """The whole key; it is shown this once and never stored."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_own_organisation_staff(actor: Actor, organisation_id: uuid.UUID) -> None:
    """Only a person (not another key) on the organisation's own staff manages its keys."""
    if actor.role is not Role.BUREAU_STAFF or actor.organisation_id != organisation_id:
        raise ApiKeyNotFoundError("There is no such organisation among yours.", field="organisation_id")
    if actor.api_key_id is not None:
        raise AccessDeniedError("API keys cannot manage API keys; log in as a member of staff.")


async def create_api_key(
    session: AsyncSession, actor: Actor, organisation_id: uuid.UUID, *, name: str, scopes: list[str]
) -> NewApiKey:
    _require_own_organisation_staff(actor, organisation_id)
    unknown = sorted(set(scopes) - set(MANDATE_SCOPES))
    if not scopes or unknown:
        raise InvalidMandateError(f"Scopes must be some of {', '.join(sorted(MANDATE_SCOPES))}.", field="scopes")
    secret = secrets.token_urlsafe(32)
    row = ApiKeyRow(
        organisation_id=organisation_id,
        name=name,
        secret_sha256=_digest(secret),
        scopes=sorted(set(scopes)),
        created_by_user_id=actor.user_id,  # type: ignore[arg-type]
    )
    session.add(row)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="api_key.created",
        subject_type="api_key",
        subject_id=row.id,
        chain=organisation_chain(organisation_id),
        details={"name": name, "scopes": row.scopes},
    )
    return NewApiKey(row=row, key=f"{PREFIX}_{row.id.hex}_{secret}")


async def list_api_keys(
    session: AsyncSession, actor: Actor, organisation_id: uuid.UUID, *, page: Keyset | None = None
) -> list[ApiKeyRow]:
    _require_own_organisation_staff(actor, organisation_id)
    query = select(ApiKeyRow).where(col(ApiKeyRow.organisation_id) == organisation_id).order_by(col(ApiKeyRow.id))
    return list(await session.scalars(page.apply(query, col(ApiKeyRow.id)) if page else query))


async def revoke_api_key(
    session: AsyncSession, actor: Actor, organisation_id: uuid.UUID, key_id: uuid.UUID
) -> ApiKeyRow:
    _require_own_organisation_staff(actor, organisation_id)
    row = await session.get(ApiKeyRow, key_id, with_for_update=True)
    if row is None or row.organisation_id != organisation_id:
        raise ApiKeyNotFoundError(f"There is no API key {key_id} in this organisation.", field="key_id")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        await record_event(
            session,
            actor=actor,
            action="api_key.revoked",
            subject_type="api_key",
            subject_id=row.id,
            chain=organisation_chain(organisation_id),
            details={"name": row.name},
        )
    else:
        note_unchanged()  # revoking it again changes nothing, and says so
    return row


async def actor_for_api_key(session: AsyncSession, presented: str, *, now: datetime) -> Actor | None:
    """The organisation acting through this key, or None for any key that is not live."""
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    try:
        key_id = uuid.UUID(hex=parts[1])
    except ValueError:
        return None
    row = await session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.secret_sha256, _digest(parts[2])):
        return None
    row.last_used_at = now
    session.add(row)
    return await _actor_of(session, row)


async def actor_of_api_key(session: AsyncSession, key_id: uuid.UUID) -> Actor | None:
    """The organisation acting through a key it presented earlier (a job it started), read fresh: None
    once the key is revoked, and only the mandates in force now."""
    row = await session.get(ApiKeyRow, key_id)
    if row is None or row.revoked_at is not None:
        return None
    return await _actor_of(session, row)


async def _actor_of(session: AsyncSession, row: ApiKeyRow) -> Actor:
    organisation = await session.get(OrganisationRow, row.organisation_id)
    return Actor(
        role=Role.BUREAU_STAFF,
        organisation_id=row.organisation_id,
        api_key_id=row.id,
        api_key_scopes=frozenset(row.scopes),
        display_name=f"{organisation.name if organisation else 'organisation'} (API key '{row.name}')",
    )
