"""No change without its audit event.

A request that changes state (POST, PUT, PATCH, DELETE) and is about to answer 2xx, or
3xx (a page form redirects after it succeeds), must have written at least one audit event.
If it has not, the answer becomes a 500 problem instead, and because the request's
transaction commits only on success, the unaudited change is rolled back: a forgotten
``record_event`` cannot reach the database.
"""

from __future__ import annotations

import logging

from litestar import Response
from litestar.types import ASGIApp, Receive, Scope, Send

from dp_platform.audit.writer import begin_request_tracking, end_request_tracking, request_audit
from dp_platform.errors import PROBLEM_MEDIA_TYPE
from dp_platform.observability import current_request_id

STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
logger = logging.getLogger(__name__)


def audit_tracking_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        token = begin_request_tracking(scope["method"])
        try:
            await app(scope, receive, send)
        finally:
            end_request_tracking(token)

    return middleware


async def require_audit_for_changes(response: Response) -> Response:  # type: ignore[type-arg]
    tracked = request_audit()
    if (
        tracked is not None
        and tracked.method in STATE_CHANGING_METHODS
        and 200 <= response.status_code < 400
        and not tracked.event_ids
        and not tracked.unchanged
    ):
        logger.error(
            "a %s request succeeded without writing an audit event; its changes were rolled back", tracked.method
        )
        return Response(
            content={
                "type": "/problems/unaudited-change",
                "title": "Internal error",
                "status": 500,
                "detail": "The change was not saved because it wrote no audit event.",
                "request_id": current_request_id(),
            },
            status_code=500,
            media_type=PROBLEM_MEDIA_TYPE,
        )
    return response
