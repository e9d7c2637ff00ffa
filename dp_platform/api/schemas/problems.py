"""The problem-details body (RFC 9457) every API refusal carries, for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from dp_platform.api.schemas.base import Schema


class Problem(Schema):
    type: str
    """``about:blank``, or ``/problems/<kind>`` naming the rule that refused the request."""
    title: str
    status: int
    detail: str
    """A sentence for a person, naming what to change."""
    instance: str
    """The path of the request."""
    request_id: str | None = None
    """Quote it when reporting a problem: the server's log line carries the same id."""
    field: str | None = None
    """The request field at fault, when there is one."""
    problems: list[Any] | None = None
    """Every problem found, where a request is checked as a whole (an agreement draft)."""
    errors: list[Any] | None = None
    """Litestar's own validation messages, for a body or parameter of the wrong type."""
