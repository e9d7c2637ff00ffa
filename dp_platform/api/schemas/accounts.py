from __future__ import annotations

import uuid
from datetime import date

from dp_platform.api.schemas.base import Schema


class Account(Schema):
    id: uuid.UUID
    authority_id: uuid.UUID
    reference: str
    holder_name: str
    opened_on: date
    closed_on: date | None
    allowed_actions: list[str]
    """What the caller may do on this account now (``view``, ``run_payroll``, ...)."""
