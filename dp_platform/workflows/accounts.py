"""The DP accounts a person may see, each with what they may do in it.

The list is narrowed by role in SQL and each account asked of the policy with its own mandates
(``tenancy.access``); this module is where the HTTP layer asks, so no controller decides access.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.tenancy.access import account_ref, actors_for, authorize, list_accounts
from dp_platform.tenancy.policy import Action, Actor, can, today
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import AccountOverview, account_overview
from ledgers.columns import utc_now
from ledgers.keyset import Keyset


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
