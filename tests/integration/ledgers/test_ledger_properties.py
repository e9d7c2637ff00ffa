"""Random sequences of posts, reversals and retried keys leave a ledger that adds up (hypothesis),
and 50 concurrent posters to the same accounts neither deadlock nor lose or double a posting."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from ledgers.accounts import AccountCode
from ledgers.chart import OPTION_1_CHART
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import AlreadyReversedError, IdempotencyConflictError
from ledgers.money import Money
from ledgers.service import open_book, post_entry, reverse_entry
from ledgers.tables import JournalEntryRow, LedgerAccountRow, PostingRow

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CODES = [item.code for item in OPTION_1_CHART][:8]

post_op = st.tuples(
    st.just("post"),
    st.integers(0, 5),  # idempotency key index: small, so keys repeat
    st.lists(st.tuples(st.sampled_from(CODES), st.integers(-50_000, 50_000).filter(bool)), min_size=1, max_size=4),
    st.integers(0, 60),  # days after 1 April 2026
)
reverse_op = st.tuples(st.just("reverse"), st.integers(0, 20), st.just(None), st.just(0))
programs = st.lists(st.one_of(post_op, reverse_op), min_size=1, max_size=25)


def _balanced(lines):
    """Close the entry against an account it does not use yet, so it sums to zero."""
    balancing = next(code for code in CODES if code not in {code for code, _ in lines})
    return [*lines, (balancing, -sum(pence for _, pence in lines))]


async def _run(url: str, program) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    book = uuid.uuid4()
    posted_by_key: dict[str, uuid.UUID] = {}
    bodies: dict[str, str] = {}
    try:
        async with sessions() as session, session.begin():
            await open_book(session, book, date(2026, 1, 1))
        for op, index, lines, days in program:
            async with sessions() as session:
                try:
                    async with session.begin():
                        if op == "post":
                            lines = [(code, pence) for code, pence in _balanced(lines) if pence]
                            if len(lines) < 2:
                                continue
                            key = f"k{index}"
                            draft = JournalEntryDraft(
                                book,
                                date(2026, 4, 1) + timedelta(days=days),
                                "random",
                                tuple(Posting(code, Money(pence)) for code, pence in lines),
                                key,
                            )
                            result = await post_entry(session, draft)
                            if key in posted_by_key and bodies[key] == draft.request_hash():
                                assert result.replayed and result.entry.id == posted_by_key[key]
                            posted_by_key.setdefault(key, result.entry.id)
                            bodies.setdefault(key, draft.request_hash())
                        elif posted_by_key:
                            targets = sorted(posted_by_key.values())
                            await reverse_entry(
                                session,
                                book,
                                targets[index % len(targets)],
                                occurred_on=None,
                                idempotency_key=f"r{index}",
                                reason="property",
                            )
                except (IdempotencyConflictError, AlreadyReversedError):
                    pass
        async with sessions() as session:
            sums = (
                await session.execute(
                    select(PostingRow.entry_id, func.sum(PostingRow.amount_pence), func.count())
                    .where(PostingRow.book_id == book)
                    .group_by(PostingRow.entry_id)
                )
            ).all()
            assert all(total == 0 and count >= 2 for _, total, count in sums)
            accounts = list(await session.scalars(select(LedgerAccountRow).where(LedgerAccountRow.book_id == book)))
            for account in accounts:
                postings = (
                    await session.execute(
                        select(PostingRow.account_version, PostingRow.amount_pence)
                        .where(PostingRow.account_id == account.id)
                        .order_by(PostingRow.account_version)
                    )
                ).all()
                assert [version for version, _ in postings] == list(range(1, account.version + 1))
                assert account.balance_pence == sum(amount for _, amount in postings)
            assert sum(account.balance_pence for account in accounts) == 0
            keys = list(
                await session.scalars(select(JournalEntryRow.idempotency_key).where(JournalEntryRow.book_id == book))
            )
            assert len(keys) == len(set(keys))
    finally:
        await engine.dispose()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=programs)
def test_any_sequence_of_posts_reversals_and_retries_adds_up(db, database_url, program):
    asyncio.run(_run(database_url, program))


async def test_fifty_concurrent_posters_to_the_same_accounts_lose_and_double_nothing(db):
    book = uuid.uuid4()
    sessions = async_sessionmaker(db, expire_on_commit=False)
    async with sessions() as session, session.begin():
        await open_book(session, book, date(2026, 1, 1))
    codes = [
        AccountCode(code)
        for code in (
            "assets:bank:dp_account",
            "income:authority:dp_payment",
            "expenses:pa_wages:gross",
            "expenses:equipment",
        )
    ]
    randomiser = random.Random(7)
    plans = []
    for task in range(50):
        for n in range(4):
            first, second = randomiser.sample(codes, 2)  # opposite orders across tasks invite deadlocks
            plans.append((task, n, first, second, randomiser.randint(1, 10_000)))
    gate = asyncio.Semaphore(15)

    async def worker(task: int) -> None:
        for _, n, first, second, pence in [plan for plan in plans if plan[0] == task]:
            draft = JournalEntryDraft(
                book,
                date(2026, 4, 6),
                "race",
                (Posting(first, Money(pence)), Posting(second, Money(-pence))),
                f"t{task}-{n}",
            )
            for attempt in range(2):  # the same key sent twice, as a client retrying a timeout would
                async with gate, sessions() as session, session.begin():
                    result = await post_entry(session, draft)
                    assert result.replayed is (attempt == 1)

    await asyncio.wait_for(asyncio.gather(*(worker(task) for task in range(50))), timeout=120)
    async with sessions() as session:
        entries = await session.scalar(
            select(func.count()).select_from(JournalEntryRow).where(JournalEntryRow.book_id == book)
        )
        accounts = {
            row.code: row
            for row in await session.scalars(select(LedgerAccountRow).where(LedgerAccountRow.book_id == book))
        }
        for code in codes:
            row = accounts[code.value]
            versions = list(
                await session.scalars(
                    select(PostingRow.account_version)
                    .where(PostingRow.account_id == row.id)
                    .order_by(PostingRow.account_version)
                )
            )
            assert versions == list(range(1, row.version + 1))
    assert entries == 200
    expected = {code.value: 0 for code in codes}
    for _, _, first, second, pence in plans:
        expected[first.value] += pence
        expected[second.value] -= pence
    assert {code: accounts[code].balance_pence for code in expected} == expected
