"""Errors of access, tenancy and mandates (platform-level, mapped to HTTP like domain errors).

DomainError
 ├── NotAuthenticatedError      no valid login (401)
 ├── TooManyAttemptsError       login rate limit (429)
 ├── AccessDeniedError          visible, but not allowed (403)
 ├── AccountNotFoundError       missing, or not visible to this actor (404, same sentence)
 ├── MandateNotFoundError
 ├── InvalidMandateError        a grant that breaks a rule (400, names the field)
 ├── MandateAlreadyRevokedError (409)
 ├── InvalidPersonError         a sign-in that cannot be given as asked (400, names the field)
 └── InvitationNotFoundError    a link that is unknown, used or out of date (404)
"""

from __future__ import annotations

import uuid

from ledgers.errors import DomainError


class NotAuthenticatedError(DomainError):
    category = "unauthenticated"
    title = "Not authenticated"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Bearer realm="dp-platform"'}


class TooManyAttemptsError(DomainError):
    category = "too_many_requests"
    title = "Too many attempts"

    def __init__(self, detail: str, *, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds
        self.headers = {"Retry-After": str(retry_after_seconds)}


class AccessDeniedError(DomainError):
    category = "forbidden"
    title = "Not allowed"


class AccountNotFoundError(DomainError):
    category = "not_found"
    title = "No such account"

    def __init__(self, account_id: uuid.UUID | str) -> None:
        super().__init__(f"There is no account {account_id} that you can see.", field="account_id")


class MandateNotFoundError(DomainError):
    category = "not_found"
    title = "No such mandate"

    def __init__(self, mandate_id: uuid.UUID | str) -> None:
        super().__init__(f"There is no mandate {mandate_id} that you can see.", field="mandate_id")


class InvalidMandateError(DomainError):
    title = "Mandate not valid"


class MandateAlreadyRevokedError(DomainError):
    category = "conflict"
    title = "Mandate already ended"


class ApiKeyNotFoundError(DomainError):
    category = "not_found"
    title = "No such API key"


class InvalidPersonError(DomainError):
    title = "Sign-in not given"


class InvitationNotFoundError(DomainError):
    category = "not_found"
    title = "Link not valid"
