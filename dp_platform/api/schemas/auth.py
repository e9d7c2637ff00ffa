from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from dp_platform.api.schemas.base import Schema


class LoginIn(Schema):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class MeOut(Schema):
    user_id: uuid.UUID | None
    display_name: str
    role: str
    authority_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    via: str
    """``token`` for a person logged in, ``api_key`` for a bureau system."""
    api_key_id: uuid.UUID | None
    account_ids: list[uuid.UUID]
    """Accounts this actor can see."""


class LoginOut(Schema):
    access_token: str
    token_type: str
    expires_at: datetime
    me: MeOut
