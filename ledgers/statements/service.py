"""Storing an imported statement: all or nothing, each bank line once.

Parsing and every check happen before anything is written; the caller's transaction then
holds the whole import, so a failure at any point leaves the ledger as it was. Lines are
written with PostgreSQL's COPY, which is what makes large files fast.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import among
from ledgers.constraints import unique_violated
from ledgers.errors import BookNotOpenError, StatementError, StatementNotFoundError
from ledgers.ids import new_id
from ledgers.keyset import Keyset
from ledgers.statements.csv_import import CsvProfile
from ledgers.statements.model import ParsedStatement, fingerprints
from ledgers.statements.parse import parse_statement
from ledgers.statements.profiles import saved_profiles
from ledgers.tables import LedgerAccountRow, StatementLineRow, StatementRow

COPY_BATCH = 20_000
_LINE_COLUMNS = (
    "id",
    "book_id",
    "statement_id",
    "source_line",
    "value_on",
    "description",
    "amount_pence",
    "balance_after_pence",
    "reference",
    "fingerprint",
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    statement_id: uuid.UUID
    format: str
    lines_in_file: int
    new_lines: int
    start_on: date
    end_on: date
    duplicate_file: bool = False
    """The very same file was imported before: nothing was written."""

    @property
    def known_lines(self) -> int:
        return self.lines_in_file - self.new_lines


class Parser(Protocol):
    def __call__(
        self,
        data: bytes,
        file: str,
        *,
        format: str | None,
        profile: str | None,
        saved: Mapping[str, CsvProfile],
    ) -> Awaitable[ParsedStatement]: ...


async def import_statement(
    session: AsyncSession,
    book_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    format: str | None = None,
    profile: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    parse: Parser | None = None,
) -> ImportResult:
    """``parse`` reads the file (by default here, in this process; the platform passes one that reads
    it in a worker process, so a hostile file cannot stall or crash the server)."""
    if (
        await session.scalar(select(col(LedgerAccountRow.id)).where(col(LedgerAccountRow.book_id) == book_id).limit(1))
        is None
    ):
        raise BookNotOpenError("This DP account has no ledger yet.")
    digest = hashlib.sha256(data).hexdigest()
    earlier = await session.scalar(
        select(StatementRow).where(col(StatementRow.book_id) == book_id, col(StatementRow.file_sha256) == digest)
    )
    if earlier is not None:
        return ImportResult(
            earlier.id, earlier.format, earlier.line_count, 0, earlier.start_on, earlier.end_on, duplicate_file=True
        )
    saved = await saved_profiles(session, book_id)
    if parse is None:
        parsed = parse_statement(data, filename, format=format, profile=profile, saved=saved)
    else:
        parsed = await parse(data, filename, format=format, profile=profile, saved=saved)
    start_on, end_on = parsed.start_on, parsed.end_on
    if start_on is None or end_on is None:  # each parser refuses a file without transactions; so does this
        raise StatementError(filename, 1, "file", "the statement has no transactions")
    prints = fingerprints(book_id, parsed.lines)
    # A line already stored has the same date, so only the statement's own date range need be read.
    known = set(
        await session.scalars(
            select(col(StatementLineRow.fingerprint)).where(
                col(StatementLineRow.book_id) == book_id,
                col(StatementLineRow.value_on) >= start_on,
                col(StatementLineRow.value_on) <= end_on,
            )
        )
    )
    fresh = [(line, print_) for line, print_ in zip(parsed.lines, prints, strict=True) if print_ not in known]
    statement = StatementRow(
        book_id=book_id,
        filename=filename[:255],
        file_sha256=digest,
        format=parsed.format,
        start_on=start_on,
        end_on=end_on,
        opening_balance_pence=parsed.opening_balance.pence if parsed.opening_balance is not None else None,
        closing_balance_pence=parsed.closing_balance.pence if parsed.closing_balance is not None else None,
        line_count=len(parsed.lines),
        new_line_count=len(fresh),
    )
    session.add(statement)
    await session.flush()
    records = [
        (
            new_id(),
            book_id,
            statement.id,
            str(line.line)[:40],
            line.value_on,
            line.description[:500],
            line.amount.pence,
            line.balance_after.pence if line.balance_after is not None else None,
            (line.reference or None) and line.reference[:100],
            print_,
        )
        for line, print_ in fresh
    ]
    driver = (await (await session.connection()).get_raw_connection()).driver_connection
    written = 0
    for start in range(0, len(records), COPY_BATCH):
        batch = records[start : start + COPY_BATCH]
        try:
            await driver.copy_records_to_table("ledger_statement_lines", records=batch, columns=_LINE_COLUMNS)
        except asyncpg.UniqueViolationError as error:  # another import stored one of these lines meanwhile
            if unique_violated(error) != "uq_ledger_statement_lines_book_id_fingerprint":
                raise
            raise StatementError(
                filename, "?", "file", "another import of the same lines ran at the same time; import this file again"
            ) from None
        written += len(batch)
        if progress is not None:
            progress(written, len(records))
    return ImportResult(
        statement.id, parsed.format, len(parsed.lines), len(fresh), statement.start_on, statement.end_on
    )


async def account_statements(
    session: AsyncSession, book_id: uuid.UUID, *, page: Keyset | None = None, newest_first: bool = True
) -> list[StatementRow]:
    query = select(StatementRow).where(col(StatementRow.book_id) == book_id).order_by(col(StatementRow.start_on).desc())
    if page is not None:
        query = page.apply(query, col(StatementRow.start_on), col(StatementRow.id), descending=newest_first)
    return list(await session.scalars(query))


async def book_lines(
    session: AsyncSession, book_id: uuid.UUID, *, value_from: date | None, value_to: date | None, page: Keyset
) -> list[StatementLineRow]:
    """The book's bank lines in (value day, id) order, a ``page`` at a time."""
    query = select(StatementLineRow).where(col(StatementLineRow.book_id) == book_id)
    if value_from is not None:
        query = query.where(col(StatementLineRow.value_on) >= value_from)
    if value_to is not None:
        query = query.where(col(StatementLineRow.value_on) <= value_to)
    return list(await session.scalars(page.apply(query, col(StatementLineRow.value_on), col(StatementLineRow.id))))


async def statement_of(session: AsyncSession, book_id: uuid.UUID, statement_id: uuid.UUID) -> StatementRow:
    statement = await session.get(StatementRow, statement_id)
    if statement is None or statement.book_id != book_id:
        raise StatementNotFoundError("There is no such statement on this account.", field="statement_id")
    return statement


async def lines_of_statement(session: AsyncSession, statement_id: uuid.UUID) -> list[StatementLineRow]:
    return list(
        await session.scalars(
            select(StatementLineRow)
            .where(col(StatementLineRow.statement_id) == statement_id)
            .order_by(col(StatementLineRow.value_on), col(StatementLineRow.source_line))
        )
    )


async def latest_statement_ends(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """The last day each account's statements reach, for many accounts at once."""
    rows = await session.execute(
        select(col(StatementRow.book_id), func.max(col(StatementRow.end_on)))
        .where(among(col(StatementRow.book_id), book_ids))
        .group_by(col(StatementRow.book_id))
    )
    return dict(rows.all())


async def last_statement_balance(session: AsyncSession, book_id: uuid.UUID) -> tuple[date, int] | None:
    """The closing balance of the statement that reaches furthest, and its last day: what the bank says."""
    row = (
        await session.execute(
            select(col(StatementRow.end_on), col(StatementRow.closing_balance_pence))
            .where(col(StatementRow.book_id) == book_id, col(StatementRow.closing_balance_pence).is_not(None))
            .order_by(col(StatementRow.end_on).desc(), col(StatementRow.imported_at).desc())
            .limit(1)
        )
    ).first()
    return (row[0], int(row[1])) if row else None
