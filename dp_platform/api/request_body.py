"""JSON request bodies read strictly, in one place for every route.

Litestar reads a body leniently (any content type, the last of two equal keys, ``1e3`` or
``"1840"`` turned into pence), and Python's JSON reader recurses once per level of nesting.
Money and records must not be guessed at, so the body is read here instead: JSON only (by its
content type), at most a megabyte and 32 levels deep, no key twice in one object, pence only
as whole integers within 64 bits, and no control characters in text. Each refusal is a 4xx
problem naming the field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.types import Empty

from ledgers.errors import DomainError

MAX_JSON_BYTES = 1_048_576
MAX_DEPTH = 32
_INT64 = 2**63
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


class RequestBodyError(DomainError):
    title = "The request body cannot be read"


def _deeper_than(body: bytes, limit: int) -> bool:
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # cannot nest deeper than it has brackets: most bodies stop here
    depth = 0
    for char in _STRING.sub(b'""', body):
        if char in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif char in b"]}":
            depth -= 1
    return False


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise RequestBodyError(f"'{key}' is given twice in one object; give it once.", field=key)
        found[key] = value
    return found


def _constant(name: str) -> None:
    raise RequestBodyError(f"{name} is not a number JSON allows.")


def _check(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            field = f"{path}.{key}" if path else key
            if key.endswith("_pence") and item is not None and (type(item) is not int):
                raise RequestBodyError(
                    f"{field} is a whole number of pence, written as an integer like 1840, not {json.dumps(item)}.",
                    field=field,
                )
            _check(item, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
    elif type(value) is int and not -_INT64 <= value < _INT64:
        raise RequestBodyError(f"{path or 'the body'} is too large a number.", field=path or None)
    elif isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise RequestBodyError(f"{path or 'the body'} holds a control character; send plain text.", field=path or None)


def read_json(body: bytes, content_type: str) -> Any:
    media = content_type.split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise HTTPException(status_code=415, detail="Send the body as JSON, with Content-Type: application/json.")
    if len(body) > MAX_JSON_BYTES:
        raise HTTPException(status_code=413, detail=f"A JSON body may be at most {MAX_JSON_BYTES:,} bytes.")
    if _deeper_than(body, MAX_DEPTH):
        raise RequestBodyError(f"The body nests more than {MAX_DEPTH} levels deep.")
    try:
        value = json.loads(body, object_pairs_hook=_object, parse_constant=_constant)
    except (ValueError, RecursionError) as error:
        if isinstance(error, RequestBodyError):
            raise
        raise RequestBodyError(f"The body is not valid JSON ({error}).") from None
    _check(value, "")
    return value


class StrictRequest(Request[Any, Any, Any]):
    """The app's request: its JSON is read by ``read_json``."""

    async def json(self) -> Any:
        if self._json is Empty:
            body = await self.body()
            self._json = self._connection_state.json = (
                read_json(body, self.headers.get("content-type", "")) if body else None
            )
        return self._json
