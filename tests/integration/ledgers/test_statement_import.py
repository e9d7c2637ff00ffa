"""Statement import into PostgreSQL: each bank line once, all or nothing."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from ledgers.errors import StatementError
from ledgers.service import open_book
from ledgers.statements.model import ParsedStatement
from ledgers.statements.service import import_statement
from ledgers.tables import StatementLineRow
from tests import statement_files as files

pytestmark = pytest.mark.integration

LEDGER_TABLES = (
    "ledger_accounts",
    "ledger_journal_entries",
    "ledger_postings",
    "ledger_statements",
    "ledger_statement_lines",
)


@pytest.fixture
async def book(db):
    book_id = uuid.uuid4()
    async with async_sessionmaker(db)() as session, session.begin():
        await open_book(session, book_id, date(2025, 4, 1))
    return book_id


async def _import(db, book, data, name="april.csv", **options):
    async with async_sessionmaker(db, expire_on_commit=False)() as session, session.begin():
        return await import_statement(session, book, filename=name, data=data, **options)


async def _lines(db, book) -> list[tuple[date, int]]:
    async with async_sessionmaker(db)() as session:
        rows = await session.execute(
            select(StatementLineRow.value_on, StatementLineRow.amount_pence)
            .where(StatementLineRow.book_id == book)
            .order_by(StatementLineRow.value_on, StatementLineRow.amount_pence)
        )
        return [tuple(row) for row in rows]


async def ledger_snapshot(db) -> dict[str, str]:
    async with db.connect() as connection:
        return {
            table: await connection.scalar(
                text(f"SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t")  # noqa: S608
            )
            for table in LEDGER_TABLES
        }


async def test_importing_the_same_file_twice_adds_nothing_the_second_time(db, book):
    first = await _import(db, book, files.lloyds_csv())
    assert (first.new_lines, first.duplicate_file, first.format) == (4, False, "csv:lloyds")
    again = await _import(db, book, files.lloyds_csv())
    assert again.duplicate_file and again.new_lines == 0 and again.statement_id == first.statement_id
    assert len(await _lines(db, book)) == 4


@pytest.mark.parametrize("make", [files.lloyds_csv, files.ofx, files.pdf_table, files.monzo_csv])
async def test_overlapping_statements_store_each_bank_line_once(db, book, make):
    early, late = files.TRANSACTIONS[:3], files.TRANSACTIONS[1:]
    opening_late = files.OPENING_PENCE + files.TRANSACTIONS[0][2]
    first = await _import(db, book, make(early) if make is files.monzo_csv else make(early, files.OPENING_PENCE))
    second = await _import(db, book, make(late) if make is files.monzo_csv else make(late, opening_late))
    assert (first.new_lines, second.new_lines, second.known_lines) == (3, 1, 2)
    assert await _lines(db, book) == sorted((d, p) for d, _, p in files.TRANSACTIONS)


async def test_two_identical_lines_on_one_day_are_both_kept(db, book):
    twice = [(date(2026, 4, 6), "CASH", -1000), (date(2026, 4, 6), "CASH", -1000)]
    result = await _import(db, book, files.barclays_csv(twice))
    assert result.new_lines == 2


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.lloyds_csv().replace(b",450.00,", b",4S0.00,"), "bad-amount.csv"),
        (files.lloyds_csv().replace(b",1890.00", b",1890.01"), "bad-balance.csv"),
        (files.lloyds_csv()[:-30], "truncated.csv"),
        (files.ofx()[:300], "truncated.ofx"),
        (files.pdf_table()[:900], "truncated.pdf"),
        (files.pdf_text(misprint_row=2), "misprinted.pdf"),
        (files.lloyds_csv().replace(b",450.00,", b",-450.00,"), "negative.csv"),
        (files.barclays_csv().replace(b"Memo", b"Notes"), "wrong-layout.csv"),
    ],
)
async def test_a_refused_import_leaves_the_ledger_byte_for_byte_as_it_was(db, book, data, name):
    await _import(db, book, files.nationwide_csv(files.TRANSACTIONS[:2]), "earlier.csv")
    before = await ledger_snapshot(db)
    with pytest.raises(StatementError) as caught:
        await _import(db, book, data, name)
    assert caught.value.file == name
    assert await ledger_snapshot(db) == before


async def test_a_parser_that_reads_no_transactions_is_refused_before_anything_is_stored(db, book):
    """Each parser refuses a file without transactions; a parser that did not would otherwise store a
    statement with no first or last day (the columns are NOT NULL), so the importer refuses it too."""

    async def reads_nothing(data, filename, **options):
        return ParsedStatement(format="csv:test", lines=())

    before = await ledger_snapshot(db)
    with pytest.raises(StatementError, match="no transactions") as caught:
        await _import(db, book, b"date,amount\n", "empty.csv", parse=reads_nothing)
    assert caught.value.file == "empty.csv"
    assert await ledger_snapshot(db) == before


async def test_the_command_line_imports_with_a_clear_result_and_clear_errors(db, database_url, book, tmp_path: Path):
    from tests.cli.running import run_cli_here

    good, bad = tmp_path / "april.ofx", tmp_path / "broken.csv"
    good.write_bytes(files.ofx())
    bad.write_bytes(files.lloyds_csv().replace(b"06/04/2026", b"2026-04-06"))

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return run_cli_here("import-statement", str(path), "--account", str(book), DP_DATABASE_URL=database_url)

    done = await asyncio.to_thread(run, good)
    assert done.returncode == 0, done.stderr
    assert "Imported april.ofx (ofx, 2026-04-06 to 2026-04-24): 4 new line(s), 0 already known." in done.stdout
    refused = await asyncio.to_thread(run, bad)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "dp-platform: broken.csv, line 5, field 'Transaction Date': '2026-04-06' is not a date like %d/%m/%Y"
    )
    async with async_sessionmaker(db)() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(StatementLineRow).where(StatementLineRow.book_id == book)
            )
            == 4
        )
