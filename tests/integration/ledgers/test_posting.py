"""Posting into PostgreSQL: balances, versions, idempotency, reversals and the database's own guards."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from ledgers.accounts import AccountCode
from ledgers.chart import DP_BANK
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import (
    AlreadyReversedError,
    ClosedAccountError,
    IdempotencyConflictError,
    UnknownAccountError,
)
from ledgers.money import Money
from ledgers.service import (
    balance_at,
    balances,
    open_book,
    post_entries,
    post_entry,
    reverse_entry,
    spend_by_account,
)
from ledgers.tables import LedgerAccountRow, PostingRow

pytestmark = pytest.mark.integration

INCOME = AccountCode("income:authority:dp_payment")
WAGES = AccountCode("expenses:pa_wages:gross")


def entry(book, key, pence=1000, on=date(2026, 4, 6), debit=DP_BANK, credit=INCOME, narration="payment"):
    return JournalEntryDraft(book, on, narration, (Posting(debit, Money(pence)), Posting(credit, Money(-pence))), key)


@pytest.fixture
async def book(db):
    book_id = uuid.uuid4()
    async with async_sessionmaker(db)() as session, session.begin():
        assert await open_book(session, book_id, date(2025, 4, 1)) > 10
        assert await open_book(session, book_id, date(2025, 4, 1)) == 0  # opening again adds nothing
    return book_id


@pytest.fixture
def sessions(db):
    return async_sessionmaker(db, expire_on_commit=False)


async def post(sessions, draft):
    async with sessions() as session, session.begin():
        return await post_entry(session, draft)


async def test_posting_moves_balances_and_stamps_versions(sessions, book):
    first = await post(sessions, entry(book, "p1", 184_000))
    second = await post(sessions, entry(book, "p2", 60_000, on=date(2026, 4, 20), debit=WAGES, credit=DP_BANK))
    assert [(line.account, line.account_version, line.balance_after_pence) for line in first.lines] == [
        (DP_BANK, 1, 184_000),
        (INCOME, 1, -184_000),
    ]
    assert [(line.account, line.account_version, line.balance_after_pence) for line in second.lines] == [
        (WAGES, 1, 60_000),
        (DP_BANK, 2, 124_000),
    ]
    async with sessions() as session:
        now = {row.code.value: row.natural_pence for row in await balances(session, book)}
        assert now[DP_BANK.value] == 124_000 and now[INCOME.value] == 184_000 and now[WAGES.value] == 60_000
        before_wages = await balance_at(session, book, DP_BANK, date(2026, 4, 19))
        assert before_wages == 184_000
        assert await balance_at(session, book, DP_BANK, date(2026, 4, 5)) == 0


async def test_a_backdated_entry_counts_from_its_own_date(sessions, book):
    await post(sessions, entry(book, "late", 500, on=date(2026, 5, 1)))
    await post(sessions, entry(book, "early", 700, on=date(2026, 4, 1)))  # recorded later, happened earlier
    async with sessions() as session:
        assert await balance_at(session, book, DP_BANK, date(2026, 4, 15)) == 700
        assert await balance_at(session, book, DP_BANK, date(2026, 5, 1)) == 1200
        on_date = {row.code.value: row.balance_pence for row in await balances(session, book, on=date(2026, 4, 15))}
        assert on_date[DP_BANK.value] == 700 and sum(on_date.values()) == 0


async def test_a_retried_key_returns_the_original_and_another_body_is_a_conflict(sessions, book):
    first = await post(sessions, entry(book, "same-key", 1000))
    again = await post(sessions, entry(book, "same-key", 1000))
    assert again.replayed and again.entry.id == first.entry.id
    with pytest.raises(IdempotencyConflictError):
        await post(sessions, entry(book, "same-key", 1001))
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(PostingRow).where(PostingRow.book_id == book))
    assert count == 2


async def test_a_reversal_cancels_once_and_keeps_the_original(sessions, book):
    original = await post(sessions, entry(book, "wrong", 2500))
    async with sessions() as session, session.begin():
        reversal = await reverse_entry(
            session, book, original.entry.id, occurred_on=None, idempotency_key="undo", reason="keyed twice"
        )
    assert reversal.entry.reverses_entry_id == original.entry.id
    assert reversal.entry.occurred_on == original.entry.occurred_on
    assert [line.amount_pence for line in reversal.lines] == [-2500, 2500]
    async with sessions() as session, session.begin():
        replay = await reverse_entry(
            session, book, original.entry.id, occurred_on=None, idempotency_key="undo", reason="keyed twice"
        )
        assert replay.replayed and replay.entry.id == reversal.entry.id
    with pytest.raises(AlreadyReversedError):
        async with sessions() as session, session.begin():
            await reverse_entry(
                session, book, original.entry.id, occurred_on=None, idempotency_key="undo-2", reason="again"
            )
    with pytest.raises(AlreadyReversedError, match="cannot itself be reversed"):
        async with sessions() as session, session.begin():
            await reverse_entry(
                session, book, reversal.entry.id, occurred_on=None, idempotency_key="undo-3", reason="again"
            )
    async with sessions() as session:
        assert await balance_at(session, book, DP_BANK, date(2026, 12, 31)) == 0


async def test_unknown_and_closed_accounts_are_refused(sessions, book):
    with pytest.raises(UnknownAccountError, match="expenses:yachts"):
        await post(sessions, entry(book, "k", debit=AccountCode("expenses:yachts"), credit=DP_BANK))
    async with sessions() as session, session.begin():
        row = await session.scalar(
            select(LedgerAccountRow).where(LedgerAccountRow.book_id == book, LedgerAccountRow.code == WAGES.value)
        )
        row.closed_on = date(2026, 3, 31)
    with pytest.raises(ClosedAccountError, match="closed on 2026-03-31"):
        await post(sessions, entry(book, "k2", debit=WAGES, credit=DP_BANK))
    with pytest.raises(ClosedAccountError, match="opened on 2025-04-01"):
        await post(sessions, entry(book, "k3", on=date(2025, 3, 31)))


async def test_a_failed_posting_leaves_nothing_behind(sessions, book):
    with pytest.raises(UnknownAccountError):
        await post(
            sessions,
            JournalEntryDraft(
                book,
                date(2026, 4, 6),
                "three-way",
                (
                    Posting(DP_BANK, Money(100)),
                    Posting(INCOME, Money(-50)),
                    Posting(AccountCode("income:nowhere"), Money(-50)),
                ),
                "k",
            ),
        )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PostingRow).where(PostingRow.book_id == book)) == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_postings SET amount_pence = amount_pence + 1",
        "DELETE FROM ledger_postings",
        "UPDATE ledger_journal_entries SET narration = 'edited'",
        "DELETE FROM ledger_journal_entries",
        "TRUNCATE ledger_postings CASCADE",
    ],
)
async def test_entries_and_postings_are_append_only(sessions, book, db, statement):
    await post(sessions, entry(book, "k"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as connection:
            await connection.execute(text(statement))


async def test_the_database_refuses_an_unbalanced_entry_at_commit(sessions, book, db):
    async with sessions() as session:
        bank = await session.scalar(
            select(LedgerAccountRow.id).where(LedgerAccountRow.book_id == book, LedgerAccountRow.code == DP_BANK.value)
        )
    entry_id = uuid.uuid4()
    with pytest.raises(DBAPIError, match="does not balance"):
        async with db.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO ledger_journal_entries (id, book_id, occurred_on, narration, source, idempotency_key,"
                    " request_hash) VALUES (:id, :book, '2026-04-06', 'sneaky', 'manual', 'raw', 'x')"
                ),
                {"id": entry_id, "book": book},
            )
            await connection.execute(
                text(
                    "INSERT INTO ledger_postings (id, entry_id, account_id, book_id, occurred_on, amount_pence,"
                    " account_version, balance_after_pence)"
                    " VALUES (:id, :entry, :account, :book, '2026-04-06', 100, 1, 100)"
                ),
                {"id": uuid.uuid4(), "entry": entry_id, "account": bank, "book": book},
            )


async def test_spend_is_net_of_reversals_per_category(sessions, book):
    await post(sessions, entry(book, "in", 200_000))
    wages = await post(sessions, entry(book, "w1", 60_000, on=date(2026, 4, 20), debit=WAGES, credit=DP_BANK))
    await post(
        sessions,
        entry(book, "kit", 12_500, on=date(2026, 4, 21), debit=AccountCode("expenses:equipment"), credit=DP_BANK),
    )
    async with sessions() as session, session.begin():
        await reverse_entry(session, book, wages.entry.id, occurred_on=None, idempotency_key="w1-undo", reason="dup")
    async with sessions() as session:
        spend = {
            row.code.value: row.balance_pence
            for row in await spend_by_account(
                session, book, occurred_from=date(2026, 4, 1), occurred_to=date(2026, 4, 30)
            )
        }
    assert spend == {"expenses:equipment": 12_500, "expenses:pa_wages:gross": 0}


async def test_entries_posted_together_on_many_books_are_the_entries_posted_one_by_one(sessions, book, db):
    other = uuid.uuid4()
    async with sessions() as session, session.begin():
        await open_book(session, other, date(2025, 4, 1))
    await post(sessions, entry(book, "before", 5_000))
    async with sessions() as session, session.begin():
        posted = await post_entries(
            session,
            [
                entry(book, "before", 5_000),  # the same request again: answered with what it posted
                entry(book, "b1", 1_000),
                entry(other, "o1", 7_000),
                entry(book, "b2", 300, debit=WAGES, credit=DP_BANK),
            ],
        )
    assert [item.replayed for item in posted] == [True, False, False, False]
    assert [(line.account, line.account_version, line.balance_after_pence) for line in posted[1].lines] == [
        (DP_BANK, 2, 6_000),
        (INCOME, 2, -6_000),
    ]
    assert [(line.account, line.account_version, line.balance_after_pence) for line in posted[3].lines] == [
        (WAGES, 1, 300),
        (DP_BANK, 3, 5_700),
    ], "two entries on one account in one batch take its versions in order"
    async with sessions() as session:
        mine = {item.code: item.balance_pence for item in await balances(session, book)}
        theirs = {item.code: item.balance_pence for item in await balances(session, other)}
        stored = {
            row.code: (row.balance_pence, row.version)
            for row in await session.scalars(select(LedgerAccountRow).where(LedgerAccountRow.book_id == book))
        }
        count = await session.scalar(select(func.count()).select_from(PostingRow))
    assert mine[DP_BANK] == 5_700 and theirs[DP_BANK] == 7_000
    assert stored[DP_BANK.value] == (5_700, 3) and stored[WAGES.value] == (300, 1), "the accounts' rows moved too"
    assert count == 2 + 2 + 2 + 2


async def test_a_batch_naming_one_key_twice_posts_nothing(sessions, book):
    async with sessions() as session, session.begin():
        with pytest.raises(IdempotencyConflictError):
            await post_entries(session, [entry(book, "twice", 100), entry(book, "twice", 200)])
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PostingRow)) == 0


async def test_a_broken_unique_rule_is_told_by_its_name_and_other_integrity_errors_are_not(sessions, book):
    from sqlalchemy.exc import IntegrityError

    from ledgers.constraints import unique_violated

    async with sessions() as session:
        with pytest.raises(IntegrityError) as twice:
            async with session.begin():
                session.add(
                    LedgerAccountRow(book_id=book, code=DP_BANK.value, name="again", opened_on=date(2025, 4, 1))
                )
        assert unique_violated(twice.value) == "uq_ledger_accounts_book_id_code"
        with pytest.raises(IntegrityError) as orphan:
            async with session.begin():
                session.add(
                    PostingRow(
                        entry_id=uuid.uuid4(),
                        account_id=uuid.uuid4(),
                        book_id=book,
                        occurred_on=date(2026, 4, 6),
                        amount_pence=1,
                        account_version=1,
                        balance_after_pence=1,
                    )
                )
        assert unique_violated(orphan.value) is None, "a missing parent is not a race"
