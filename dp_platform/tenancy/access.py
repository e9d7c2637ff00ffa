"""Loading actors and accounts, and asking the policy: the one way in to an account.

Every route that touches an account goes through ``authorize`` (or ``list_accounts``),
which loads what the policy needs, asks ``can`` and turns a refusal into the right
error: an account the actor may not see is "not found", exactly as a missing one is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.tenancy.errors import AccessDeniedError, AccountNotFoundError
from dp_platform.tenancy.policy import AccountRef, Action, Actor, Decision, MandateGrant, can
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.tenancy.tables import AccountMemberRow, DpAccountRow, MandateRow, UserRow
from ledgers.columns import among, utc_now
from ledgers.errors import DomainError
from ledgers.keyset import Keyset


@dataclass(frozen=True, slots=True)
class AccountAccess:
    """An account the actor was allowed to act on, and why (the mandate, when one was used)."""

    account: DpAccountRow
    decision: Decision
    actor: Actor | None = None
    """The actor with what the policy read for this account (an organisation's mandates for it), so a page
    asks again about other actions without reading them again."""

    @property
    def mandate_id(self) -> uuid.UUID | None:
        return self.decision.mandate_id


def mandate_grant(row: MandateRow) -> MandateGrant:
    return MandateGrant(
        id=row.id,
        account_id=row.account_id,
        organisation_id=row.organisation_id,
        scopes=frozenset(row.scopes),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        revoked_at=row.revoked_at,
    )


def _held(organisation_id: uuid.UUID) -> Any:
    """The accounts an organisation holds an unrevoked mandate for (whether in force today the policy says)."""
    return select(col(MandateRow.account_id)).where(
        col(MandateRow.organisation_id) == organisation_id, col(MandateRow.revoked_at).is_(None)
    )


async def _with_mandates(session: AsyncSession, organisation_id: uuid.UUID, which: Any) -> list[Any]:
    """The accounts ``which`` picks, each with the organisation's unrevoked mandates for it (none: one row
    with ``None``), in one indexed query."""
    return list(
        (
            await session.execute(
                select(DpAccountRow, MandateRow)
                .outerjoin(
                    MandateRow,
                    and_(
                        col(MandateRow.account_id) == col(DpAccountRow.id),
                        col(MandateRow.organisation_id) == organisation_id,
                        col(MandateRow.revoked_at).is_(None),
                    ),
                )
                .where(which)
            )
        ).all()
    )


async def _account_for(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> tuple[DpAccountRow | None, Actor]:
    """The account, and for an organisation its own mandates for that account, in one indexed query: the
    check costs the same at 5 mandates or 5,000 (tests/integration/dp_platform/test_access_queries.py)."""
    if actor.role is not Role.BUREAU_STAFF or actor.organisation_id is None:
        return await session.get(DpAccountRow, account_id), actor
    rows = await _with_mandates(session, actor.organisation_id, col(DpAccountRow.id) == account_id)
    if not rows:
        return None, actor
    grants = tuple(mandate_grant(mandate) for _, mandate in rows if mandate is not None)
    return rows[0][0], replace(actor, mandates=grants)


async def actors_for(session: AsyncSession, actor: Actor, rows: list[DpAccountRow]) -> dict[uuid.UUID, Actor]:
    """The actor as the policy sees it on each account (an organisation with its mandates for that one),
    in one query for all of them: what each account lets the actor do, for a list."""
    if actor.role is not Role.BUREAU_STAFF or actor.organisation_id is None:
        return {row.id: actor for row in rows}
    grants = await _grants_by_account(session, actor.organisation_id, [row.id for row in rows])
    return {row.id: replace(actor, mandates=grants.get(row.id, ())) for row in rows}


async def _grants_by_account(
    session: AsyncSession, organisation_id: uuid.UUID, account_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[MandateGrant, ...]]:
    found: dict[uuid.UUID, list[MandateGrant]] = {}
    rows = await session.scalars(
        select(MandateRow).where(
            col(MandateRow.organisation_id) == organisation_id,
            col(MandateRow.revoked_at).is_(None),
            among(col(MandateRow.account_id), account_ids),
        )
    )
    for row in rows:
        found.setdefault(row.account_id, []).append(mandate_grant(row))
    return {account_id: tuple(grants) for account_id, grants in found.items()}


async def load_user_actor(session: AsyncSession, user_id: uuid.UUID, *, token_id: str | None = None) -> Actor | None:
    """The actor for a logged-in user, read fresh (so a revoked mandate stops working at once)."""
    user = await session.get(UserRow, user_id)
    if user is None or not user.is_active:
        return None
    role = Role(user.role)
    account_ids: frozenset[uuid.UUID] = frozenset()
    if role is Role.EMPLOYER:
        account_ids = frozenset(
            await session.scalars(
                select(col(AccountMemberRow.account_id)).where(col(AccountMemberRow.user_id) == user.id)
            )
        )
    return Actor(
        role=role,
        user_id=user.id,
        authority_id=user.authority_id,
        organisation_id=user.organisation_id,
        account_ids=account_ids,
        display_name=user.display_name,
        token_id=token_id,
    )


def account_ref(row: DpAccountRow) -> AccountRef:
    return AccountRef(id=row.id, authority_id=row.authority_id, closed_on=row.closed_on)


async def authorize(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, action: Action, *, now: datetime | None = None
) -> AccountAccess:
    account, actor = await _account_for(session, actor, account_id)
    now = now or utc_now()
    access = _decide(actor, action, account, account_id, now)
    if isinstance(access, DomainError):
        raise access
    if access.mandate_id is not None and action is not Action.VIEW:
        await _hold_mandates(session, [access.mandate_id], now)
    return access


async def authorize_many(
    session: AsyncSession, actor: Actor, account_ids: list[uuid.UUID], action: Action, *, now: datetime | None = None
) -> dict[uuid.UUID, AccountAccess | DomainError]:
    """``authorize`` for many accounts in two queries (a bureau's run over hundreds of employers): each
    account's access, or the error ``authorize`` would have raised for it."""
    now = now or utc_now()
    if actor.role is Role.BUREAU_STAFF and actor.organisation_id is not None:
        rows = await _with_mandates(session, actor.organisation_id, among(col(DpAccountRow.id), account_ids))
        accounts = {account.id: account for account, _ in rows}
        grants: dict[uuid.UUID, list[MandateGrant]] = {}
        for account, mandate in rows:
            if mandate is not None:
                grants.setdefault(account.id, []).append(mandate_grant(mandate))
        on_each = {key: replace(actor, mandates=tuple(grants.get(key, ()))) for key in accounts}
    else:
        accounts = {
            row.id: row
            for row in await session.scalars(select(DpAccountRow).where(among(col(DpAccountRow.id), account_ids)))
        }
        on_each = {key: actor for key in accounts}
    decided = {key: _decide(on_each.get(key, actor), action, accounts.get(key), key, now) for key in account_ids}
    held = [
        access.mandate_id
        for access in decided.values()
        if isinstance(access, AccountAccess) and access.mandate_id is not None
    ]
    if held and action is not Action.VIEW:
        ended = await _hold_mandates(session, held, now, raise_ended=False)
        for key, access in decided.items():
            if isinstance(access, AccountAccess) and access.mandate_id in ended:
                decided[key] = AccessDeniedError(MANDATE_ENDED)
    return decided


def _decide(
    actor: Actor, action: Action, account: DpAccountRow | None, account_id: uuid.UUID, now: datetime
) -> AccountAccess | DomainError:
    if account is None:
        return AccountNotFoundError(account_id)
    decision = can(actor, action, account_ref(account), now=now)
    if not decision.visible:
        return AccountNotFoundError(account_id)
    if not decision.allowed:
        return AccessDeniedError(f"You may not {action.value.replace('_', ' ')} on this account: {decision.reason}.")
    return AccountAccess(account=account, decision=decision, actor=actor)


MANDATE_ENDED = "The organisation's permission to act for this account has ended."


async def _hold_mandates(
    session: AsyncSession, mandate_ids: list[uuid.UUID], now: datetime, *, raise_ended: bool = True
) -> set[uuid.UUID]:
    """A write under a mandate reads the mandate again inside its own transaction and holds it (a shared
    row lock) until it commits: a revocation that committed first stops the write, and one that comes
    during it waits for the write to finish, so nothing is ever written after the mandate ended.
    Returns the mandates that ended (raising instead, unless told not to)."""
    rows = await session.scalars(
        select(MandateRow)
        .where(among(col(MandateRow.id), mandate_ids))
        .order_by(col(MandateRow.id))
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    in_force = {row.id for row in rows if mandate_grant(row).in_force(now)}
    ended = set(mandate_ids) - in_force
    if ended and raise_ended:
        raise AccessDeniedError(MANDATE_ENDED)
    return ended


async def list_accounts(
    session: AsyncSession,
    actor: Actor,
    *,
    now: datetime | None = None,
    action: Action = Action.VIEW,
    page: Keyset | None = None,
) -> list[DpAccountRow]:
    """Accounts the actor may ``action`` in (reference, id) order: narrowed in SQL by role, then each
    one asked of the policy; a ``page`` at a time when asked, read on until the page is full."""
    now = now or utc_now()
    query = select(DpAccountRow).order_by(col(DpAccountRow.reference), col(DpAccountRow.id))
    if actor.role is Role.PERSONAL_ASSISTANT:
        return []
    if actor.role is Role.EMPLOYER:
        query = query.where(col(DpAccountRow.id).in_(actor.account_ids))
    elif actor.role in AUTHORITY_ROLES:
        query = query.where(col(DpAccountRow.authority_id) == actor.authority_id)
    elif actor.role is Role.BUREAU_STAFF:
        if actor.organisation_id is None:
            return []
        query = query.where(col(DpAccountRow.id).in_(_held(actor.organisation_id)))
    # platform admins: every account, which the policy lets them view for support

    async def allowed(rows: list[DpAccountRow]) -> list[DpAccountRow]:
        """Each account asked of the policy with only its own mandates: linear in the accounts."""
        on_each = await actors_for(session, actor, rows)
        return [row for row in rows if can(on_each[row.id], action, account_ref(row), now=now)]

    if page is None:
        return await allowed(list(await session.scalars(query)))
    found: list[DpAccountRow] = []
    while len(found) < page.limit:
        rows = list(await session.scalars(page.apply(query, col(DpAccountRow.reference), col(DpAccountRow.id))))
        found += await allowed(rows)
        if len(rows) < page.limit:
            break
        page = Keyset(page.limit, (rows[-1].reference, rows[-1].id))
    return found[: page.limit]
