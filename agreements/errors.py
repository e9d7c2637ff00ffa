"""Errors raised by agreements.

AgreementError              base of this package's errors (a ledgers.DomainError)
"""

from __future__ import annotations

from ledgers.errors import DomainError


class AgreementError(DomainError):
    title = "Agreement rule broken"
