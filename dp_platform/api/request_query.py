"""Query strings and paths read as strictly as bodies: no control characters.

A NUL or other control character in a query value reached PostgreSQL (which refuses NUL in text)
as a 500; none belongs in any value a person or a program sends. Refused before any handler runs,
as a 400 problem naming the parameter, on every route, pages included.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from dp_platform.api.request_body import CONTROL_CHARACTERS, RequestBodyError


class RequestQueryError(RequestBodyError):
    title = "The request cannot be read"


async def refuse_control_characters(request: Request[Any, Any, Any]) -> None:
    for name, value in request.query_params.multi_items():
        if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
            raise RequestQueryError(f"'{name[:40]}' holds a control character; send plain text.", field=name[:40])
    for name, value in request.path_params.items():
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise RequestQueryError(f"'{name}' holds a control character; send plain text.", field=name)
