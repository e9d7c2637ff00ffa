"""Errors raised by the domain packages.

DomainError                 base of every domain error (ledgers, payroll, agreements)
 └── LedgerError            base of this package's errors

``DomainError`` lives here, in the bottom layer, so that ``dp_platform`` can map every
domain failure to an HTTP problem in one place without the domain knowing about HTTP.
Each subclass says what kind of failure it is through ``category``; the platform turns
categories into status codes.
"""

from __future__ import annotations

from typing import ClassVar, Literal

Category = Literal[
    "invalid", "unauthenticated", "forbidden", "not_found", "conflict", "unprocessable", "too_many_requests"
]


class DomainError(Exception):
    """A rule of the domain refused the request; ``detail`` is a sentence for a person."""

    category: ClassVar[Category] = "invalid"
    title: ClassVar[str] = "The request breaks a rule"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class LedgerError(DomainError):
    title = "Ledger rule broken"
