"""API keys for a bureau's own systems."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.api_keys import ApiKeyIn, ApiKeyOut, NewApiKeyOut
from dp_platform.auth.api_keys import create_api_key, list_api_keys, revoke_api_key
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.records import ApiKeyRow


def _fields(row: ApiKeyRow) -> dict[str, object]:
    return {
        "id": row.id,
        "organisation_id": row.organisation_id,
        "name": row.name,
        "scopes": list(row.scopes),
        "created_at": row.created_at,
        "revoked_at": row.revoked_at,
        "last_used_at": row.last_used_at,
    }


class ApiKeyController(Controller):
    path = "/api/organisations/{organisation_id:uuid}/api-keys"
    tags = ["Access"]

    @get("", operation_id="ListApiKeys")
    async def list_keys(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        organisation_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[ApiKeyOut]]:
        """Oldest first, revoked ones included, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, uuid.UUID)
        rows = await list_api_keys(db_session, actor, organisation_id, page=page)
        return page_of(request, page, rows, lambda row: (row.id,), lambda row: ApiKeyOut(**_fields(row)))  # type: ignore[arg-type]

    @post("", operation_id="CreateApiKey")
    async def create(
        self,
        db_session: DbSession,
        actor: Actor,
        organisation_id: uuid.UUID,
        data: Annotated[ApiKeyIn, Body()],
    ) -> NewApiKeyOut:
        made = await create_api_key(db_session, actor, organisation_id, name=data.name, scopes=data.scopes)
        return NewApiKeyOut(**_fields(made.row), key=made.key)  # type: ignore[arg-type]

    @post("/{key_id:uuid}/revoke", operation_id="RevokeApiKey", status_code=200)
    async def revoke(
        self, db_session: DbSession, actor: Actor, organisation_id: uuid.UUID, key_id: uuid.UUID
    ) -> ApiKeyOut:
        return ApiKeyOut(**_fields(await revoke_api_key(db_session, actor, organisation_id, key_id)))  # type: ignore[arg-type]
