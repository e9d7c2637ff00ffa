from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema


class ApiKeyIn(Schema):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scopes: Annotated[list[str], msgspec.Meta(min_length=1, max_length=6)]


class ApiKeyOut(Schema):
    id: uuid.UUID
    organisation_id: uuid.UUID
    name: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewApiKeyOut(ApiKeyOut):
    key: str
    """The whole key. It is shown this once; store it in the bureau system's secrets."""
