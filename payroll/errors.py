"""Errors raised by payroll.

PayrollError                  base of this package's errors (a ledgers.DomainError)
 ├── RateNotPublishedError    no rate is published for the date asked (422)
 ├── RateDataError            a rate file breaks the format (a programming error, found by the tests)
 ├── InvalidTaxCodeError      a tax code HMRC would not issue
 ├── PayRunError              a pay run that cannot be drafted (a PA without a date of birth, ...)
 ├── PayRunHasFindingsError   finalising a run with fair-work findings and no override reason (422)
 ├── PayRunNotFoundError      (404)
 └── PayrollNotFoundError     no such payroll record (404)
"""

from __future__ import annotations

from ledgers.errors import DomainError


class PayrollError(DomainError):
    title = "Payroll rule broken"


class RateNotPublishedError(PayrollError):
    category = "unprocessable"
    title = "No published rate for that date"


class RateDataError(PayrollError):
    title = "Rate data malformed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class InvalidTaxCodeError(PayrollError):
    title = "Not a tax code"


class PayRunError(PayrollError):
    title = "Pay run cannot proceed"


class AlreadyPaidError(PayRunError):
    category = "conflict"
    title = "Already paid"


class PayRunHasFindingsError(PayrollError):
    category = "unprocessable"
    title = "Pay run has fair-work findings"


class PayRunNotFoundError(PayrollError):
    category = "not_found"
    title = "No such pay run"


class PayrollNotFoundError(PayrollError):
    category = "not_found"
    title = "No such payroll record"
