"""Reconciliation against the database: auto-match, match and unmatch by hand, post a bank
line as an entry, and the report for a period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from ledgers.accounts import AccountCode
from ledgers.categories.assistant import payee_key
from ledgers.chart import DP_BANK, OPENING_BALANCE
from ledgers.columns import among
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import LedgerError
from ledgers.money import Money
from ledgers.reconcile import (
    DATE_WINDOW_DAYS,
    BankLine,
    BookPosting,
    Match,
    ReconciliationReport,
    StatementBalance,
    auto_match,
    build_report,
)
from ledgers.service import PostedEntry, balance_at, post_entry, reverse_entry
from ledgers.tables import JournalEntryRow, LedgerAccountRow, MatchRow, PostingRow, StatementLineRow, StatementRow


class MatchError(LedgerError):
    title = "Cannot match"


class MatchConflictError(LedgerError):
    category = "conflict"
    title = "Already matched"


@dataclass(frozen=True, slots=True)
class Period:
    occurred_from: date
    occurred_to: date

    def widened(self, days: int) -> Period:
        return Period(self.occurred_from - timedelta(days=days), self.occurred_to + timedelta(days=days))


async def _bank_account_id(session: AsyncSession, book_id: uuid.UUID) -> uuid.UUID:
    account_id = await session.scalar(
        select(col(LedgerAccountRow.id)).where(
            col(LedgerAccountRow.book_id) == book_id, col(LedgerAccountRow.code) == DP_BANK.value
        )
    )
    if account_id is None:
        raise MatchError("This ledger has no DP bank account.")
    return account_id


async def _account_name(session: AsyncSession, book_id: uuid.UUID, code: AccountCode) -> str:
    name = await session.scalar(
        select(col(LedgerAccountRow.name)).where(
            col(LedgerAccountRow.book_id) == book_id, col(LedgerAccountRow.code) == code.value
        )
    )
    return name or code.value


def lines_query(book_id: uuid.UUID, period: Period, *, unmatched: bool) -> Select[tuple[StatementLineRow]]:
    """The book's bank lines in the period; bounded by the book however many lines and matches the
    platform holds (tests/integration/ledgers/test_reconcile_plan.py reads its plan)."""
    query = select(StatementLineRow).where(
        col(StatementLineRow.book_id) == book_id,
        col(StatementLineRow.value_on) >= period.occurred_from,
        col(StatementLineRow.value_on) <= period.occurred_to,
    )
    if unmatched:  # one index probe a line (the match's unique line id), never every book's matches
        query = query.where(
            ~select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == col(StatementLineRow.id)).exists()
        )
    return query.order_by(col(StatementLineRow.value_on), col(StatementLineRow.id))


async def _lines(session: AsyncSession, book_id: uuid.UUID, period: Period, *, unmatched: bool) -> list[BankLine]:
    rows = await session.scalars(lines_query(book_id, period, unmatched=unmatched))
    return [BankLine(row.id, row.value_on, row.amount_pence, row.description) for row in rows]


def postings_query(book_id: uuid.UUID, bank_account_id: uuid.UUID, period: Period, *, unmatched: bool) -> Select[Any]:
    """Postings to the DP bank account, except opening balances, which no bank line records, and entries
    that were reversed; each test a probe by this book's keys, never a scan of every book's."""
    other_side = aliased(PostingRow)
    opening_entry = (
        select(other_side.id)
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == other_side.account_id)
        .where(
            other_side.entry_id == col(PostingRow.entry_id),
            col(LedgerAccountRow.book_id) == book_id,
            col(LedgerAccountRow.code) == OPENING_BALANCE.value,
        )
        .exists()
    )
    reversal = aliased(JournalEntryRow)
    reversed_entry = select(reversal.id).where(reversal.reverses_entry_id == col(PostingRow.entry_id)).exists()
    query = (
        select(
            col(PostingRow.id),
            col(PostingRow.entry_id),
            col(PostingRow.occurred_on),
            col(PostingRow.amount_pence),
            col(JournalEntryRow.narration),
        )
        .join(JournalEntryRow, col(JournalEntryRow.id) == col(PostingRow.entry_id))
        .where(
            col(PostingRow.account_id) == bank_account_id,
            col(PostingRow.occurred_on) >= period.occurred_from,
            col(PostingRow.occurred_on) <= period.occurred_to,
            ~opening_entry,
            # an entry and its reversal cancel out: together they say no money moved through the bank
            ~reversed_entry,
            col(JournalEntryRow.reverses_entry_id).is_(None),
        )
    )
    if unmatched:
        query = query.where(~select(col(MatchRow.id)).where(col(MatchRow.posting_id) == col(PostingRow.id)).exists())
    return query.order_by(col(PostingRow.occurred_on), col(PostingRow.id))


async def _postings(session: AsyncSession, book_id: uuid.UUID, period: Period, *, unmatched: bool) -> list[BookPosting]:
    query = postings_query(book_id, await _bank_account_id(session, book_id), period, unmatched=unmatched)
    return [BookPosting(*row) for row in await session.execute(query)]


async def auto_reconcile(session: AsyncSession, book_id: uuid.UUID, period: Period) -> list[Match]:
    """Match what can be matched in the period; what is already matched is left alone."""
    lines = await _lines(session, book_id, period, unmatched=True)
    postings = await _postings(session, book_id, period.widened(DATE_WINDOW_DAYS), unmatched=True)
    matches = auto_match(lines, postings)
    session.add_all(
        MatchRow(
            book_id=book_id,
            statement_line_id=match.line_id,
            posting_id=match.posting_id,
            entry_id=match.entry_id,
            matched_by="auto",
            score=match.score,
            explanation=match.explanation,
        )
        for match in matches
    )
    await session.flush()
    return matches


async def _line(session: AsyncSession, book_id: uuid.UUID, line_id: uuid.UUID) -> StatementLineRow:
    line = await session.get(StatementLineRow, line_id)
    if line is None or line.book_id != book_id:
        raise MatchError(f"There is no bank line {line_id} in this ledger.", field="statement_line_id")
    if await session.scalar(select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == line_id)) is not None:
        raise MatchConflictError("That bank line is already matched; unmatch it first.", field="statement_line_id")
    return line


async def match_manually(
    session: AsyncSession, book_id: uuid.UUID, line_id: uuid.UUID, entry_id: uuid.UUID
) -> MatchRow:
    """Pair a bank line with the entry's posting to the DP bank account, which must be the same amount."""
    line = await _line(session, book_id, line_id)
    posting = await session.scalar(
        select(PostingRow).where(
            col(PostingRow.entry_id) == entry_id, col(PostingRow.account_id) == await _bank_account_id(session, book_id)
        )
    )
    if posting is None:
        raise MatchError(f"Entry {entry_id} does not touch the DP bank account of this ledger.", field="entry_id")
    if posting.amount_pence != line.amount_pence:
        raise MatchError(
            f"The bank line is {Money(line.amount_pence)} but the entry moves {Money(posting.amount_pence)} "
            "through the bank account.",
            field="entry_id",
        )
    if await session.scalar(select(col(MatchRow.id)).where(col(MatchRow.posting_id) == posting.id)) is not None:
        raise MatchConflictError("That entry is already matched to another bank line.", field="entry_id")
    row = MatchRow(
        book_id=book_id,
        statement_line_id=line.id,
        posting_id=posting.id,
        entry_id=entry_id,
        matched_by="manual",
        explanation="matched by hand",
    )
    session.add(row)
    await session.flush()
    return row


async def unmatch(session: AsyncSession, book_id: uuid.UUID, line_id: uuid.UUID) -> MatchRow:
    row = await session.scalar(
        select(MatchRow).where(col(MatchRow.book_id) == book_id, col(MatchRow.statement_line_id) == line_id)
    )
    if row is None:
        raise MatchError("That bank line is not matched.", field="statement_line_id")
    await session.execute(delete(MatchRow).where(col(MatchRow.id) == row.id))
    return row


async def post_bank_line(
    session: AsyncSession,
    book_id: uuid.UUID,
    line_id: uuid.UUID,
    *,
    account: AccountCode,
    narration: str | None,
    replacing: uuid.UUID | None = None,
) -> PostedEntry:
    """Record a bank line nobody entered yet (a card payment, a refund) against ``account``, and match it.

    ``replacing`` is the reversed entry this one takes the place of, so the new entry has a key of its own."""
    line = await _line(session, book_id, line_id)
    if account == DP_BANK:
        raise MatchError("Post the line against what the money was for, not the bank account itself.", field="account")
    draft = JournalEntryDraft(
        book_id=book_id,
        occurred_on=line.value_on,
        narration=narration or line.description,
        postings=(Posting(DP_BANK, Money(line.amount_pence)), Posting(account, Money(-line.amount_pence))),
        idempotency_key=f"stmt:{line.fingerprint}" + (f":{replacing}" if replacing else ""),
        source="statement",
    )
    posted = await post_entry(session, draft)
    posting_id = await session.scalar(
        select(col(PostingRow.id)).where(
            col(PostingRow.entry_id) == posted.entry.id,
            col(PostingRow.account_id) == await _bank_account_id(session, book_id),
        )
    )
    session.add(
        MatchRow(
            book_id=book_id,
            statement_line_id=line.id,
            posting_id=posting_id,  # type: ignore[arg-type]
            entry_id=posted.entry.id,
            matched_by="posted",
            explanation=f"recorded as {await _account_name(session, book_id, account)}"[:300],
        )
    )
    await session.flush()
    return posted


async def reconciliation_report(session: AsyncSession, book_id: uuid.UUID, period: Period) -> ReconciliationReport:
    lines = await _lines(session, book_id, period, unmatched=False)
    postings = await _postings(session, book_id, period, unmatched=False)
    matched = (
        await session.execute(
            select(col(MatchRow.statement_line_id), col(MatchRow.posting_id)).where(col(MatchRow.book_id) == book_id)
        )
    ).all()
    statements = await session.scalars(
        select(StatementRow)
        .where(
            col(StatementRow.book_id) == book_id,
            col(StatementRow.closing_balance_pence).is_not(None),
            col(StatementRow.end_on) >= period.occurred_from,
            col(StatementRow.end_on) <= period.occurred_to,
        )
        .order_by(col(StatementRow.end_on))
    )
    balances = [
        StatementBalance(
            row.id,
            row.end_on,
            row.closing_balance_pence,  # type: ignore[arg-type]
            await balance_at(session, book_id, DP_BANK, row.end_on),
        )
        for row in statements
    ]
    return build_report(
        period.occurred_from,
        period.occurred_to,
        lines=lines,
        postings=postings,
        matched_line_ids={line_id for line_id, _ in matched},
        matched_posting_ids={posting for _, posting in matched},
        balances=balances,
    )


async def unmatched_line_count(session: AsyncSession, book_id: uuid.UUID) -> int:
    """Bank lines of the account that no ledger entry explains yet: what is left to reconcile."""
    matched = select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == col(StatementLineRow.id)).exists()
    count = await session.scalar(
        select(func.count()).select_from(StatementLineRow).where(col(StatementLineRow.book_id) == book_id, ~matched)
    )
    return int(count or 0)


async def unmatched_summary(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, date]]:
    """For many books at once: how many bank lines no entry explains yet, and the day of the oldest."""
    matched = select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == col(StatementLineRow.id)).exists()
    rows = await session.execute(
        select(col(StatementLineRow.book_id), func.count(), func.min(col(StatementLineRow.value_on)))
        .where(among(col(StatementLineRow.book_id), book_ids), ~matched)
        .group_by(col(StatementLineRow.book_id))
    )
    return {book_id: (int(count), oldest) for book_id, count, oldest in rows.all()}


@dataclass(frozen=True, slots=True)
class Reposted:
    reversal: PostedEntry
    posted: PostedEntry


async def repost_bank_line(
    session: AsyncSession, book_id: uuid.UUID, line_id: uuid.UUID, *, account: AccountCode, reason: str
) -> Reposted | None:
    """A bank line made into an entry against one account, then said to be for another: the entry is
    reversed (never edited) and the line posted again. None when it already stands against ``account``
    or was not made from the line (an entry matched to it stays as it is)."""
    match = await session.scalar(
        select(MatchRow).where(
            col(MatchRow.book_id) == book_id,
            col(MatchRow.statement_line_id) == line_id,
            col(MatchRow.matched_by) == "posted",
        )
    )
    if match is None:
        return None
    bank = await _bank_account_id(session, book_id)
    current = await session.scalar(
        select(col(LedgerAccountRow.code))
        .join(PostingRow, col(PostingRow.account_id) == col(LedgerAccountRow.id))
        .where(col(PostingRow.entry_id) == match.entry_id, col(PostingRow.account_id) != bank)
    )
    if current == account.value:
        return None
    line = await session.get(StatementLineRow, line_id)
    assert line is not None
    await session.execute(delete(MatchRow).where(col(MatchRow.id) == match.id))
    reversal = await reverse_entry(
        session, book_id, match.entry_id, occurred_on=None, idempotency_key=f"repost:{match.entry_id}", reason=reason
    )
    posted = await post_bank_line(
        session, book_id, line_id, account=account, narration=line.description, replacing=match.entry_id
    )
    return Reposted(reversal, posted)


async def unmatched_lines(session: AsyncSession, statement_id: uuid.UUID) -> list[StatementLineRow]:
    """The lines of a statement no ledger entry explains yet, in the order the bank shows them."""
    matched = select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == col(StatementLineRow.id)).exists()
    return list(
        await session.scalars(
            select(StatementLineRow)
            .where(col(StatementLineRow.statement_id) == statement_id, ~matched)
            .order_by(col(StatementLineRow.value_on), col(StatementLineRow.source_line))
        )
    )


async def matches_of_statement(session: AsyncSession, statement_id: uuid.UUID) -> dict[uuid.UUID, MatchRow]:
    """How each line of a statement stands in the ledger, by line id (a line missing is waiting)."""
    rows = await session.scalars(
        select(MatchRow)
        .join(StatementLineRow, col(StatementLineRow.id) == col(MatchRow.statement_line_id))
        .where(col(StatementLineRow.statement_id) == statement_id)
    )
    return {row.statement_line_id: row for row in rows}


async def line_is_matched(session: AsyncSession, line_id: uuid.UUID) -> bool:
    return await session.scalar(select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == line_id)) is not None


async def money_in_history(session: AsyncSession, book_id: uuid.UUID) -> dict[str, str]:
    """Where each payer's money was posted, by the payer's key, the latest last: the payee memory of
    money coming in (a spend category is the memory of money going out)."""
    bank = await _bank_account_id(session, book_id)
    rows = await session.execute(
        select(col(StatementLineRow.description), col(LedgerAccountRow.code))
        .join(MatchRow, col(MatchRow.statement_line_id) == col(StatementLineRow.id))
        .join(PostingRow, (col(PostingRow.entry_id) == col(MatchRow.entry_id)) & (col(PostingRow.account_id) != bank))
        .join(LedgerAccountRow, col(LedgerAccountRow.id) == col(PostingRow.account_id))
        .where(
            col(MatchRow.book_id) == book_id,
            col(MatchRow.matched_by) == "posted",
            col(StatementLineRow.amount_pence) > 0,
        )
        .order_by(col(MatchRow.matched_at))
    )
    return {payee_key(description): code for description, code in rows.all() if payee_key(description)}
