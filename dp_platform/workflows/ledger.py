"""An account's ledger as a person reads and changes it by hand: each read checks the caller may see the
account, each change that they may make it, and writes its audit event."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_account_event, record_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.spending import decide_entry_spend, record_entry_review
from ledgers.accounts import AccountCode
from ledgers.balances import AccountBalance
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.service import (
    PostedEntry,
    balances,
    close_ledger_account,
    get_entry,
    list_entries,
    open_book,
    open_ledger_account,
    post_entry,
    posting_export,
    reverse_entry,
    spend_by_account,
)
from ledgers.tables import LedgerAccountRow


def _entry_details(posted: PostedEntry) -> dict[str, object]:
    return {
        "occurred_on": posted.entry.occurred_on.isoformat(),
        "narration": posted.entry.narration,
        "source": posted.entry.source,
        "idempotency_key": posted.entry.idempotency_key,
        "postings": [[line.account.value, line.amount_pence] for line in posted.lines],
    }


async def open_account_book(session: AsyncSession, actor: Actor | None, account: DpAccountRow) -> None:
    """Give a DP account its Option 1 chart of accounts (safe to repeat)."""
    added = await open_book(session, account.id, account.opened_on)
    if added:
        await record_event(
            session,
            actor=actor,
            action="ledger.book_opened",
            subject_type="ledger",
            subject_id=account.id,
            account_id=account.id,
            details={"accounts_added": added, "opened_on": account.opened_on.isoformat()},
        )


async def record_entry(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    occurred_on: date,
    narration: str,
    postings: list[tuple[str, int]],
    idempotency_key: str,
) -> PostedEntry:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    draft = JournalEntryDraft(
        book_id=account_id,
        occurred_on=occurred_on,
        narration=narration,
        postings=tuple(Posting(AccountCode(code), Money(pence)) for code, pence in postings),
        idempotency_key=idempotency_key,
    )
    decided = await decide_entry_spend(session, access, occurred_on=occurred_on, narration=narration, postings=postings)
    posted = await post_entry(session, draft)
    if posted.replayed:
        note_unchanged()
        return posted
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.entry_posted",
        subject_type="journal_entry",
        subject_id=posted.entry.id,
        details=_entry_details(posted),
    )
    await record_entry_review(session, actor, access, posted.entry, decided)
    return posted


async def reverse_recorded_entry(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    entry_id: uuid.UUID,
    *,
    occurred_on: date | None,
    reason: str,
    idempotency_key: str,
) -> PostedEntry:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    posted = await reverse_entry(
        session, account_id, entry_id, occurred_on=occurred_on, idempotency_key=idempotency_key, reason=reason
    )
    if posted.replayed:
        note_unchanged()
        return posted
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.entry_reversed",
        subject_type="journal_entry",
        subject_id=posted.entry.id,
        details={**_entry_details(posted), "reverses_entry_id": str(entry_id), "reason": reason},
    )
    return posted


async def open_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, code: str, name: str, opened_on: date
) -> LedgerAccountRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row = await open_ledger_account(session, account_id, AccountCode(code), name=name, opened_on=opened_on)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.account_opened",
        subject_type="ledger_account",
        subject_id=row.id,
        details={"code": code, "name": name, "opened_on": opened_on.isoformat()},
    )
    return row


async def close_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, code: str, closed_on: date
) -> LedgerAccountRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row = await close_ledger_account(session, account_id, AccountCode(code), closed_on=closed_on)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.account_closed",
        subject_type="ledger_account",
        subject_id=row.id,
        details={"code": code, "closed_on": closed_on.isoformat()},
    )
    return row


async def ledger_balances(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, on: date | None = None
) -> list[AccountBalance]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await balances(session, account_id, on=on)


async def ledger_spend(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, occurred_from: date, occurred_to: date
) -> list[AccountBalance]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await spend_by_account(session, account_id, occurred_from=occurred_from, occurred_to=occurred_to)


async def ledger_entries(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    occurred_from: date | None,
    occurred_to: date | None,
    page: Keyset,
) -> list[PostedEntry]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await list_entries(session, account_id, occurred_from=occurred_from, occurred_to=occurred_to, page=page)


async def ledger_entry(session: AsyncSession, actor: Actor, account_id: uuid.UUID, entry_id: uuid.UUID) -> PostedEntry:
    await authorize(session, actor, account_id, Action.VIEW)
    return await get_entry(session, account_id, entry_id)


async def ledger_postings(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> list[tuple[object, ...]]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await posting_export(session, account_id)
