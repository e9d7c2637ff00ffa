"""Client-money benchmark: a provider's pooled statement given out to its clients, and the check.

    .venv/bin/python -m benchmarks.client_money [--people 200] [--lines-each 25]

A pooled Lloyds-layout CSV of ``people`` times ``lines-each`` lines (a council payment and payments out for
each person, most naming them by reference, one each only by a payee seen before) is imported into
a pool of ``people`` members through the domain path (parse, store, give out by reference and by
memory, post the pool's entries, write each person's share); then the client-money check is run.
Runs against a scratch database on the server ``DP_DATABASE_URL`` names, or on the embedded server;
the scratch database is dropped at the end. Prints figures with the machine's load; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.ledger import _drop, _scratch_database
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.settings import load_settings
from ledgers.client_money.service import add_member, client_money_check, import_pooled_statement, open_pool
from ledgers.service import open_book

START = date(2026, 10, 1)


def _pounds(pence: int) -> str:
    return f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def pooled_csv(people: int, lines_each: int) -> bytes:
    """Lloyds layout, newest first, one day's lines in a fixed order, running balance from zero."""
    rows = []
    for person in range(people):
        ref = f"GLN-{person:04d}"
        agency = "".join(chr(65 + (person // 26**k) % 26) for k in range(3)) + " HOMECARE LTD"
        rows.append((START, f"GLENMORE COUNCIL DP {ref}", 150_000 + person))
        for n in range(1, lines_each):
            day = START + timedelta(days=1 + n % 27)
            text = f"{agency} {ref}" if n == 2 else agency if n == 3 else f"PA WAGES {ref} WEEK {n}"
            rows.append((day, text, -(500 + (person * 37 + n * 11) % 8_000)))
    rows.sort(key=lambda row: row[0])
    balance, lines = 0, []
    for day, text, pence in rows:
        balance += pence
        debit, credit = (_pounds(-pence), "") if pence < 0 else ("", _pounds(pence))
        lines.append(f"{day:%d/%m/%Y},DEB,'30-99-50,87654321,{text},{debit},{credit},{_pounds(balance)}")
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
    header += "Debit Amount,Credit Amount,Balance"
    return ("\n".join([header, *reversed(lines)]) + "\n").encode()


async def run(people: int, lines_each: int) -> None:
    settings = load_settings(os.environ)
    server = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    url = await _scratch_database(server)
    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    try:
        async with sessions() as session, session.begin():
            pool = await open_pool(session, name="Benchmark client account", opened_on=START)
            for person in range(people):
                book = uuid.uuid4()
                await open_book(session, book, START)
                await add_member(
                    session, pool.id, book, name=f"Person {person}", reference=f"GLN-{person:04d}", joined_on=START
                )
        data = pooled_csv(people, lines_each)
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            imported = await import_pooled_statement(session, pool.id, filename="pooled.csv", data=data)
        elapsed = time.perf_counter() - started
        given = imported.assigned
        print(
            f"pooled import: {imported.statement.new_lines:,} lines for {people} people in {elapsed:.2f} s "
            f"({given.by_reference:,} by reference, {given.by_memory:,} by memory, {given.waiting:,} waiting) "
            f"(load {os.getloadavg()[0]:.2f})"
        )
        started = time.perf_counter()
        async with sessions() as session:
            check = await client_money_check(session, pool.id)
        print(
            f"client-money check: {'balanced' if check.balanced else 'NOT balanced'} in "
            f"{time.perf_counter() - started:.2f} s (load {os.getloadavg()[0]:.2f})"
        )
    finally:
        await engine.dispose()
        await _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--lines-each", type=int, default=25)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.lines_each))


if __name__ == "__main__":
    main()
