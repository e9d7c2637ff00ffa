"""Ledger account codes: colon paths whose first segment is the account's type.

``assets:bank:dp_account``, ``expenses:pa_wages:gross``. Postings are signed, debit
positive, so assets and expenses normally carry a positive balance and liabilities,
income and equity a negative one; ``natural_balance`` turns that round for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ledgers.errors import LedgerError

_CODE = re.compile(r"^[a-z]+(?::[a-z0-9_]+){1,5}$")


class AccountType(StrEnum):
    ASSETS = "assets"
    LIABILITIES = "liabilities"
    INCOME = "income"
    EXPENSES = "expenses"
    EQUITY = "equity"

    @property
    def debit_normal(self) -> bool:
        return self in (AccountType.ASSETS, AccountType.EXPENSES)


class InvalidAccountCodeError(LedgerError):
    title = "Not a ledger account code"


@dataclass(frozen=True, slots=True, order=True)
class AccountCode:
    value: str

    def __post_init__(self) -> None:
        if not _CODE.match(self.value):
            raise InvalidAccountCodeError(
                f"'{self.value}' is not an account code like 'expenses:pa_wages:gross'", field="account"
            )
        root = self.value.split(":", 1)[0]
        if root not in AccountType.__members__.values():
            raise InvalidAccountCodeError(
                f"'{self.value}' must start with one of {', '.join(t.value for t in AccountType)}", field="account"
            )

    @property
    def type(self) -> AccountType:
        return AccountType(self.value.split(":", 1)[0])

    def natural_balance(self, balance_pence: int) -> int:
        """The balance as a person reads it: what the bank holds, what is owed, what was spent."""
        return balance_pence if self.type.debit_normal else -balance_pence

    def __str__(self) -> str:
        return self.value
