from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from dp_platform.api.schemas.base import Schema


class AuditEventOut(Schema):
    id: uuid.UUID
    chain: str
    seq: int
    occurred_at: datetime
    account_id: uuid.UUID | None
    actor_user_id: uuid.UUID | None
    actor_role: str
    actor_organisation_id: uuid.UUID | None
    mandate_id: uuid.UUID | None
    api_key_id: uuid.UUID | None
    action: str
    subject_type: str
    subject_id: str
    details: dict[str, Any]
    request_id: str | None
    prev_hash: str
    hash: str


class AuditEventPageOut(Schema):
    items: list[AuditEventOut]
    next_before: uuid.UUID | None
    """Pass as ``before`` for the next (older) page; null on the last page."""


class ChainBreakOut(Schema):
    chain: str
    seq: int
    event_id: uuid.UUID | None
    reason: str
    sentence: str


class AuditVerificationOut(Schema):
    ok: bool
    full: bool
    """Every event from each chain's first; otherwise each chain from where the last verification found it
    intact (that event re-checked), so ``events_checked`` counts only what is new."""
    chains_checked: int
    events_checked: int
    first_break: ChainBreakOut | None
    breaks: list[ChainBreakOut]
