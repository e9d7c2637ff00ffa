"""Matching bank lines to ledger postings, and saying what does not add up. Pure: no I/O.

A bank line matches a posting to the DP bank account of exactly the same amount dated
within a few days of it; among several candidates the nearest date and the most shared
words between the bank's description and the entry's narration win. Every match says
why. Problems come back as values, all of them, so a page can list them together.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from ledgers.money import Money

DATE_WINDOW_DAYS = 5
_WORD = re.compile(r"[A-Z0-9]{3,}")


@dataclass(frozen=True, slots=True)
class BankLine:
    id: uuid.UUID
    value_on: date
    amount_pence: int
    description: str


@dataclass(frozen=True, slots=True)
class BookPosting:
    id: uuid.UUID
    entry_id: uuid.UUID
    occurred_on: date
    amount_pence: int
    """On the DP bank account: positive is money in."""
    narration: str


@dataclass(frozen=True, slots=True)
class Match:
    line_id: uuid.UUID
    posting_id: uuid.UUID
    entry_id: uuid.UUID
    score: int
    explanation: str


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.upper()))


def explain(line: BankLine, posting: BookPosting) -> tuple[int, str]:
    """A score (higher is better) and the reason, for a candidate pair of the same amount."""
    days = abs((line.value_on - posting.occurred_on).days)
    shared = sorted(words(line.description) & words(posting.narration))
    score = 100 - 10 * days + 5 * len(shared)
    reason = f"same amount {Money(line.amount_pence)}"
    reason += "; same day" if days == 0 else f"; {days} day{'s' if days > 1 else ''} apart"
    if shared:
        reason += "; both mention " + ", ".join(shared[:4])
    return score, reason


def auto_match(
    lines: list[BankLine], postings: list[BookPosting], *, window_days: int = DATE_WINDOW_DAYS
) -> list[Match]:
    """Best pairs first; each line and each posting is used at most once."""
    by_amount: dict[int, list[BookPosting]] = {}
    for posting in postings:
        by_amount.setdefault(posting.amount_pence, []).append(posting)
    candidates = []
    for line in lines:
        for posting in by_amount.get(line.amount_pence, []):
            if abs((line.value_on - posting.occurred_on).days) <= window_days:
                score, reason = explain(line, posting)
                candidates.append(
                    (
                        -score,
                        line.value_on,
                        posting.occurred_on,
                        str(line.id),
                        str(posting.id),
                        line,
                        posting,
                        score,
                        reason,
                    )
                )
    candidates.sort(key=lambda item: item[:5])
    used_lines: set[uuid.UUID] = set()
    used_postings: set[uuid.UUID] = set()
    matches = []
    for *_, line, posting, score, reason in candidates:
        if line.id in used_lines or posting.id in used_postings:
            continue
        used_lines.add(line.id)
        used_postings.add(posting.id)
        matches.append(Match(line.id, posting.id, posting.entry_id, score, reason))
    return matches


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    """``unmatched_line``, ``unmatched_posting``, ``balance_mismatch``, ``duplicate_suspected``."""
    detail: str
    value_on: date
    amount_pence: int
    ids: tuple[uuid.UUID, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementBalance:
    statement_id: uuid.UUID
    end_on: date
    closing_pence: int
    ledger_pence: int


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    occurred_from: date
    occurred_to: date
    matched: int
    problems: tuple[Problem, ...] = field(default=())

    @property
    def reconciled(self) -> bool:
        return not self.problems


def _duplicates(items: list[tuple[date, int, str, uuid.UUID]], what: str) -> list[Problem]:
    groups: dict[tuple[date, int, frozenset[str]], list[uuid.UUID]] = {}
    for value_on, pence, text, item_id in items:
        groups.setdefault((value_on, pence, frozenset(words(text))), []).append(item_id)
    return [
        Problem(
            "duplicate_suspected",
            f"{len(ids)} {what} on {value_on.isoformat()} of {Money(pence)} look the same",
            value_on,
            pence,
            tuple(ids),
        )
        for (value_on, pence, _), ids in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1]))
        if len(ids) > 1
    ]


def build_report(
    occurred_from: date,
    occurred_to: date,
    *,
    lines: list[BankLine],
    postings: list[BookPosting],
    matched_line_ids: set[uuid.UUID],
    matched_posting_ids: set[uuid.UUID],
    balances: list[StatementBalance],
) -> ReconciliationReport:
    problems: list[Problem] = []
    for line in lines:
        if line.id not in matched_line_ids:
            problems.append(
                Problem(
                    "unmatched_line",
                    f"bank line '{line.description}' has no ledger entry",
                    line.value_on,
                    line.amount_pence,
                    (line.id,),
                )
            )
    for posting in postings:
        if posting.id not in matched_posting_ids:
            problems.append(
                Problem(
                    "unmatched_posting",
                    f"entry '{posting.narration}' is not on any bank statement",
                    posting.occurred_on,
                    posting.amount_pence,
                    (posting.entry_id,),
                )
            )
    for balance in balances:
        if balance.closing_pence != balance.ledger_pence:
            difference = Money(balance.ledger_pence - balance.closing_pence)
            problems.append(
                Problem(
                    "balance_mismatch",
                    f"the statement closes at {Money(balance.closing_pence)} on {balance.end_on.isoformat()} but the "
                    f"ledger's DP bank account stands at {Money(balance.ledger_pence)} (difference {difference})",
                    balance.end_on,
                    balance.ledger_pence - balance.closing_pence,
                    (balance.statement_id,),
                )
            )
    problems += _duplicates(
        [(line.value_on, line.amount_pence, line.description, line.id) for line in lines], "bank lines"
    )
    problems += _duplicates(
        [(p.occurred_on, p.amount_pence, p.narration, p.entry_id) for p in postings], "ledger entries"
    )
    problems.sort(key=lambda problem: (problem.value_on, problem.kind))
    return ReconciliationReport(
        occurred_from, occurred_to, len(matched_line_ids & {line.id for line in lines}), tuple(problems)
    )
