"""The DP accounts a person may see, each with what they may do in it.

The list is narrowed by role in SQL and each account asked of the policy with its own mandates
(``tenancy.access``); this module is where the HTTP layer asks, so no controller or page decides
access itself (an import-linter contract keeps ``dp_platform.api`` and ``dp_platform.web`` from
importing ``tenancy.access``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.tenancy.access import AccountAccess, account_ref, actors_for, authorize, list_accounts
from dp_platform.tenancy.policy import Action, Actor, can, today
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import AccountOverview, account_overview
from ledgers.columns import utc_now
from ledgers.keyset import Keyset

__all__ = [
    "AccountAccess",
    "VisibleAccount",
    "account_for",
    "account_ids_in_reach",
    "account_money",
    "accounts_for",
    "may",
    "visible_account",
    "visible_accounts",
]


async def account_for(session: AsyncSession, actor: Actor, account_id: uuid.UUID, action: Action) -> AccountAccess:
    """The grant a page composes one account's reads under, for the action the page is about: 404 when
    the person may not know the account exists, 403 when they may see it but not do this."""
    return await authorize(session, actor, account_id, action)


async def accounts_for(session: AsyncSession, actor: Actor, *, action: Action = Action.VIEW) -> list[DpAccountRow]:
    """The accounts the person may ``action`` in, in reference order."""
    return await list_accounts(session, actor, action=action)


def may(actor: Actor, access: AccountAccess, action: Action) -> bool:
    """Whether to offer a form on a page: the same policy question its handler asks again on submit."""
    return bool(can(access.actor or actor, action, account_ref(access.account), now=utc_now()))


@dataclass(frozen=True, slots=True)
class VisibleAccount:
    account: DpAccountRow
    allowed: tuple[Action, ...]
    """What the caller may do in it now, as the policy answers for them on this account."""


def _visible(account: DpAccountRow, actor: Actor) -> VisibleAccount:
    now, ref = utc_now(), account_ref(account)
    return VisibleAccount(account, tuple(action for action in Action if can(actor, action, ref, now=now)))


async def visible_accounts(session: AsyncSession, actor: Actor, *, page: Keyset | None = None) -> list[VisibleAccount]:
    rows = await list_accounts(session, actor, page=page)
    on_each = await actors_for(session, actor, rows)
    return [_visible(row, on_each[row.id]) for row in rows]


async def visible_account(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> VisibleAccount:
    access = await authorize(session, actor, account_id, Action.VIEW)
    return _visible(access.account, access.actor or actor)


async def account_ids_in_reach(session: AsyncSession, actor: Actor) -> list[uuid.UUID]:
    return [account.id for account in await list_accounts(session, actor)]


async def account_money(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> AccountOverview:
    """The free balance today: the bank's balance less what the account owes."""
    return await account_overview(session, await authorize(session, actor, account_id, Action.VIEW), today())
