"""An Option 1 account's ledger: post, reverse, balances, trial balance, spend, export."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body

from dp_platform.api.paging import keyset, paged
from dp_platform.api.schemas.ledger import (
    EntryIn,
    EntryOut,
    EntryReverseIn,
    LedgerAccountCloseIn,
    LedgerAccountOpenIn,
    LedgerAccountOut,
    LedgerAccountStateOut,
    LedgerOut,
    PostingOut,
    SpendOut,
    SpendTotalOut,
    TrialBalanceOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.ledger import (
    close_account,
    ledger_balances,
    ledger_entries,
    ledger_entry,
    ledger_postings,
    ledger_spend,
    open_account,
    record_entry,
    reverse_recorded_entry,
)
from dp_platform.workflows.records import LedgerAccountRow
from ledgers.balances import AccountBalance
from ledgers.service import POSTING_EXPORT_COLUMNS, PostedEntry


def to_entry(posted: PostedEntry) -> EntryOut:
    entry = posted.entry
    return EntryOut(
        id=entry.id,
        occurred_on=entry.occurred_on,
        recorded_at=entry.recorded_at,
        narration=entry.narration,
        source=entry.source,
        idempotency_key=entry.idempotency_key,
        reverses_entry_id=entry.reverses_entry_id,
        postings=[
            PostingOut(
                account=line.account.value,
                amount_pence=line.amount_pence,
                account_version=line.account_version,
                balance_after_pence=line.balance_after_pence,
            )
            for line in posted.lines
        ],
    )


def to_account(balance: AccountBalance) -> LedgerAccountOut:
    return LedgerAccountOut(
        code=balance.code.value,
        name=balance.name,
        type=balance.code.type.value,
        balance_pence=balance.balance_pence,
        natural_balance_pence=balance.natural_pence,
    )


def _state(row: LedgerAccountRow) -> LedgerAccountStateOut:
    return LedgerAccountStateOut(
        code=row.code, name=row.name, opened_on=row.opened_on, closed_on=row.closed_on, balance_pence=row.balance_pence
    )


REPLAYED = {
    200: ResponseSpec(
        EntryOut, description="The idempotency key was seen before with this request: its entry, not posted again"
    )
}


def _entry_response(posted: PostedEntry) -> Response[EntryOut]:
    return Response(to_entry(posted), status_code=200 if posted.replayed else 201)


class LedgerController(Controller):
    path = "/api/accounts/{account_id:uuid}/ledger"
    tags = ["Ledger"]

    @get("", operation_id="GetLedger", summary="Every ledger account with its balance, now or at a date")
    async def get_ledger(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, on: date | None = None
    ) -> LedgerOut:
        return LedgerOut(
            on=on, accounts=[to_account(row) for row in await ledger_balances(db_session, actor, account_id, on=on)]
        )

    @get("/trial-balance", operation_id="GetTrialBalance")
    async def trial_balance(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, on: date | None = None
    ) -> TrialBalanceOut:
        rows = [row for row in await ledger_balances(db_session, actor, account_id, on=on) if row.balance_pence]
        debits = sum(row.balance_pence for row in rows if row.balance_pence > 0)
        credits = -sum(row.balance_pence for row in rows if row.balance_pence < 0)
        return TrialBalanceOut(
            on=on,
            accounts=[to_account(row) for row in rows],
            total_debit_pence=debits,
            total_credit_pence=credits,
            balanced=debits == credits,
        )

    @get("/spend", operation_id="GetSpend", summary="Net spending per category over a period")
    async def spend(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, occurred_from: date, occurred_to: date
    ) -> SpendOut:
        rows = await ledger_spend(db_session, actor, account_id, occurred_from=occurred_from, occurred_to=occurred_to)
        return SpendOut(
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            lines=[SpendTotalOut(account=row.code.value, name=row.name, spent_pence=row.balance_pence) for row in rows],
            total_pence=sum(row.balance_pence for row in rows),
        )

    @get("/entries", operation_id="ListEntries")
    async def entries(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        occurred_from: date | None = None,
        occurred_to: date | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> Response[Sequence[EntryOut]]:
        """Entries in date order, 100 to a page unless ``limit`` says (at most 1,000); a Link header names
        the next page."""
        page = keyset(limit, after, date, uuid.UUID)
        found = await ledger_entries(
            db_session, actor, account_id, occurred_from=occurred_from, occurred_to=occurred_to, page=page
        )
        last = (found[-1].entry.occurred_on, found[-1].entry.id) if found else None
        return paged(request, [to_entry(posted) for posted in found], page, last)

    @get("/entries/{entry_id:uuid}", operation_id="GetEntry")
    async def entry(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, entry_id: uuid.UUID) -> EntryOut:
        return to_entry(await ledger_entry(db_session, actor, account_id, entry_id))

    @post(
        "/entries",
        operation_id="PostEntry",
        summary="Post a balanced entry (idempotent on its key)",
        responses=REPLAYED,
    )
    async def post_entry(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[EntryIn, Body()]
    ) -> Response[EntryOut]:
        posted = await record_entry(
            db_session,
            actor,
            account_id,
            occurred_on=data.occurred_on,
            narration=data.narration,
            postings=[(line.account, line.amount_pence) for line in data.postings],
            idempotency_key=data.idempotency_key,
        )
        return _entry_response(posted)

    @post("/entries/{entry_id:uuid}/reverse", operation_id="ReverseEntry", responses=REPLAYED)
    async def reverse(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        entry_id: uuid.UUID,
        data: Annotated[EntryReverseIn, Body()],
    ) -> Response[EntryOut]:
        posted = await reverse_recorded_entry(
            db_session,
            actor,
            account_id,
            entry_id,
            occurred_on=data.occurred_on,
            reason=data.reason,
            idempotency_key=data.idempotency_key,
        )
        return _entry_response(posted)

    @post("/accounts", operation_id="OpenLedgerAccount")
    async def open_account(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[LedgerAccountOpenIn, Body()],
    ) -> LedgerAccountStateOut:
        row = await open_account(
            db_session, actor, account_id, code=data.code, name=data.name, opened_on=data.opened_on
        )
        return _state(row)

    @post("/accounts/close", operation_id="CloseLedgerAccount", status_code=200)
    async def close_account(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[LedgerAccountCloseIn, Body()],
    ) -> LedgerAccountStateOut:
        return _state(await close_account(db_session, actor, account_id, code=data.code, closed_on=data.closed_on))

    @get("/export.csv", operation_id="ExportPostings", media_type="text/csv")
    async def export(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> Response[str]:
        """Every posting, oldest first, one line each: what an accountant or the authority imports."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(POSTING_EXPORT_COLUMNS)
        writer.writerows(await ledger_postings(db_session, actor, account_id))
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ledger.csv"'},
        )
