"""DP accounts the caller can see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.accounts import Account, AccountMoney
from dp_platform.tenancy.access import account_ref, actors_for, authorize, list_accounts
from dp_platform.tenancy.policy import Action, Actor, can, today
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import account_overview
from ledgers.columns import utc_now


def to_account(row: DpAccountRow, actor: Actor) -> Account:
    now, ref = utc_now(), account_ref(row)
    return Account(
        id=row.id,
        authority_id=row.authority_id,
        reference=row.reference,
        holder_name=row.holder_name,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        allowed_actions=[action.value for action in Action if can(actor, action, ref, now=now)],
    )


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["Access"]

    @get("", operation_id="ListAccounts")
    async def list_accounts(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        actor: Actor,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[Account]]:
        """In reference order, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, str, uuid.UUID)
        rows = await list_accounts(db_session, actor, page=page)
        on_each = await actors_for(db_session, actor, rows)
        return page_of(
            request, page, rows, lambda row: (row.reference, row.id), lambda row: to_account(row, on_each[row.id])
        )

    @get("/{account_id:uuid}", operation_id="GetAccount")
    async def get_account(self, db_session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> Account:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        return to_account(access.account, access.actor or actor)

    @get("/{account_id:uuid}/money", operation_id="GetAccountMoney")
    async def money(self, db_session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> AccountMoney:
        """The free balance: the bank's balance less wages, HMRC and pension owed, holiday earned and not
        taken, and any surplus due back to the council."""
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        overview = await account_overview(db_session, access, today())
        return AccountMoney(
            on=overview.today,
            bank_pence=overview.bank_pence,
            statement_on=overview.statement_on,
            statement_pence=overview.statement_pence,
            agrees_with_bank=overview.agrees_with_bank,
            wages_owed_pence=overview.wages_owed_pence,
            hmrc_owed_pence=overview.hmrc_owed_pence,
            pension_owed_pence=overview.pension_owed_pence,
            holiday_owed_pence=overview.holiday_owed_pence,
            surplus_owed_pence=overview.surplus_owed_pence,
            owed_pence=overview.owed_pence,
            free_pence=overview.free_pence,
        )
