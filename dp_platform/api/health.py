"""Liveness and readiness in one: 200 only when the database answers and the schema is current."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency

from dp_platform.api.schemas.health import DatabaseHealthOut, HealthOut
from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.health import ask_database
from dp_platform.db.migrate import head_revision
from dp_platform.db.sessions import DbEngine
from dp_platform.errors import problem_response
from dp_platform.settings import Settings


class HealthController(Controller):
    path = "/health"
    tags = ["Platform"]

    @get("", operation_id="GetHealth", summary="Check the database and schema", opt={PUBLIC: True})
    async def get_health(self, request: Request[Any, Any, Any], db_engine: NamedDependency[DbEngine]) -> Response[Any]:
        settings: Settings = request.app.state.settings
        answer = await ask_database(db_engine)
        if answer is None:
            return problem_response(
                request, status=503, detail="The database is not answering or has never been migrated."
            )
        head, revision = head_revision(), answer.revision
        health = HealthOut(
            status="ok" if revision == head else "migrations_pending",
            database=DatabaseHealthOut(
                server_version=answer.server_version,
                embedded=settings.embedded_database,
                schema_revision=revision,
                schema_head=head,
                schema_current=revision == head,
            ),
        )
        return Response(health, status_code=200 if revision == head else 503)
