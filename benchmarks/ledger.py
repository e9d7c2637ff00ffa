"""Ledger benchmark: statement import rate, posting rate, and balance reports on 1M postings,
side by side with ledger-cli and hledger (Debian's ``ledger`` and ``hledger`` packages) on the same data.

    .venv/bin/python -m benchmarks.ledger [--postings 1000000] [--statement-lines 200000] [--check]

Runs against a scratch database on the server ``DP_DATABASE_URL`` names, or on the
embedded server; the scratch database is dropped at the end. Prints figures, each with the
machine's load average. The journal the other tools read names every account by its book's whole
id, so they see the same 1,000 accounts; ``--check`` exits non-zero unless every account's balance
agrees between the platform, ledger-cli and hledger. The headline is whole process against whole
process (``dp-platform ledger report``: interpreter start, imports, connection, query, output,
against ``ledger balance`` reading its file), printed last; the warm in-process query is beside it,
labelled as such.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.settings import load_settings
from ledgers.accounts import AccountCode
from ledgers.chart import OPTION_1_CHART
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.ids import new_id
from ledgers.money import Money
from ledgers.service import balance_at, open_book, post_entry
from ledgers.statements.service import import_statement

ACCOUNTS_PER_BOOK = 20
START = date(2024, 4, 6)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _statement_csv(lines: int) -> bytes:
    """A Lloyds-layout CSV, newest first, with running balances."""
    randomiser = random.Random(1)
    balance, rows = 1_000_000, []
    for index in range(lines):
        day = START + timedelta(days=index * 700 // lines)
        pence = randomiser.choice((-1, -1, -1, 1)) * randomiser.randint(100, 90_000)
        balance += pence
        debit, credit = (f"{-pence / 100:.2f}", "") if pence < 0 else ("", f"{pence / 100:.2f}")
        rows.append(
            f"{day:%d/%m/%Y},DEB,'80-22-60,12345678,PAYEE {index % 997} REF {index},{debit},{credit},"
            f"{balance / 100:.2f}"
        )
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
    header += "Credit Amount,Balance"
    return ("\n".join([header, *reversed(rows)]) + "\n").encode()


SPEND_PAYEES = (
    "A MACKAY WAGES", "HMRC PAYE 120PA0001234", "NEST PENSION", "ACME HOMECARE LTD", "SCOTRAIL TICKET",
    "CITY CABS GLASGOW", "LEISURE CENTRE SWIM", "MORRIS INSURANCE", "TESCO STORES 2231", "J SMITH",
    "WILLIAM HILL 0412", "SUNNYSIDE CARE HOME", "ARGOS LTD", "CASH ATM LINK", "BRIGHT SPARKS CLUB",
)  # fmt: skip


def _spend_statement_csv(lines: int) -> bytes:
    """Like ``_statement_csv`` but money out only, to payees a DP account really pays (some of them not allowed)."""
    randomiser = random.Random(5)
    balance, rows = 100_000_000, []
    for index in range(lines):
        day = START + timedelta(days=index * 360 // lines)
        pence = -randomiser.randint(500, 60_000)
        balance += pence
        payee = SPEND_PAYEES[index % len(SPEND_PAYEES)]
        rows.append(f"{day:%d/%m/%Y},DEB,'80-22-60,12345678,{payee} {index},{-pence / 100:.2f},,{balance / 100:.2f}")
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
    header += "Credit Amount,Balance"
    return ("\n".join([header, *reversed(rows)]) + "\n").encode()


async def _time_checked_import(sessions, lines: int) -> None:  # type: ignore[no-untyped-def]
    """A statement imported through the platform, each money-out line categorised and checked."""
    from dp_platform.tenancy.tables import AuthorityRow, DpAccountRow
    from dp_platform.workflows.statements import import_account_statement
    from ledgers.categories.tables import SpendReviewRow

    async with sessions() as session, session.begin():
        authority = AuthorityRow(code=f"BENCH-{uuid.uuid4().hex[:6]}", name="Bench Council", kind="local_authority")
        session.add(authority)
        await session.flush()
        account = DpAccountRow(authority_id=authority.id, reference="B-1", holder_name="Bench", opened_on=START)
        session.add(account)
        await session.flush()
        await open_book(session, account.id, START)
    data = _spend_statement_csv(lines)
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        await import_account_statement(session, None, account.id, filename="checked.csv", data=data)
    elapsed = time.perf_counter() - started
    async with sessions() as session:
        reviews = await session.scalar(
            select(func.count()).select_from(SpendReviewRow).where(SpendReviewRow.book_id == account.id)
        )
    print(
        f"statement import with spend checks: {lines:,} money-out lines in {elapsed:.2f} s = "
        f"{lines / elapsed:,.0f} lines/s, {reviews:,} approvals and exceptions opened and audited {_load()}"
    )


def journal_name(code: str, book: uuid.UUID) -> str:
    """An account's name in the plain-text journal: unique per book (the book's whole id, not a prefix
    of it: a UUIDv7's first characters are its timestamp, shared by books made together)."""
    return f"{code.replace(':', '_')}:{book.hex}"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"(load {one:.2f} {five:.2f} {fifteen:.2f})"


def _ledger_cli_balances(journal_path: Path, on: date) -> dict[str, int]:
    out = subprocess.run(
        ["ledger", "-f", str(journal_path), "balance", "--flat", "--no-total", "--end",
         f"{on + timedelta(days=1):%Y/%m/%d}", "--format", "%(account)\t%(quantity(display_total))\n"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return {name: round(Decimal(value) * 100) for name, value in (line.split("\t") for line in out.splitlines())}


def _hledger_balances(journal_path: Path, on: date) -> dict[str, int]:
    out = subprocess.run(
        ["hledger", "-f", str(journal_path), "balance", "--flat", "--no-total", "-e",
         f"{on + timedelta(days=1):%Y-%m-%d}", "-O", "csv"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rows = list(csv.reader(io.StringIO(out)))[1:]
    return {name: round(Decimal(value.replace("£", "").replace(",", "")) * 100) for name, value in rows}


def _generate(postings: int, books: int):
    """Balanced two-posting entries spread over ``books`` books of 20 accounts each."""
    randomiser = random.Random(7)
    codes = [item.code.value for item in OPTION_1_CHART][:ACCOUNTS_PER_BOOK]
    book_ids = [new_id() for _ in range(books)]
    accounts = {(book, code): new_id() for book in book_ids for code in codes}
    versions = dict.fromkeys(accounts.values(), 0)
    balances = dict.fromkeys(accounts.values(), 0)
    entries, rows, journal = [], [], []
    for index in range(postings // 2):
        book = book_ids[index % books]
        debit_code, credit_code = randomiser.sample(codes, 2)
        pence = randomiser.randint(1, 250_000)
        day = START + timedelta(days=index * 730 // (postings // 2))
        entry_id = new_id()
        entries.append((entry_id, book, day, f"entry {index}", "benchmark", f"bench-{index}", "0" * 64))
        for code, amount in ((debit_code, pence), (credit_code, -pence)):
            account = accounts[(book, code)]
            versions[account] += 1
            balances[account] += amount
            rows.append((new_id(), entry_id, account, book, day, amount, versions[account], balances[account]))
        journal.append(
            f"{day:%Y/%m/%d} entry {index}\n    {journal_name(debit_code, book)}  £{pence / 100:.2f}\n"
            f"    {journal_name(credit_code, book)}  £{-pence / 100:.2f}\n"
        )
    return book_ids, accounts, entries, rows, journal


async def _scratch_database(server_url: str) -> str:
    name = f"dp_bench_{os.getpid()}"
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    await upgrade_to_head(url)
    return url


async def _drop(server_url: str, url: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await connection.close()


def _time_ledger_cli(journal_path: Path, account: str, on: date) -> tuple[float, float] | None:
    executable = shutil.which("ledger")
    if executable is None:
        return None
    timings = []
    for args in (
        ["balance", "--flat", "--end", f"{on + timedelta(days=1):%Y/%m/%d}"],
        ["balance", "--end", f"{on + timedelta(days=1):%Y/%m/%d}", account],
    ):
        started = time.perf_counter()
        subprocess.run([executable, "-f", str(journal_path), *args], check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


def _time_whole_process(url: str, on: date, books: list[uuid.UUID], expected: dict[str, int]) -> float:
    """The platform's report as a person runs it, ``dp-platform ledger report``: a new process, which imports,
    connects, queries and prints every book's balances (the benchmark's own import and posting books too,
    so it reports a little more than the journal holds). Exits unless its balances are ``expected``."""
    started = time.perf_counter()
    out = subprocess.run(
        [str(Path(sys.executable).parent / "dp-platform"), "ledger", "report", "--on", on.isoformat()],
        check=True, capture_output=True, text=True, env={**os.environ, "DP_DATABASE_URL": url},
    ).stdout  # fmt: skip
    elapsed = time.perf_counter() - started
    wanted = {str(book) for book in books}
    printed = {
        journal_name(code, uuid.UUID(book)): int(pence)
        for _, book, code, pence, _ in (line.split("\t") for line in out.splitlines()[1:])
        if book in wanted
    }
    if printed != expected:
        differ = {name for name in printed.keys() | expected.keys() if printed.get(name) != expected.get(name)}
        print(f"CHECK FAILED: dp-platform ledger report differs on {len(differ)} accounts, e.g. {sorted(differ)[:3]}")
        sys.exit(1)
    return elapsed


async def run(postings: int, statement_lines: int, check: bool = False) -> None:
    settings = load_settings(os.environ)
    server = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    url = await _scratch_database(server)
    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    try:
        async with engine.connect() as connection:
            print(f"database: {await connection.scalar(text('SELECT version()'))}".split(" on ")[0])

        # 1. Statement import through the real path: parse, check balances, fingerprint, COPY.
        data = _statement_csv(statement_lines)
        book = uuid.uuid4()
        async with sessions() as session, session.begin():
            await open_book(session, book, START)
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            result = await import_statement(session, book, filename="bench.csv", data=data)
        elapsed = time.perf_counter() - started
        print(
            f"statement import: {result.new_lines:,} lines in {elapsed:.2f} s = "
            f"{result.new_lines / elapsed:,.0f} lines/s (aim >= 50,000) {_load()}"
        )
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            again = await import_statement(session, book, filename="bench-again.csv", data=data + b"\n")
        print(f"re-import of the same lines: {again.new_lines} new in {time.perf_counter() - started:.2f} s")
        await _time_checked_import(sessions, 20_000)

        # 2. Posting through the service (locks, versions, idempotency), one transaction each.
        chart_book = uuid.uuid4()
        async with sessions() as session, session.begin():
            await open_book(session, chart_book, START)
        sample = 2_000
        started = time.perf_counter()
        for index in range(sample):
            draft = JournalEntryDraft(
                chart_book,
                START,
                "bench",
                (
                    Posting(AccountCode("assets:bank:dp_account"), Money(100 + index)),
                    Posting(AccountCode("expenses:equipment"), Money(-100 - index)),
                ),
                f"p{index}",
            )
            async with sessions() as session, session.begin():
                await post_entry(session, draft)
        elapsed = time.perf_counter() - started
        print(
            f"posting through the service: {sample / elapsed:,.0f} entries/s ({sample} entries, one commit each) "
            f"{_load()}"
        )

        # 3. 1M postings over 1,000 accounts, bulk-loaded, then balance reports.
        books = 1_000 // ACCOUNTS_PER_BOOK
        started = time.perf_counter()
        book_ids, accounts, entries, rows, journal = _generate(postings, books)
        print(
            f"generated {len(rows):,} postings in {len(entries):,} entries over {len(accounts):,} accounts "
            f"in {time.perf_counter() - started:.1f} s"
        )
        async with engine.begin() as connection:
            started = time.perf_counter()
            # Bulk load with triggers off (superuser only); the balanced-entry rule is checked below instead.
            await connection.execute(text("SET LOCAL session_replication_role = replica"))
            raw = (await connection.get_raw_connection()).driver_connection
            await raw.copy_records_to_table(
                "ledger_accounts",
                records=[(account, book, code, code, START, None, 0, 0) for (book, code), account in accounts.items()],
                columns=("id", "book_id", "code", "name", "opened_on", "closed_on", "version", "balance_pence"),
            )
            await raw.copy_records_to_table(
                "ledger_journal_entries",
                records=entries,
                columns=("id", "book_id", "occurred_on", "narration", "source", "idempotency_key", "request_hash"),
            )
            await raw.copy_records_to_table(
                "ledger_postings",
                records=rows,
                columns=(
                    "id",
                    "entry_id",
                    "account_id",
                    "book_id",
                    "occurred_on",
                    "amount_pence",
                    "account_version",
                    "balance_after_pence",
                ),
            )
            await raw.execute("""UPDATE ledger_accounts a SET version = s.n, balance_pence = s.total
                FROM (SELECT account_id, count(*) n, sum(amount_pence) total FROM ledger_postings GROUP BY account_id) s
                WHERE a.id = s.account_id""")
            load = time.perf_counter() - started
            started = time.perf_counter()
            unbalanced = await raw.fetchval("""SELECT count(*) FROM (SELECT entry_id FROM ledger_postings
                GROUP BY entry_id HAVING sum(amount_pence) <> 0 OR count(*) < 2) bad""")
            check = time.perf_counter() - started
        print(
            f"bulk load (COPY): {len(rows):,} postings in {load:.1f} s = {len(rows) / load:,.0f} postings/s; "
            f"balanced-entry check over all of them: {check:.2f} s, {unbalanced} unbalanced"
        )
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE ledger_postings"))

        report_on = START + timedelta(days=600)
        async with sessions() as session:
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                totals = (
                    await session.execute(
                        text(
                            "SELECT account_id, sum(amount_pence) FROM ledger_postings WHERE occurred_on <= :on "
                            "GROUP BY account_id"
                        ),
                        {"on": report_on},
                    )
                ).all()
                timings.append(time.perf_counter() - started)
            report = min(timings)
            assert sum(total for _, total in totals) == 0
            bank = AccountCode("assets:bank:dp_account")
            started = time.perf_counter()
            for book in book_ids[:100]:
                await balance_at(session, book, bank, report_on)
            single = (time.perf_counter() - started) / 100
        print(
            f"in-process, warm: all-account balance report at {report_on} ({len(totals):,} accounts, "
            f"{len(rows):,} postings): {report * 1000:.0f} ms {_load()}"
        )
        print(f"in-process, warm: single-account balance at a date: {single * 1000:.2f} ms {_load()}")

        names = {account: journal_name(code, book) for (book, code), account in accounts.items()}
        # the generated books only: the journal holds nothing of the import and posting runs above
        platform_balances = {names[account]: int(total) for account, total in totals if total and account in names}
        with tempfile.TemporaryDirectory() as folder:
            journal_path = Path(folder) / "bench.ledger"
            journal_path.write_text("\n".join(journal))
            first = book_ids[0]
            cli = _time_ledger_cli(journal_path, journal_name("assets:bank:dp_account", first), report_on)
            if check:
                problems = []
                for tool, read in (("ledger-cli", _ledger_cli_balances), ("hledger", _hledger_balances)):
                    if shutil.which(tool.split("-")[0]) is None:
                        problems.append(f"{tool} is not installed (apt-get install ledger hledger)")
                        continue
                    theirs = read(journal_path, report_on)
                    differ = {
                        n for n in platform_balances.keys() | theirs.keys() if platform_balances.get(n) != theirs.get(n)
                    }
                    print(
                        f"check against {tool}: {len(theirs):,} accounts with a balance, {len(platform_balances):,} "
                        f"in the platform; {len(differ)} differ"
                    )
                    if differ:
                        problems.append(f"{tool}: {len(differ)} accounts differ, e.g. {sorted(differ)[:3]}")
                if problems:
                    print("CHECK FAILED: " + "; ".join(problems))
                    sys.exit(1)
            whole = _time_whole_process(url, report_on, book_ids, platform_balances) if cli is not None else None
            if shutil.which("hledger"):
                started = time.perf_counter()
                _hledger_balances(journal_path, report_on)
                took = time.perf_counter() - started
                print(f"hledger, whole process on the same data: all accounts {took:.2f} s {_load()}")
        if cli is None:
            print("ledger-cli: not installed (apt-get install ledger) - no ratio")
        else:
            print(
                f"ledger-cli, whole process on the same data: all accounts {cli[0]:.2f} s, "
                f"one account {cli[1]:.2f} s {_load()}"
            )
            print(
                f"in-process, warm (not the headline): all-account report {cli[0] / report:,.0f}x faster than "
                f"ledger-cli's whole process; one account {cli[1] / single:,.0f}x {_load()}"
            )
        print(f"peak memory of this process: {_peak_rss_mb():,.0f} MB")
        if cli is not None and whole is not None:
            print(
                f"headline, whole process against whole process: the platform's all-account report {whole:.2f} s, "
                f"ledger-cli {cli[0]:.2f} s: {cli[0] / whole:.1f}x "
                f"(aim >= 20x: {'met' if cli[0] / whole >= 20 else 'missed'}) {_load()}"
            )
    finally:
        await engine.dispose()
        await _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--statement-lines", type=int, default=200_000)
    parser.add_argument("--check", action="store_true", help="exit 1 unless every balance agrees with ledger-cli's")
    args = parser.parse_args()
    asyncio.run(run(args.postings, args.statement_lines, args.check))


if __name__ == "__main__":
    main()
