"""What every parser produces, and the checks every statement must pass before it is stored."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ledgers.bounds import MAX_PENCE, OutOfBoundsError, check_day, check_pence
from ledgers.errors import StatementError
from ledgers.money import Money

FORMATS = ("csv", "ofx", "pdf", "qif", "txt")
"""Bank CSV exports, OFX/QFX, PDF statements, QIF, and Santander's text download."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    line: int | str
    """Where it came from in the file, for error messages: a row number, or "page 2, line 14"."""
    value_on: date
    description: str
    amount: Money
    """Positive is money into the DP bank account, negative is money out."""
    balance_after: Money | None = None
    reference: str | None = None
    """The bank's own id for the transaction, when the file has one (OFX FITID, Monzo id)."""


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    format: str
    """``csv:<profile>``, ``ofx`` or ``pdf:<layout>``."""
    lines: tuple[StatementLine, ...]
    opening_balance: Money | None = None
    closing_balance: Money | None = None

    @property
    def start_on(self) -> date | None:
        return min((line.value_on for line in self.lines), default=None)

    @property
    def end_on(self) -> date | None:
        return max((line.value_on for line in self.lines), default=None)


def in_date_order(lines: list[StatementLine]) -> list[StatementLine]:
    """Banks list newest-first or oldest-first; turn a newest-first file round, keeping same-day order."""
    if len(lines) > 1 and lines[0].value_on > lines[-1].value_on:
        return lines[::-1]
    return lines


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _within_bounds(line: StatementLine, file: str) -> None:
    for field, text in (("description", line.description), ("reference", line.reference or "")):
        if _CONTROL.search(text):
            raise StatementError(
                file, line.line, field, "it holds a control character no bank writes; is this a statement?"
            )
    try:
        check_day(line.value_on, "date")
        check_pence(line.amount.pence, "amount")
        if line.balance_after is not None:
            check_pence(line.balance_after.pence, "balance")
    except OutOfBoundsError as error:
        raise StatementError(file, line.line, error.field or "amount", error.detail) from None


def check_balances(statement: ParsedStatement, file: str) -> None:
    """Every running balance must follow from the one before (beancount's ``balance`` assertion)."""
    for balance, field in (
        (statement.opening_balance, "opening_balance"),
        (statement.closing_balance, "closing_balance"),
    ):
        if balance is not None and abs(balance.pence) > MAX_PENCE:
            raise StatementError(file, 1, field, f"{balance} is more than any account may hold")
    running = statement.opening_balance
    for line in statement.lines:
        _within_bounds(line, file)
        if running is not None:
            running = running + line.amount
            if line.balance_after is not None and line.balance_after != running:
                raise StatementError(
                    file,
                    line.line,
                    "balance",
                    f"the statement says {line.balance_after} but the lines before it add up to {running}",
                )
        if line.balance_after is not None:
            running = line.balance_after
    if statement.closing_balance is not None and running is not None and running != statement.closing_balance:
        last = statement.lines[-1].line if statement.lines else 1
        raise StatementError(
            file,
            last,
            "closing_balance",
            f"the closing balance is {statement.closing_balance} but the lines add up to {running}",
        )


def normalise_description(text: str) -> str:
    return " ".join(text.split()).upper()


def fingerprints(book_id: uuid.UUID, lines: tuple[StatementLine, ...]) -> list[str]:
    """One stable id per bank line, the same in every file that shows it.

    The bank's own reference when there is one; otherwise date, amount, description and
    running balance, plus how many identical lines came before it that day (two £10 cash
    withdrawals on one day are two lines).
    """
    seen: Counter[str] = Counter()
    result = []
    sha256 = hashlib.sha256
    for line in lines:
        if line.reference:
            basis = f"ref|{line.reference}"
        else:
            balance = line.balance_after.pence if line.balance_after is not None else None
            description = normalise_description(line.description)
            basis = f"{line.value_on.isoformat()}|{line.amount.pence}|{description}|{balance}"
        occurrence = seen[basis]
        seen[basis] += 1
        result.append(sha256(f"{book_id}|{basis}|{occurrence}".encode()).hexdigest())
    return result
