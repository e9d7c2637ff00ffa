"""Posting, reversing and reading a book: the one way money gets into the ledger.

Functions take an ``AsyncSession`` and never commit: the caller's transaction decides.
Posting locks the entry's accounts in id order (so concurrent posters cannot deadlock),
checks the idempotency key under that lock, then appends postings, each with the
account's next version and running balance.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Uuid, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from ledgers.accounts import AccountCode
from ledgers.balances import BALANCES_SQL, AccountBalance, balances_of
from ledgers.chart import OPTION_1_CHART, ChartAccount
from ledgers.columns import among, insert_by_columns, utc_now
from ledgers.constraints import unique_violated
from ledgers.entries import JournalEntryDraft, Posting, reversal_of
from ledgers.errors import (
    AccountExistsError,
    AlreadyReversedError,
    BookNotOpenError,
    ClosedAccountError,
    EntryNotFoundError,
    IdempotencyConflictError,
    UnknownAccountError,
)
from ledgers.ids import new_id
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.tables import JournalEntryRow, LedgerAccountRow, PostingRow


@dataclass(frozen=True, slots=True)
class PostedLine:
    account: AccountCode
    amount_pence: int
    account_version: int
    balance_after_pence: int


@dataclass(frozen=True, slots=True)
class PostedEntry:
    entry: JournalEntryRow
    lines: tuple[PostedLine, ...]
    replayed: bool = False
    """True when the idempotency key had been used for this same request: nothing new was written."""


async def open_book(
    session: AsyncSession, book_id: uuid.UUID, opened_on: date, chart: Sequence[ChartAccount] = OPTION_1_CHART
) -> int:
    """Create the chart's accounts for a book; accounts it already has are left alone. Returns how many were added."""
    result = await session.execute(
        insert(LedgerAccountRow)
        .values(
            [
                {
                    "id": uuid.uuid4(),
                    "book_id": book_id,
                    "code": item.code.value,
                    "name": item.name,
                    "opened_on": opened_on,
                }
                for item in chart
            ]
        )
        .on_conflict_do_nothing(index_elements=["book_id", "code"])
    )
    return result.rowcount or 0


async def ensure_account(session: AsyncSession, book_id: uuid.UUID, account: ChartAccount) -> None:
    """Open an account the book lacks, from the day the book opened, so a line of any date can be posted
    to it (a spend category first met in this year's third statement)."""
    opened_on = await session.scalar(
        select(func.min(col(LedgerAccountRow.opened_on))).where(col(LedgerAccountRow.book_id) == book_id)
    )
    if opened_on is None:
        raise BookNotOpenError("This DP account has no ledger yet.")
    await open_book(session, book_id, opened_on, (account,))


async def open_ledger_account(
    session: AsyncSession, book_id: uuid.UUID, code: AccountCode, *, name: str, opened_on: date
) -> LedgerAccountRow:
    """Add an account to an open book, e.g. ``expenses:activities:swimming`` for a finer category."""
    await list_ledger_accounts(session, book_id)  # the book must exist
    existing = await session.scalar(
        select(LedgerAccountRow).where(
            col(LedgerAccountRow.book_id) == book_id, col(LedgerAccountRow.code) == code.value
        )
    )
    if existing is not None:
        raise AccountExistsError(f"This ledger already has an account {code}.", field="code")
    row = LedgerAccountRow(book_id=book_id, code=code.value, name=name, opened_on=opened_on)
    session.add(row)
    await session.flush()
    return row


async def close_ledger_account(
    session: AsyncSession, book_id: uuid.UUID, code: AccountCode, *, closed_on: date
) -> LedgerAccountRow:
    """Close an account from a date; it must stand at zero then and have nothing posted after it."""
    row = await session.scalar(
        select(LedgerAccountRow)
        .where(col(LedgerAccountRow.book_id) == book_id, col(LedgerAccountRow.code) == code.value)
        .with_for_update()
    )
    if row is None:
        raise UnknownAccountError(f"This ledger has no account {code}.", field="code")
    if row.closed_on is not None:
        raise ClosedAccountError(f"Account {code} closed on {row.closed_on.isoformat()} already.", field="code")
    if closed_on < row.opened_on:
        raise ClosedAccountError(f"Account {code} opened on {row.opened_on.isoformat()}.", field="closed_on")
    later = await session.scalar(
        select(func.count()).where(col(PostingRow.account_id) == row.id, col(PostingRow.occurred_on) > closed_on)
    )
    if later:
        raise ClosedAccountError(
            f"Account {code} has {later} posting(s) after {closed_on.isoformat()}.", field="closed_on"
        )
    balance = await balance_at(session, book_id, code, closed_on)
    if balance:
        raise ClosedAccountError(
            f"Account {code} stands at {Money(balance)} on {closed_on.isoformat()}; move the balance first.",
            field="closed_on",
        )
    row.closed_on = closed_on
    session.add(row)
    await session.flush()
    return row


async def list_ledger_accounts(session: AsyncSession, book_id: uuid.UUID) -> list[LedgerAccountRow]:
    rows = list(
        await session.scalars(
            select(LedgerAccountRow)
            .where(col(LedgerAccountRow.book_id) == book_id)
            .order_by(col(LedgerAccountRow.code))
        )
    )
    if not rows:
        raise BookNotOpenError("This DP account has no ledger yet.")
    return rows


async def _lock_accounts(
    session: AsyncSession, drafts: Sequence[JournalEntryDraft]
) -> dict[tuple[uuid.UUID, str], LedgerAccountRow]:
    """Every account the drafts post to, on every book, locked in one statement in id order (so concurrent
    posters cannot deadlock), each checked open on its entry's day."""
    books = sorted({draft.book_id for draft in drafts})
    codes = sorted({code.value for draft in drafts for code in draft.accounts})
    rows = await session.scalars(
        select(LedgerAccountRow)
        .where(among(col(LedgerAccountRow.book_id), books), col(LedgerAccountRow.code).in_(codes))
        .order_by(col(LedgerAccountRow.id))
        .with_for_update()
    )
    found = {(row.book_id, row.code): row for row in rows}
    for draft in drafts:
        missing = [code.value for code in draft.accounts if (draft.book_id, code.value) not in found]
        if missing:
            raise UnknownAccountError(f"This ledger has no account {', '.join(missing)}.", field="postings")
        for code in draft.accounts:
            row = found[(draft.book_id, code.value)]
            if row.closed_on is not None and draft.occurred_on > row.closed_on:
                raise ClosedAccountError(
                    f"Account {row.code} closed on {row.closed_on.isoformat()}.", field="occurred_on"
                )
            if draft.occurred_on < row.opened_on:
                raise ClosedAccountError(
                    f"Account {row.code} opened on {row.opened_on.isoformat()}.", field="occurred_on"
                )
    return found


async def _lines_of(session: AsyncSession, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[PostedLine, ...]]:
    rows = await session.execute(
        select(
            col(PostingRow.entry_id),
            col(LedgerAccountRow.code),
            col(PostingRow.amount_pence),
            col(PostingRow.account_version),
            col(PostingRow.balance_after_pence),
        )
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(col(PostingRow.entry_id).in_(entry_ids))
        .order_by(col(PostingRow.id))
    )
    lines: dict[uuid.UUID, list[PostedLine]] = {entry_id: [] for entry_id in entry_ids}
    for entry_id, code, amount, version, balance in rows:
        lines[entry_id].append(PostedLine(AccountCode(code), amount, version, balance))
    return {entry_id: tuple(found) for entry_id, found in lines.items()}


async def _lines(session: AsyncSession, entry_id: uuid.UUID) -> tuple[PostedLine, ...]:
    return (await _lines_of(session, [entry_id]))[entry_id]


async def _replays(session: AsyncSession, drafts: Sequence[JournalEntryDraft]) -> dict[int, PostedEntry]:
    """The drafts (by position) whose key was used before: the same request answers with what it posted,
    a different one with a conflict."""
    keys = {(draft.book_id, draft.idempotency_key): index for index, draft in enumerate(drafts)}
    existing = list(
        await session.scalars(
            select(JournalEntryRow).where(
                among(col(JournalEntryRow.book_id), sorted({draft.book_id for draft in drafts})),
                col(JournalEntryRow.idempotency_key).in_(sorted({draft.idempotency_key for draft in drafts})),
            )
        )
    )
    found = {
        keys[(row.book_id, row.idempotency_key)]: row for row in existing if (row.book_id, row.idempotency_key) in keys
    }
    for index, row in found.items():
        if row.request_hash != drafts[index].request_hash():
            raise IdempotencyConflictError(
                f"The idempotency key '{row.idempotency_key}' was already used for a different entry.",
                field="idempotency_key",
            )
    lines = await _lines_of(session, [row.id for row in found.values()]) if found else {}
    return {index: PostedEntry(entry=row, lines=lines[row.id], replayed=True) for index, row in found.items()}


_POSTING_COLUMNS = (
    "id",
    "entry_id",
    "account_id",
    "book_id",
    "occurred_on",
    "amount_pence",
    "account_version",
    "balance_after_pence",
)
_MOVE_ACCOUNTS = text(
    "UPDATE ledger_accounts AS account SET version = moved.version, balance_pence = moved.balance "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:versions AS bigint[]), CAST(:balances AS bigint[])) "
    "AS moved(id, version, balance) WHERE account.id = moved.id"
)


async def post_entry(session: AsyncSession, draft: JournalEntryDraft) -> PostedEntry:
    [posted] = await post_entries(session, [draft])
    return posted


async def post_entries(session: AsyncSession, drafts: Sequence[JournalEntryDraft]) -> list[PostedEntry]:
    """Post entries on one book or many in a fixed number of statements, whatever their number (a bureau
    finalises hundreds of employers' pay runs at once); entries on one account take their versions in order."""
    if len({(draft.book_id, draft.idempotency_key) for draft in drafts}) != len(drafts):
        raise IdempotencyConflictError("Two entries in one batch share an idempotency key.", field="idempotency_key")
    if not drafts:
        return []
    accounts = await _lock_accounts(session, drafts)
    replays = await _replays(session, drafts)
    new = [(index, draft) for index, draft in enumerate(drafts) if index not in replays]
    now = utc_now()
    entries = {
        index: JournalEntryRow(
            id=new_id(),  # given, as every field is: a default made per row costs more than the row
            recorded_at=now,
            book_id=draft.book_id,
            occurred_on=draft.occurred_on,
            narration=draft.narration,
            source=draft.source,
            idempotency_key=draft.idempotency_key,
            request_hash=draft.request_hash(),
            reverses_entry_id=draft.reverses_entry_id,
        )
        for index, draft in new
    }
    try:
        async with session.begin_nested():
            session.add_all(entries.values())
            await session.flush()
    except IntegrityError as error:
        # Another transaction posted one of these keys since we looked (answer as a replay), or the
        # entry an entry reverses was reversed meanwhile.
        broken = unique_violated(error)
        if broken == "uq_ledger_journal_entries_book_id_idempotency_key":
            return await post_entries(session, drafts)
        if broken == "uq_ledger_journal_entries_reverses_entry_id":
            raise AlreadyReversedError("That entry has already been reversed.", field="entry_id") from None
        raise
    postings: dict[str, list[Any]] = {name: [] for name in _POSTING_COLUMNS}
    moved: dict[uuid.UUID, LedgerAccountRow] = {}
    posted = dict(replays)
    for index, draft in new:
        lines = []
        for posting in draft.postings:
            account = accounts[(draft.book_id, posting.account.value)]
            # moved in memory as the database will be: the accounts' rows are written in one statement below
            set_committed_value(account, "version", account.version + 1)
            set_committed_value(account, "balance_pence", account.balance_pence + posting.amount.pence)
            moved[account.id] = account
            for name, value in zip(
                _POSTING_COLUMNS,
                (
                    new_id(),
                    entries[index].id,
                    account.id,
                    draft.book_id,
                    draft.occurred_on,
                    posting.amount.pence,
                    account.version,
                    account.balance_pence,
                ),
                strict=True,
            ):
                postings[name].append(value)
            lines.append(PostedLine(posting.account, posting.amount.pence, account.version, account.balance_pence))
        posted[index] = PostedEntry(entry=entries[index], lines=tuple(lines))
    if moved:
        await session.execute(insert_by_columns(PostingRow.__table__, postings))
        await session.execute(
            _MOVE_ACCOUNTS,
            {
                "ids": list(moved),
                "versions": [account.version for account in moved.values()],
                "balances": [account.balance_pence for account in moved.values()],
            },
        )
    return [posted[index] for index in range(len(drafts))]


async def get_entry(session: AsyncSession, book_id: uuid.UUID, entry_id: uuid.UUID) -> PostedEntry:
    entry = await session.get(JournalEntryRow, entry_id)
    if entry is None or entry.book_id != book_id:
        raise EntryNotFoundError(f"There is no entry {entry_id} in this ledger.", field="entry_id")
    return PostedEntry(entry=entry, lines=await _lines(session, entry.id))


async def reverse_entry(
    session: AsyncSession,
    book_id: uuid.UUID,
    entry_id: uuid.UUID,
    *,
    occurred_on: date | None,
    idempotency_key: str,
    reason: str,
) -> PostedEntry:
    """Cancel an entry by posting its mirror image (dated like the original unless told otherwise)."""
    original = await get_entry(session, book_id, entry_id)
    if original.entry.reverses_entry_id is not None:
        raise AlreadyReversedError("A reversal cannot itself be reversed; post the entry again instead.")
    draft = reversal_of(
        entry_id,
        book_id,
        tuple(Posting(line.account, Money(line.amount_pence)) for line in original.lines),
        occurred_on=occurred_on or original.entry.occurred_on,
        narration=f"Reversal of '{original.entry.narration}': {reason}",
        idempotency_key=idempotency_key,
    )
    existing = await session.scalar(
        select(col(JournalEntryRow.id)).where(col(JournalEntryRow.reverses_entry_id) == entry_id)
    )
    if existing is not None:
        replay = (await _replays(session, [draft])).get(0)
        if replay is not None:
            return replay
        raise AlreadyReversedError(f"Entry {entry_id} was already reversed by entry {existing}.", field="entry_id")
    return await post_entry(session, draft)


async def balances(session: AsyncSession, book_id: uuid.UUID, *, on: date | None = None) -> list[AccountBalance]:
    """Every account's balance now, or at the end of day ``on`` (postings dated on or before it)."""
    connection = await session.connection()
    return balances_of(await connection.exec_driver_sql(BALANCES_SQL, (book_id, on)))


async def balance_at(session: AsyncSession, book_id: uuid.UUID, code: AccountCode, on: date) -> int:
    account_id = await session.scalar(
        select(col(LedgerAccountRow.id)).where(
            col(LedgerAccountRow.book_id) == book_id, col(LedgerAccountRow.code) == code.value
        )
    )
    if account_id is None:
        raise UnknownAccountError(f"This ledger has no account {code}.", field="account")
    total = await session.scalar(
        select(func.coalesce(func.sum(col(PostingRow.amount_pence)), 0)).where(
            col(PostingRow.account_id) == account_id, col(PostingRow.occurred_on) <= on
        )
    )
    return int(total or 0)


async def spend_by_account(
    session: AsyncSession, book_id: uuid.UUID, *, occurred_from: date, occurred_to: date
) -> list[AccountBalance]:
    """Net spending per expense account over ``[occurred_from, occurred_to]`` (reversals net out)."""
    rows = await session.execute(
        select(col(LedgerAccountRow.code), col(LedgerAccountRow.name), func.sum(col(PostingRow.amount_pence)))
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(
            col(PostingRow.book_id) == book_id,
            col(PostingRow.occurred_on) >= occurred_from,
            col(PostingRow.occurred_on) <= occurred_to,
            col(LedgerAccountRow.code).like("expenses:%"),
        )
        .group_by(col(LedgerAccountRow.code), col(LedgerAccountRow.name))
        .order_by(col(LedgerAccountRow.code))
    )
    return [AccountBalance(AccountCode(code), name, int(total)) for code, name, total in rows]


async def list_entries(
    session: AsyncSession,
    book_id: uuid.UUID,
    *,
    occurred_from: date | None = None,
    occurred_to: date | None = None,
    page: Keyset,
) -> list[PostedEntry]:
    """In (day, id) order, a ``page`` at a time."""
    query = select(JournalEntryRow).where(col(JournalEntryRow.book_id) == book_id)
    if occurred_from is not None:
        query = query.where(col(JournalEntryRow.occurred_on) >= occurred_from)
    if occurred_to is not None:
        query = query.where(col(JournalEntryRow.occurred_on) <= occurred_to)
    entries = list(await session.scalars(page.apply(query, col(JournalEntryRow.occurred_on), col(JournalEntryRow.id))))
    lines = await _lines_of(session, [entry.id for entry in entries])
    return [PostedEntry(entry=entry, lines=lines[entry.id]) for entry in entries]


POSTING_EXPORT_COLUMNS = (
    "occurred_on",
    "entry_id",
    "narration",
    "account",
    "amount_pence",
    "account_version",
    "balance_after_pence",
)


async def posting_export(session: AsyncSession, book_id: uuid.UUID) -> list[tuple[object, ...]]:
    """Every posting of the book, oldest first, one row each in ``POSTING_EXPORT_COLUMNS`` order: the
    flat file an accountant or the authority imports."""
    rows = await session.execute(
        select(
            col(PostingRow.occurred_on),
            col(JournalEntryRow.id),
            col(JournalEntryRow.narration),
            col(LedgerAccountRow.code),
            col(PostingRow.amount_pence),
            col(PostingRow.account_version),
            col(PostingRow.balance_after_pence),
        )
        .join(JournalEntryRow, col(JournalEntryRow.id) == col(PostingRow.entry_id))
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(col(PostingRow.book_id) == book_id)
        .order_by(col(PostingRow.occurred_on), col(PostingRow.id))
    )
    return [tuple(row) for row in rows]


async def flows(
    session: AsyncSession, book_id: uuid.UUID, code: AccountCode, *, occurred_from: date, occurred_to: date
) -> tuple[int, int]:
    """Money into and out of one account over ``[occurred_from, occurred_to]``: (in, out), both positive."""
    amount = col(PostingRow.amount_pence)
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(amount).filter(amount > 0), 0),
                func.coalesce(-func.sum(amount).filter(amount < 0), 0),
            )
            .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
            .where(
                col(PostingRow.book_id) == book_id,
                col(LedgerAccountRow.code) == code.value,
                col(PostingRow.occurred_on) >= occurred_from,
                col(PostingRow.occurred_on) <= occurred_to,
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def book_balances(
    session: AsyncSession, book_ids: list[uuid.UUID], codes: list[AccountCode]
) -> dict[tuple[uuid.UUID, str], int]:
    """Today's balances of some accounts in many books at once (a council's whole portfolio)."""
    rows = await session.execute(
        select(col(LedgerAccountRow.book_id), col(LedgerAccountRow.code), col(LedgerAccountRow.balance_pence)).where(
            among(col(LedgerAccountRow.book_id), book_ids),
            col(LedgerAccountRow.code).in_([code.value for code in codes]),
        )
    )
    return {(book_id, code): int(balance) for book_id, code, balance in rows.all()}


async def spend_between(session: AsyncSession, windows: dict[uuid.UUID, tuple[date, date]]) -> dict[uuid.UUID, int]:
    """What each book spent (its expense accounts, net of reversals) in its own window of days,
    ``[from, to]``: many books in one query."""
    both = await spend_in_windows(session, {book: (first, first, last) for book, (first, last) in windows.items()})
    return {book: whole for book, (whole, _) in both.items()}


async def spend_in_windows(
    session: AsyncSession, windows: dict[uuid.UUID, tuple[date, date, date]]
) -> dict[uuid.UUID, tuple[int, int]]:
    """For each book and its ``(from, later_from, to)``: what it spent from ``from`` to ``to``, and the
    part of that from ``later_from`` (since its budget started, and this payment period), in one pass
    over the postings for many books at once."""
    if not windows:
        return {}
    window = select(  # arrays unnested side by side: a parameter each however many books
        func.unnest(bindparam(None, list(windows), type_=ARRAY(Uuid))).label("book_id"),
        func.unnest(bindparam(None, [first for first, _, _ in windows.values()], type_=ARRAY(Date))).label("first_on"),
        func.unnest(bindparam(None, [later for _, later, _ in windows.values()], type_=ARRAY(Date))).label("later_on"),
        func.unnest(bindparam(None, [last for _, _, last in windows.values()], type_=ARRAY(Date))).label("last_on"),
    ).subquery("window")
    amount = col(PostingRow.amount_pence)
    rows = await session.execute(
        select(
            col(PostingRow.book_id),
            func.sum(amount),
            func.coalesce(func.sum(amount).filter(col(PostingRow.occurred_on) >= window.c.later_on), 0),
        )
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .join(window, window.c.book_id == col(PostingRow.book_id))
        .where(
            col(LedgerAccountRow.code).like("expenses:%"),
            col(PostingRow.occurred_on) >= window.c.first_on,
            col(PostingRow.occurred_on) <= window.c.last_on,
        )
        .group_by(col(PostingRow.book_id))
    )
    return {book_id: (int(whole), int(later)) for book_id, whole, later in rows.all()}


async def accruals_since(
    session: AsyncSession, book_ids: list[uuid.UUID], codes: list[AccountCode], since: date
) -> dict[tuple[uuid.UUID, str], list[tuple[date, int]]]:
    """The amounts credited to some liability accounts of many books since a day, each with its day:
    what a liability was built from, to tell which part of it is past due."""
    rows = await session.execute(
        select(
            col(PostingRow.book_id),
            col(LedgerAccountRow.code),
            col(PostingRow.occurred_on),
            col(PostingRow.amount_pence),
        )
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(
            among(col(PostingRow.book_id), book_ids),
            col(LedgerAccountRow.code).in_([code.value for code in codes]),
            col(PostingRow.amount_pence) < 0,
            col(PostingRow.occurred_on) >= since,
        )
        .order_by(col(PostingRow.occurred_on))
    )
    found: dict[tuple[uuid.UUID, str], list[tuple[date, int]]] = {}
    for book_id, code, occurred_on, amount in rows.all():
        found.setdefault((book_id, code), []).append((occurred_on, -int(amount)))
    return found


async def book_balances_on(
    session: AsyncSession, book_ids: list[uuid.UUID], codes: list[AccountCode], on: date
) -> dict[tuple[uuid.UUID, str], int]:
    """The balances of some accounts in many books at the end of a day: the sum of their postings dated
    on or before it (an entry recorded late for an earlier day counts on its own day)."""
    rows = await session.execute(
        select(col(LedgerAccountRow.book_id), col(LedgerAccountRow.code), func.sum(col(PostingRow.amount_pence)))
        .join(PostingRow, col(PostingRow.account_id) == col(LedgerAccountRow.id))
        .where(
            among(col(LedgerAccountRow.book_id), book_ids),
            col(LedgerAccountRow.code).in_([code.value for code in codes]),
            col(PostingRow.occurred_on) <= on,
        )
        .group_by(col(LedgerAccountRow.book_id), col(LedgerAccountRow.code))
    )
    return {(book_id, code): int(balance) for book_id, code, balance in rows.all()}


async def book_credits(
    session: AsyncSession, book_ids: list[uuid.UUID], code: AccountCode, occurred_from: date, occurred_to: date
) -> dict[uuid.UUID, int]:
    """What was credited to one account of many books within ``[from, to]``, as a positive amount (an
    income account's takings)."""
    rows = await session.execute(
        select(col(PostingRow.book_id), -func.sum(col(PostingRow.amount_pence)))
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(
            among(col(PostingRow.book_id), book_ids),
            col(LedgerAccountRow.code) == code.value,
            col(PostingRow.occurred_on) >= occurred_from,
            col(PostingRow.occurred_on) <= occurred_to,
        )
        .group_by(col(PostingRow.book_id))
    )
    return {book_id: int(total) for book_id, total in rows.all()}


async def credited_since(
    session: AsyncSession, book_ids: list[uuid.UUID], since: list[tuple[AccountCode, date]]
) -> dict[tuple[uuid.UUID, str, date], int]:
    """For each (account code, day): what was credited to that account of each book on or after the
    day, many books in one query (a liability's amounts that are not yet due, say)."""
    if not since or not book_ids:
        return {}
    amount, code = col(PostingRow.amount_pence), col(LedgerAccountRow.code)
    rows = await session.execute(
        select(
            col(PostingRow.book_id),
            *(
                func.sum(-amount).filter((code == each.value) & (col(PostingRow.occurred_on) >= day))
                for each, day in since
            ),
        )
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(
            among(col(PostingRow.book_id), book_ids),
            code.in_({each.value for each, _ in since}),
            amount < 0,
            col(PostingRow.occurred_on) >= min(day for _, day in since),
        )
        .group_by(col(PostingRow.book_id))
    )
    return {
        (row[0], each.value, day): int(total)
        for row in rows.all()
        for (each, day), total in zip(since, row[1:], strict=True)
        if total
    }
