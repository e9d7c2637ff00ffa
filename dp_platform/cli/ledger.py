"""``dp-platform import-statement`` and ``ledger balances|report``: statements in, balances out."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from datetime import date
from typing import Any

from dp_platform.cli.common import _connect, _say
from dp_platform.settings import ConfigurationError, Settings


async def _import(url: str, args: argparse.Namespace, data: bytes):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.workflows.statements import import_account_statement

    engine = create_engine(url, pool_size=1)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task(f"Importing {args.file.name}", total=None)
            async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
                return await import_account_statement(
                    session,
                    None,
                    args.account,
                    filename=args.file.name,
                    data=data,
                    format=args.format,
                    profile=args.profile,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    finally:
        await engine.dispose()


def cmd_import_statement(settings: Settings, args: argparse.Namespace) -> int:
    from ledgers.errors import DomainError

    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"Cannot read {args.file}: {error.strerror or error}.") from None
    settings, _ = _connect(settings, migrate=False)
    try:
        result = asyncio.run(_import(settings.database_url, args, data))  # type: ignore[arg-type]
    except DomainError as error:
        print(f"dp-platform: {error.detail}", file=sys.stderr)
        return 1
    if result.duplicate_file:
        _say(f"{args.file.name} was imported before; nothing was added.")
    else:
        _say(
            f"Imported {args.file.name} ({result.format}, {result.start_on} to {result.end_on}): "
            f"{result.new_lines} new line(s), {result.known_lines} already known."
        )
    return 0


async def _balances(url: str, account_id: uuid.UUID, on: date | None):  # type: ignore[no-untyped-def]
    """One statement on a bare connection: this command starts without loading the ORM."""
    import asyncpg

    from dp_platform.db.address import plain_url
    from ledgers.balances import BALANCES_SQL, balances_of

    connection = await asyncpg.connect(plain_url(url))
    try:
        return balances_of(await connection.fetch(BALANCES_SQL, account_id, on))
    finally:
        await connection.close()


def cmd_ledger_balances(settings: Settings, args: argparse.Namespace) -> int:
    from ledgers.errors import DomainError
    from ledgers.money import Money

    settings, _ = _connect(settings, migrate=False)
    try:
        rows = asyncio.run(_balances(settings.database_url, args.account, args.on))  # type: ignore[arg-type]
    except DomainError as error:
        print(f"dp-platform: {error.detail}", file=sys.stderr)
        return 1
    _say(f"Balances{' at the end of ' + args.on.isoformat() if args.on else ''} (as a person reads them):")
    for row in rows:
        if row.balance_pence or args.all:
            _say(f"  {row.code.value:<42} {Money(row.natural_pence)!s:>14}  {row.name}")
    return 0


REPORT_SQL = """
SELECT d.reference, a.book_id, a.code, s.total
FROM (
    SELECT account_id, sum(amount_pence)::bigint AS total FROM ledger_postings
    WHERE $1::date IS NULL OR occurred_on <= $1::date
    GROUP BY account_id
) s
JOIN ledger_accounts a ON a.id = s.account_id
LEFT JOIN platform_dp_accounts d ON d.id = a.book_id
WHERE s.total <> 0
ORDER BY d.reference, a.book_id, a.code
"""
"""Every book's balances at the end of $1 (or now): the whole ledger in one statement."""


async def _report(url: str, on: date | None) -> list[Any]:
    import asyncpg

    from dp_platform.db.address import plain_url

    connection = await asyncpg.connect(plain_url(url))
    try:
        return list(await connection.fetch(REPORT_SQL, on))
    finally:
        await connection.close()


def cmd_ledger_report(settings: Settings, args: argparse.Namespace) -> int:
    """Tab-separated, for a spreadsheet or another tool: one line for each ledger account not at zero."""
    settings, _ = _connect(settings, migrate=False)
    rows = asyncio.run(_report(settings.database_url, args.on))  # type: ignore[arg-type]
    lines = ["dp_account\tbook_id\tledger_account\tbalance_pence\tbalance_pounds"]
    for reference, book_id, code, total in rows:
        pounds = f"{'-' if total < 0 else ''}{abs(total) // 100}.{abs(total) % 100:02d}"
        lines.append(f"{reference or ''}\t{book_id}\t{code}\t{total}\t{pounds}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
