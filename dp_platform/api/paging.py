"""Keyset paging for every list that grows with use (``ledgers.keyset`` says why keyset).

A page is at most ``MAX_PAGE`` rows; when more may follow, the response carries a
``Link: <…&after=CURSOR>; rel="next"`` header (RFC 8288), so the body stays the plain list it
always was. The cursor is opaque to a client: the last row's sort key, id last, in URL-safe base64.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response

from ledgers.errors import DomainError
from ledgers.keyset import Keyset

MAX_PAGE = 1000
T = TypeVar("T")
_READERS: dict[type, Callable[[str], Any]] = {
    date: date.fromisoformat,
    datetime: datetime.fromisoformat,
    uuid.UUID: uuid.UUID,
    int: int,
    str: str,
}


class PageCursorError(DomainError):
    title = "Not a page cursor"


def _write_cursor(last: tuple[Any, ...]) -> str:
    parts = [value.isoformat() if isinstance(value, date | datetime) else str(value) for value in last]
    return base64.urlsafe_b64encode(json.dumps(parts, separators=(",", ":")).encode()).decode().rstrip("=")


def read_cursor(after: str | None, *types: type) -> tuple[Any, ...] | None:
    """``after`` read back into a key of ``types`` (the list's sort key, id last)."""
    if after is None:
        return None
    try:
        parts = json.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
        if not isinstance(parts, list) or len(parts) != len(types) or not all(isinstance(p, str) for p in parts):
            raise ValueError(after)
        return tuple(_READERS[kind](part) for kind, part in zip(types, parts, strict=True))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise PageCursorError("Use the 'after' value of a Link header as it came.", field="after") from None


def keyset(limit: int | None, after: str | None, *types: type) -> Keyset:
    """The page asked for: ``limit`` rows (``MAX_PAGE`` when not said) after the cursor ``after``."""
    if limit is None:
        limit = MAX_PAGE
    if not 1 <= limit <= MAX_PAGE:
        raise PageCursorError(f"A page holds 1 to {MAX_PAGE} rows.", field="limit")
    return Keyset(limit, read_cursor(after, *types))


def paged(
    request: Request[Any, Any, Any], items: Sequence[T], page: Keyset, last: tuple[Any, ...] | None
) -> Response[Sequence[T]]:
    """The page, with a link to the next when this one is full (``last`` is its last row's key)."""
    headers = {}
    if len(items) >= page.limit and last is not None:
        query = {key: value for key, value in request.query_params.items() if key != "after"}
        query["after"] = _write_cursor(last)
        headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return Response(items, headers=headers)


R = TypeVar("R")


def page_of(
    request: Request[Any, Any, Any],
    page: Keyset,
    rows: Sequence[R],
    key: Callable[[R], tuple[Any, ...]],
    to_item: Callable[[R], T],
) -> Response[Sequence[T]]:
    """The rows as items, with the link to the next page keyed on the last row."""
    return paged(request, [to_item(row) for row in rows], page, key(rows[-1]) if rows else None)
