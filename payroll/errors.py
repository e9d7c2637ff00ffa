"""Errors raised by payroll.

PayrollError                base of this package's errors (a ledgers.DomainError)
"""

from __future__ import annotations

from ledgers.errors import DomainError


class PayrollError(DomainError):
    title = "Payroll rule broken"
