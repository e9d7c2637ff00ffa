"""Errors raised by the domain packages.

DomainError                 base of every domain error (ledgers, payroll, agreements)
 └── LedgerError            base of this package's errors
      ├── UnbalancedEntryError       postings do not sum to zero, or fewer than two
      ├── IdempotencyConflictError   a key reused for a different request (409)
      ├── UnknownAccountError        a posting names no account of this book
      ├── AccountExistsError         opening an account the book already has (409)
      ├── ClosedAccountError         a posting dated after the account closed, or a close that cannot be (409)
      ├── EntryNotFoundError         (404)
      ├── AlreadyReversedError       an entry can be reversed once (409)
      ├── BookNotOpenError           the DP account has no ledger yet (404)
      ├── StatementNotFoundError     (404)
      └── StatementError             a bank statement that cannot be imported (422): file, line, field

``DomainError`` lives here, in the bottom layer, so that ``dp_platform`` can map every
domain failure to an HTTP problem in one place without the domain knowing about HTTP.
Each subclass says what kind of failure it is through ``category``; the platform turns
categories into status codes.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Category = Literal[
    "invalid",
    "unauthenticated",
    "forbidden",
    "not_found",
    "conflict",
    "unprocessable",
    "too_many_requests",
    "unavailable",
]


class DomainError(Exception):
    """A rule of the domain refused the request; ``detail`` is a sentence for a person."""

    category: ClassVar[Category] = "invalid"
    title: ClassVar[str] = "The request breaks a rule"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled whole (a statement is parsed in another process and its refusal sent back)."""
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(kind: type[DomainError], state: dict[str, object]) -> DomainError:
    error = kind.__new__(kind)
    Exception.__init__(error, state.get("detail"))
    error.__dict__.update(state)
    return error


class LedgerError(DomainError):
    title = "Ledger rule broken"


class UnbalancedEntryError(LedgerError):
    title = "Entry does not balance"


class IdempotencyConflictError(LedgerError):
    category = "conflict"
    title = "Idempotency key reused"


class UnknownAccountError(LedgerError):
    title = "No such ledger account"


class AccountExistsError(LedgerError):
    category = "conflict"
    title = "Ledger account exists"


class ClosedAccountError(LedgerError):
    category = "conflict"
    title = "Ledger account closed"


class EntryNotFoundError(LedgerError):
    category = "not_found"
    title = "No such entry"


class AlreadyReversedError(LedgerError):
    category = "conflict"
    title = "Entry already reversed"


class BookNotOpenError(LedgerError):
    category = "not_found"
    title = "No ledger for this account"


class StatementNotFoundError(LedgerError):
    category = "not_found"
    title = "No such statement"


class StatementError(LedgerError):
    """A bank statement that cannot be imported; says which file, line and field, and why."""

    category = "unprocessable"
    title = "Statement not imported"

    def __init__(self, file: str, line: int | str, field: str, problem: str) -> None:
        super().__init__(f"{file}, line {line}, field '{field}': {problem}", field=field)
        self.file = file
        self.line = line
        self.problem = problem
