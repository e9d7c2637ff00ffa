"""Money moving between a person's own accounts: out of one, into another, the same amount.

When a person's Direct Payment moves (from their own bank account into a provider's client account,
from one provider's to another's, or back to their own), the person's records hold two bank lines:
one out of the old account, one into the new. Neither is spending nor income; each is recorded
against money in transit, which the pair leaves at nothing, so the person's money is the same
before and after. A pair is two lines of the person's, not yet recorded, in different statements,
of the same amount one out and one in, within a week of each other, one of them saying it is a
transfer. Anything less certain waits for a person, as any other line does.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.accounts import AccountCode
from ledgers.chart import ChartAccount
from ledgers.tables import MatchRow, StatementLineRow

IN_TRANSIT = ChartAccount(AccountCode("assets:transfers:in_transit"), "Money moving between the person's accounts")
WITHIN = timedelta(days=7)
TRANSFER_WORDS = frozenset({"TRANSFER", "TFR", "TRF", "XFER", "TRANSFERRED"})


def says_transfer(line: StatementLineRow) -> bool:
    return bool(TRANSFER_WORDS & set(line.description.upper().replace("-", " ").split()))


def _unrecorded(query):  # type: ignore[no-untyped-def]
    return query.outerjoin(MatchRow, col(MatchRow.statement_line_id) == col(StatementLineRow.id)).where(
        col(MatchRow.statement_line_id).is_(None)
    )


async def transfer_pairs(
    session: AsyncSession, book_id: uuid.UUID, statement_id: uuid.UUID
) -> list[tuple[StatementLineRow, StatementLineRow]]:
    """Each unrecorded line of the statement with the unrecorded line elsewhere in the person's
    accounts that is its other half (the nearest in date), each line in one pair at most. Two
    queries, whatever the statement's length: its lines, then every candidate in its date window."""
    lines = list(
        await session.scalars(
            _unrecorded(select(StatementLineRow)).where(col(StatementLineRow.statement_id) == statement_id)
        )
    )
    if not lines:
        return []
    candidates = list(
        await session.scalars(
            _unrecorded(select(StatementLineRow)).where(
                col(StatementLineRow.book_id) == book_id,
                col(StatementLineRow.statement_id) != statement_id,
                col(StatementLineRow.amount_pence).in_({-line.amount_pence for line in lines}),
                col(StatementLineRow.value_on) >= min(line.value_on for line in lines) - WITHIN,
                col(StatementLineRow.value_on) <= max(line.value_on for line in lines) + WITHIN,
            )
        )
    )
    return nearest_pairs(lines, candidates)


def nearest_pairs(
    lines: list[StatementLineRow], candidates: list[StatementLineRow]
) -> list[tuple[StatementLineRow, StatementLineRow]]:
    """The closest in date first across the whole statement, so which line claims a candidate does not
    hang on the order the rows came back in; in the statement's order."""
    possible = sorted(
        (abs((other.value_on - line.value_on).days), line.value_on, line.id, other.id, line, other)
        for line in lines
        for other in candidates
        if other.amount_pence == -line.amount_pence
        and abs(other.value_on - line.value_on) <= WITHIN
        and (says_transfer(line) or says_transfer(other))
    )
    pairs: list[tuple[StatementLineRow, StatementLineRow]] = []
    used: set[uuid.UUID] = set()
    for *_, line, other in possible:
        if line.id not in used and other.id not in used:
            used.update((line.id, other.id))
            pairs.append((line, other))
    return sorted(pairs, key=lambda pair: (pair[0].value_on, pair[0].id))
