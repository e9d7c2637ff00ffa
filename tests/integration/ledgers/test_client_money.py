"""A provider's pooled client account: 200 people, one statement of 5,000 lines, every line given to
the person it is for (or listed as waiting), and the client-money check balanced to the penny."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from ledgers.client_money.service import (
    PoolError,
    ReferenceMatcher,
    add_member,
    assign_by_hand,
    client_money_check,
    import_pooled_statement,
    open_pool,
    waiting_lines,
)
from ledgers.client_money.tables import PoolMemberRow
from ledgers.service import open_book
from ledgers.tables import StatementLineRow, StatementRow
from tests import statement_files as files

pytestmark = pytest.mark.integration

PEOPLE = 200
START = date(2026, 10, 1)


def _reference(n: int) -> str:
    return f"GLN-{n:04d}"


def _pooled_month(seed: int = 7) -> tuple[list[tuple[date, str, int]], dict[int, int], list[int]]:
    """A month of a pooled account: for each person a council payment and 24 payments out, most naming
    them by reference, some only by a payee paid for them before, a few by nobody.

    Returns the transactions, what each person's lines add up to, and the indexes of the lines
    nobody can place (given by hand in the test)."""
    rng = random.Random(seed)
    rows: list[tuple[date, str, int, int | None]] = []  # (day, description, pence, person or None)
    for person in range(PEOPLE):
        ref = _reference(person)
        rows.append((START, f"GLENMORE COUNCIL DP {ref}", 150_000 + person, person))
        for n in range(24):
            day = START + timedelta(days=1 + n)
            pence = -rng.randint(500, 9_000)
            agency = "".join(chr(65 + (person // 26**k) % 26) for k in range(3)) + " HOMECARE LTD"
            if n == 5:  # the agency this person uses, named once with the reference ...
                rows.append((day, f"{agency} {ref}", pence, person))
            elif n == 17:  # ... and later without it: found by who it was for last time
                rows.append((day, agency, pence, person))
            else:
                rows.append((day, f"PA WAGES {ref.replace('-', ' ')} WEEK {n}", pence, person))
    # Lines naming nobody: a new supplier, twice, for person 3 and person 8; given by hand.
    rows[3 * 25 + 20] = (rows[3 * 25 + 20][0], "MOBILITY SHOP ONLINE", rows[3 * 25 + 20][2], 3)
    rows[8 * 25 + 21] = (rows[8 * 25 + 21][0], "MOBILITY SHOP ONLINE", rows[8 * 25 + 21][2], 8)
    rows.sort(key=lambda row: (row[0], row[1]))
    totals: dict[int, int] = {}
    for _, _, pence, person in rows:
        totals[person] = totals.get(person, 0) + pence
    unknown = [index for index, row in enumerate(rows) if row[1] == "MOBILITY SHOP ONLINE"]
    return [(day, text, pence) for day, text, pence, _ in rows], totals, unknown


def test_a_reference_is_matched_as_a_whole_whatever_its_punctuation():
    members = [
        PoolMemberRow(
            pool_id=uuid.uuid4(), member_book_id=uuid.uuid4(), name=n, reference=r, sub_account="x", joined_on=START
        )
        for n, r in (("Ann", "DP-0001"), ("Ben", "DP-00010"))
    ]
    matcher = ReferenceMatcher(members)
    assert matcher.match("WAGES DP 0001 WEEK 3").name == "Ann"
    assert matcher.match(None, "council dp0001").name == "Ann"
    assert matcher.match("DP-00010 RENT").name == "Ben"
    assert matcher.match("DP-000101 RENT") is None
    assert matcher.match("DP-0001 AND DP-00010") is None, "two people named: nobody guessed"


@pytest.mark.slow
async def test_a_pooled_statement_of_5000_lines_for_200_people_balances_to_the_penny(db):
    transactions, totals, unknown = _pooled_month()
    assert len(transactions) == PEOPLE * 25 == 5_000
    sessions = async_sessionmaker(db, expire_on_commit=False)
    books = [uuid.uuid4() for _ in range(PEOPLE)]
    async with sessions() as session, session.begin():
        pool = await open_pool(session, name="Thistle Support client account", opened_on=START)
        members = []
        for person, book in enumerate(books):
            await open_book(session, book, START)
            members.append(
                await add_member(
                    session, pool.id, book, name=f"Person {person}", reference=_reference(person), joined_on=START
                )
            )
        with pytest.raises(PoolError):
            await add_member(session, pool.id, uuid.uuid4(), name="Twin", reference="gln 0001", joined_on=START)
    async with sessions() as session, session.begin():
        imported = await import_pooled_statement(
            session, pool.id, filename="client-account-october.csv", data=files.lloyds_csv(transactions, opening=0)
        )
    assert imported.statement.new_lines == 5_000
    assert imported.assigned.by_reference == 5_000 - PEOPLE - len(unknown)
    assert imported.assigned.by_memory == PEOPLE  # the agency line without the reference
    assert imported.assigned.waiting == len(unknown) == 2
    async with sessions() as session:
        before = await client_money_check(session, pool.id)
        waiting = await waiting_lines(session, pool.id)
    assert not before.balanced and before.unassigned_lines == 2
    assert before.problems()[0].startswith("2 bank lines (")
    assert before.difference_pence == 0, "waiting lines are named, not lost"
    assert [line.description for line in waiting] == ["MOBILITY SHOP ONLINE"] * 2
    async with sessions() as session, session.begin():
        for line, person in zip(waiting, (3, 8), strict=True):
            await assign_by_hand(session, pool.id, line.id, members[person].id)
        with pytest.raises(PoolError):
            await assign_by_hand(session, pool.id, waiting[0].id, members[5].id)
    async with sessions() as session:
        check = await client_money_check(session, pool.id)
        closing = await session.scalar(
            select(StatementRow.closing_balance_pence).where(StatementRow.book_id == pool.id)
        )
        own_lines = dict(
            (
                await session.execute(
                    select(StatementLineRow.book_id, func.sum(StatementLineRow.amount_pence))
                    .where(StatementLineRow.book_id.in_(books))
                    .group_by(StatementLineRow.book_id)
                )
            ).all()
        )
    assert check.problems() == [] and check.balanced
    assert check.bank_pence == closing == sum(amount for _, _, amount in transactions)
    assert check.clients_pence == check.bank_pence and check.own_money_pence == 0 and check.unassigned_pence == 0
    for person, member_check in enumerate(sorted(check.members, key=lambda m: m.member.reference)):
        assert member_check.sub_ledger_pence == member_check.own_book_pence == totals[person], person
        assert own_lines[books[person]] == totals[person]


async def test_money_moving_between_a_persons_accounts_is_paired_only_when_a_line_says_so(db):
    from ledgers.client_money.transfers import transfer_pairs
    from ledgers.statements.service import import_statement

    sessions = async_sessionmaker(db, expire_on_commit=False)
    book = uuid.uuid4()
    day = date(2026, 11, 2)
    async with sessions() as session, session.begin():
        await open_book(session, book, START)
        out = await import_statement(
            session,
            book,
            filename="own.csv",
            data=files.lloyds_csv(
                [(day - timedelta(days=1), "CORNER SHOP", -700), (day, "TRANSFER TO CLIENT ACCOUNT", -50_000)],
                opening=0,
            ),
        )
        into = await import_statement(
            session,
            book,
            filename="share.csv",
            data=files.lloyds_csv(
                [
                    (day + timedelta(days=1), "FROM M CAMPBELL", 50_000),
                    (day + timedelta(days=3), "FROM M CAMPBELL AGAIN", 50_000),
                    (day + timedelta(days=4), "CORNER SHOP REFUND", 700),
                ],
                opening=0,
            ),
        )
        pairs = await transfer_pairs(session, book, into.statement_id)
        assert [(a.description, b.description) for a, b in pairs] == [("FROM M CAMPBELL", "TRANSFER TO CLIENT ACCOUNT")]
        again = await transfer_pairs(session, book, out.statement_id)
        assert [(a.description, b.description) for a, b in again] == [
            ("TRANSFER TO CLIENT ACCOUNT", "FROM M CAMPBELL")
        ], "the nearest in date; the refund is no transfer"
