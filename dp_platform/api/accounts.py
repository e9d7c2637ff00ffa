"""DP accounts the caller can see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.accounts import AccountMoneyOut, AccountOut
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.accounts import VisibleAccount, account_money, visible_account, visible_accounts


def to_account(visible: VisibleAccount) -> AccountOut:
    row = visible.account
    return AccountOut(
        id=row.id,
        authority_id=row.authority_id,
        reference=row.reference,
        holder_name=row.holder_name,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        allowed_actions=[action.value for action in visible.allowed],
    )


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["Access"]

    @get("", operation_id="ListAccounts")
    async def list_accounts(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[AccountOut]]:
        """In reference order, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, str, uuid.UUID)
        accounts = await visible_accounts(db_session, actor, page=page)
        return page_of(request, page, accounts, lambda seen: (seen.account.reference, seen.account.id), to_account)

    @get("/{account_id:uuid}", operation_id="GetAccount")
    async def get_account(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> AccountOut:
        return to_account(await visible_account(db_session, actor, account_id))

    @get("/{account_id:uuid}/money", operation_id="GetAccountMoney")
    async def money(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> AccountMoneyOut:
        """The free balance: the bank's balance less wages, HMRC and pension owed, holiday earned and not
        taken, and any surplus due back to the council."""
        overview = await account_money(db_session, actor, account_id)
        return AccountMoneyOut(
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
