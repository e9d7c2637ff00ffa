"""The shared audit trail: list, export and verify."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Literal

from litestar import Controller, Request, Response, get
from litestar.response import Stream

from dp_platform.api.media_types import answered_as
from dp_platform.api.schemas.audit import AuditEventOut, AuditEventPageOut, AuditVerificationOut, ChainBreakOut
from dp_platform.audit.chain import ChainBreak
from dp_platform.audit.queries import AuditFilter, csv_header, csv_row, jsonl_row, list_events, stream_events
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.audit_trail import check_trail_readable, verify_trail
from dp_platform.workflows.records import AuditEventRow


def to_event(row: AuditEventRow) -> AuditEventOut:
    return AuditEventOut(**{name: getattr(row, name) for name in AuditEventOut.__struct_fields__})


def to_break(broken: ChainBreak) -> ChainBreakOut:
    return ChainBreakOut(
        chain=broken.chain,
        seq=broken.seq,
        event_id=broken.event_id,
        reason=broken.reason,
        sentence=broken.sentence(),
    )


class AuditController(Controller):
    path = "/api/audit-events"
    tags = ["Audit"]

    @get("", operation_id="ListAuditEvents")
    async def list_events(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID | None = None,
        actor_user_id: uuid.UUID | None = None,
        action: str | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
        before: uuid.UUID | None = None,
        limit: int = 100,
    ) -> AuditEventPageOut:
        wanted = AuditFilter(account_id, actor_user_id, action, occurred_from, occurred_to)
        rows, next_before = await list_events(db_session, actor, wanted, before=before, limit=limit)
        return AuditEventPageOut(items=[to_event(row) for row in rows], next_before=next_before)

    @get(
        "/export",
        operation_id="ExportAuditEvents",
        media_type="text/csv",
        operation_class=answered_as("text/csv", "application/x-ndjson"),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        format: Literal["csv", "jsonl"] = "csv",
        account_id: uuid.UUID | None = None,
        actor_user_id: uuid.UUID | None = None,
        action: str | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
    ) -> Stream:
        """Oldest first, with both hashes, so an auditor can recompute the chain independently."""
        wanted = AuditFilter(account_id, actor_user_id, action, occurred_from, occurred_to)
        if account_id is not None:  # refuse before the response starts, not halfway through it
            await check_trail_readable(db_session, actor, account_id)
        sessions = request.app.state.auth_sessions

        async def lines() -> AsyncIterator[str]:
            async with sessions() as session:
                if format == "csv":
                    yield csv_header()
                async for row in stream_events(session, actor, wanted):
                    yield csv_row(row) if format == "csv" else jsonl_row(row)

        media_type = "text/csv" if format == "csv" else "application/x-ndjson"  # Litestar adds the charset
        return Stream(
            lines(),
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="audit-events.{format}"'},
        )

    @get("/verify", operation_id="VerifyAuditTrail")
    async def verify(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID | None = None, full: bool = False
    ) -> Response[AuditVerificationOut]:
        """Recompute the chains: one account's, or (authority finance, admins) every account in reach. Each
        chain is checked from where the last verification found it intact; ``full=true`` from its first event."""
        report = await verify_trail(db_session, actor, account_id, full=full)
        body = AuditVerificationOut(
            ok=report.ok,
            full=report.full,
            chains_checked=report.chains_checked,
            events_checked=report.events_checked,
            first_break=to_break(report.first_break) if report.first_break else None,
            breaks=[to_break(broken) for broken in report.breaks],
        )
        return Response(body, status_code=200)
