from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from dp_platform.api.schemas.base import Schema


class SourceOut(Schema):
    title: str
    url: str | None


class EvidenceOut(Schema):
    label: str
    value: str


class ThresholdOut(Schema):
    name: str
    meaning: str
    unit: str
    value: int
    effective_from: date
    source_title: str
    source_url: str | None


class CommentOut(Schema):
    author: str
    body: str
    at: datetime


class ExceptionOut(Schema):
    account_id: uuid.UUID
    reference: str
    holder_name: str
    key: str
    check: str
    title: str
    rule: str
    sentence: str
    found_on: date
    status: str
    """``open``; ``cleared`` (the records no longer show it, nobody resolved it); ``resolved``."""
    amount_pence: int | None
    evidence: list[EvidenceOut]
    facts: dict[str, Any]
    sources: list[SourceOut]
    threshold: ThresholdOut | None
    assigned_to: str | None
    comments: int
    resolution: str | None
    resolved_at: datetime | None


class ExceptionDetailOut(ExceptionOut, kw_only=True):
    comment_list: list[CommentOut]
    resolved_by: str | None


class ExceptionQueueOut(Schema):
    items: list[ExceptionOut]
    not_run: list[str]
    """Checks the council has set no threshold for, so they find nothing."""


class AssignIn(Schema):
    user_id: uuid.UUID | None
    """Someone on the council's own staff, or null to take it off anyone's list."""


class CommentIn(Schema):
    body: str


class ResolveIn(Schema):
    resolution: str
    """What was found and what was done, in words the person can understand."""


class ThresholdIn(Schema):
    name: str
    value: int
    effective_from: date
    source_title: str
    source_url: str | None = None
