"""Mandates: an organisation acting for an account holder."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.mandates import MandateIn, MandateOut, MandateRevokeIn
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.mandates import grant_mandate, list_mandates, mandate_status, revoke_mandate
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.records import MandateRow
from ledgers.columns import utc_now


def to_mandate(row: MandateRow) -> MandateOut:
    return MandateOut(
        id=row.id,
        account_id=row.account_id,
        organisation_id=row.organisation_id,
        scopes=list(row.scopes),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        status=mandate_status(row, utc_now()),
        granted_by_user_id=row.granted_by_user_id,
        granted_at=row.granted_at,
        revoked_at=row.revoked_at,
        revoked_by_user_id=row.revoked_by_user_id,
        revocation_reason=row.revocation_reason,
    )


class MandateController(Controller):
    path = "/api/mandates"
    tags = ["Access"]

    @get("", operation_id="ListMandates")
    async def list_mandates(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[MandateOut]]:
        """Oldest first, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, uuid.UUID)
        rows = await list_mandates(db_session, actor, account_id=account_id, page=page)
        return page_of(request, page, rows, lambda row: (row.id,), to_mandate)

    @post("", operation_id="GrantMandate")
    async def grant(self, db_session: DbSession, actor: Actor, data: Annotated[MandateIn, Body()]) -> MandateOut:
        row = await grant_mandate(
            db_session,
            actor,
            account_id=data.account_id,
            organisation_id=data.organisation_id,
            scopes=data.scopes,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
        )
        return to_mandate(row)

    @post("/{mandate_id:uuid}/revoke", operation_id="RevokeMandate", status_code=200)
    async def revoke(
        self, db_session: DbSession, actor: Actor, mandate_id: uuid.UUID, data: Annotated[MandateRevokeIn, Body()]
    ) -> MandateOut:
        return to_mandate(await revoke_mandate(db_session, actor, mandate_id, reason=data.reason))
