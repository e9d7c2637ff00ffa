from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema


class PeriodIn(Schema):
    occurred_from: date
    occurred_to: date


class MatchIn(Schema):
    statement_line_id: uuid.UUID
    entry_id: uuid.UUID


class LinePostIn(Schema):
    account: Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
    """What the money was for, e.g. ``expenses:equipment``."""
    narration: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | None = None


class MatchOut(Schema):
    statement_line_id: uuid.UUID
    entry_id: uuid.UUID
    matched_by: str
    score: int | None
    explanation: str


class ProblemOut(Schema):
    kind: str
    detail: str
    value_on: date
    amount_pence: int
    ids: list[uuid.UUID]


class ReconciliationOut(Schema):
    occurred_from: date
    occurred_to: date
    reconciled: bool
    matched: int
    problems: list[ProblemOut]
