from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema


class MandateIn(Schema):
    account_id: uuid.UUID
    organisation_id: uuid.UUID
    scopes: Annotated[list[str], msgspec.Meta(min_length=1, max_length=6)]
    """Some of ``view``, ``run_payroll``, ``import_statements``, ``submit_returns``, ``manage_agreement``,
    ``manage_money`` (a managed account: the organisation holds the money in its client account)."""
    valid_from: date
    valid_to: date | None = None
    """Inclusive; none means until revoked."""


class MandateRevokeIn(Schema):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class MandateOut(Schema):
    id: uuid.UUID
    account_id: uuid.UUID
    organisation_id: uuid.UUID
    scopes: list[str]
    valid_from: date
    valid_to: date | None
    status: str
    """``scheduled``, ``in_force``, ``expired`` or ``revoked``."""
    granted_by_user_id: uuid.UUID
    granted_at: datetime
    revoked_at: datetime | None
    revoked_by_user_id: uuid.UUID | None
    revocation_reason: str | None
