"""Dependencies every controller may ask for by name."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from dp_platform.tenancy.errors import NotAuthenticatedError
from dp_platform.tenancy.policy import Actor


def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    actor = request.scope.get("user")
    if not isinstance(actor, Actor):  # only on a public route that asked for an actor by mistake
        raise NotAuthenticatedError("Log in first.")
    return actor


DEPENDENCIES = {"actor": Provide(provide_actor, sync_to_thread=False)}
