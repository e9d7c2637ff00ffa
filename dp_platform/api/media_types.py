"""Operations whose one answer comes in more than one media type (a download as CSV or JSON lines).

Litestar documents one media type per response; a client generated from the schema, or a checker
such as Schemathesis, would then call the other one undocumented. ``answered_as`` names them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema


def answered_as(*media_types: str) -> type[Operation]:
    """An ``operation_class`` whose 200 answer is documented as text in each of ``media_types``."""

    @dataclass
    class AnsweredAs(Operation):
        def __post_init__(self) -> None:
            ok = (self.responses or {}).get("200")
            if isinstance(ok, OpenAPIResponse):
                ok.content = {kind: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)) for kind in media_types}

    return AnsweredAs
