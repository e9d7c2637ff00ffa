"""Errors raised by agreements.

AgreementError                  base of this package's errors (a ledgers.DomainError)
 ├── AgreementInvalidError      terms that break the rules; ``problems`` names each one (422)
 ├── TemplateError              a template file breaks the format (a programming error, found by the tests)
 ├── AgreementNotFoundError     (404)
 └── AgreementStateError        the agreement is not in a state that allows this (409): signing twice,
                                signing a superseded or altered version, varying a draft, ...
"""

from __future__ import annotations

from ledgers.errors import DomainError


class AgreementError(DomainError):
    title = "Agreement rule broken"


class AgreementInvalidError(AgreementError):
    category = "unprocessable"
    title = "The agreement's terms do not hold together"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''}: " + "; ".join(detail for _, detail in problems),
            field=problems[0][0] if problems else None,
        )
        self.problems = [{"field": field, "detail": detail} for field, detail in problems]


class TemplateError(AgreementError):
    title = "Agreement template malformed"


class AgreementNotFoundError(AgreementError):
    category = "not_found"
    title = "No such agreement"


class AgreementStateError(AgreementError):
    category = "conflict"
    title = "Not possible in the agreement's current state"
