"""Every ledger account's balance in one book, now or at the end of a day: one statement, two readers.

The API reads it through the platform's SQLAlchemy session; ``dp-platform ledger balances`` through a
bare asyncpg connection, so a command that only asks this question starts without loading the ORM.
Both send the same SQL (asyncpg's ``$n`` parameters, which SQLAlchemy's asyncpg dialect passes
through unchanged) and read its rows here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ledgers.accounts import AccountCode
from ledgers.errors import BookNotOpenError

BALANCES_SQL = """
SELECT a.code, a.name,
       CASE WHEN $2::date IS NULL THEN a.balance_pence ELSE coalesce(s.total, 0) END AS balance_pence
FROM ledger_accounts a
LEFT JOIN (
    SELECT account_id, sum(amount_pence) AS total FROM ledger_postings
    WHERE book_id = $1 AND occurred_on <= $2::date
    GROUP BY account_id
) s ON s.account_id = a.id
WHERE a.book_id = $1
ORDER BY a.code
"""
"""$1: the book (the DP account's id); $2: the day, or NULL for now (the running balance kept on each account)."""


@dataclass(frozen=True, slots=True)
class AccountBalance:
    code: AccountCode
    name: str
    balance_pence: int
    """Debit positive, as stored."""

    @property
    def natural_pence(self) -> int:
        return self.code.natural_balance(self.balance_pence)


def balances_of(rows: Iterable[Sequence[Any]]) -> list[AccountBalance]:
    """The rows of ``BALANCES_SQL`` (code, name, balance) as balances; a book with none is not open."""
    found = [AccountBalance(AccountCode(code), name, int(pence)) for code, name, pence in rows]
    if not found:
        raise BookNotOpenError("This DP account has no ledger yet.")
    return found
