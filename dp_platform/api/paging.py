"""Keyset paging for the lists that grow without end (bank lines, ledger entries).

A page is at most ``MAX_PAGE`` rows in (day, id) order; when more follow, the response carries a
``Link: <…&after=CURSOR>; rel="next"`` header (RFC 8288), so the body stays the plain list it
always was. The cursor is the last row's day and id: a page does not shift when rows are added
before it, and reading the next one costs an index seek, not a count of everything before it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response

from ledgers.errors import DomainError

MAX_PAGE = 1000
T = TypeVar("T")


class PageCursorError(DomainError):
    title = "Not a page cursor"


def read_cursor(after: str | None) -> tuple[date, uuid.UUID] | None:
    if after is None:
        return None
    day, _, row_id = after.partition("_")
    try:
        return date.fromisoformat(day), uuid.UUID(row_id)
    except ValueError:
        raise PageCursorError("Use the 'after' value of a Link header as it came.", field="after") from None


def page_size(limit: int | None) -> int:
    if limit is None:
        return MAX_PAGE
    if not 1 <= limit <= MAX_PAGE:
        raise PageCursorError(f"A page holds 1 to {MAX_PAGE} rows.", field="limit")
    return limit


def paged(
    request: Request[Any, Any, Any], items: Sequence[T], limit: int, last: tuple[date, uuid.UUID] | None
) -> Response[Sequence[T]]:
    """The page, with a link to the next when this one is full (``last`` is its last row's key)."""
    headers = {}
    if len(items) == limit and last is not None:
        query = {key: value for key, value in request.query_params.items() if key != "after"}
        query["after"] = f"{last[0].isoformat()}_{last[1]}"
        headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return Response(items, headers=headers)
