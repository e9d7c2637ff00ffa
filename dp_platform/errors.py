"""The one mapping from errors to RFC 9457 problem-details responses.

Domain packages raise ``ledgers.errors.DomainError`` subclasses that say what kind of
failure they are (``category``); this module alone decides the HTTP status, so no domain
module ever knows about HTTP. Litestar's own errors (404, 405, validation) and
unexpected failures come out in the same shape, always carrying the request id.

A page (any path outside the API, see ``dp_platform.auth.browser.is_page``) gets the same
status with the same sentence as an HTML page instead, and a page that needs a login sends
the browser to the sign-in page.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from sqlalchemy.exc import InterfaceError, OperationalError

from dp_platform.auth.browser import is_page
from dp_platform.observability import current_request_id
from ledgers.errors import DomainError

PROBLEM_MEDIA_TYPE = "application/problem+json"
STATUS_BY_CATEGORY = {
    "invalid": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unprocessable": 422,
    "too_many_requests": 429,
    "unavailable": 503,
}
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}

CSRF_REFUSED = "CSRF token verification failed"
"""Litestar's words when a form's CSRF token is missing or wrong."""
_PAGE_TITLES = {404: "Page not found", 403: "You cannot do this"}
_PAGE_NOT_FOUND = (
    "There is no such page, or it is not one you can see. Check the address, or go back and follow a link."
)

logger = logging.getLogger(__name__)


def _slug(error_type: type) -> str:
    name = error_type.__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _error_page(request: Request[Any, Any, Any], status: int, title: str, detail: str) -> Response[Any]:
    if status == 401:
        target = request.url.path if request.method == "GET" else "/home"
        return Redirect(f"/login?next={quote(target, safe='/')}", status_code=303)
    context = {
        "title": title,
        "detail": detail,
        "status": status,
        "request_id": current_request_id(),
        "actor": request.scope.get("user"),
    }
    return Template(template_name="error.html", context=context, status_code=status)


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    detail: str,
    title: str | None = None,
    problem_type: str = "about:blank",
    **extra: Any,
) -> Response[Any]:
    if is_page(request.url.path):
        page_title = _PAGE_TITLES.get(status, title or _TITLES.get(status, "Error"))
        # The API's "no account <id>" names an id; a page says the same thing in words, and for a
        # missing page and another tenant's page alike.
        page_detail = _PAGE_NOT_FOUND if status == 404 else detail
        return _error_page(request, status, page_title, page_detail)
    body = {
        "type": problem_type,
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": current_request_id(),
        **{key: value for key, value in extra.items() if value is not None},
    }
    return Response(content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    response = problem_response(
        request,
        status=STATUS_BY_CATEGORY[error.category],
        title=error.title,
        detail=error.detail,
        problem_type=f"/problems/{_slug(type(error))}",
        field=error.field,
        problems=getattr(error, "problems", None),
    )
    response.headers.update(getattr(error, "headers", {}))
    return response


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    errors = error.extra if isinstance(error, ValidationException) and error.extra else None
    detail = error.detail
    if detail == CSRF_REFUSED:
        detail = "This form has expired or did not come from this site. Go back, reload the page and try again."
    response = problem_response(request, status=error.status_code, detail=detail, errors=errors)
    if error.headers:
        response.headers.update(error.headers)
    return response


def _database_unavailable(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    logger.error("database unavailable: %s", type(error).__name__)
    return problem_response(request, status=503, detail="The database is not answering; try again shortly.")


def _unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    logger.exception("unhandled error", exc_info=error)
    return problem_response(
        request,
        status=500,
        detail="Something went wrong on our side; quote the request id when you report it.",
    )


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: _domain_error,
    HTTPException: _http_error,
    OperationalError: _database_unavailable,
    InterfaceError: _database_unavailable,
    ConnectionError: _database_unavailable,
    Exception: _unexpected,
}


_WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def document_problems(app: Litestar) -> None:
    """Name in the OpenAPI schema the problem responses each API operation can give, all in the one
    ``Problem`` shape, so a generated client knows the refusals as well as the answers."""
    from dp_platform.api.schemas.problems import Problem
    from dp_platform.auth.middleware import PUBLIC

    for route in app.routes:
        if not route.path.startswith("/api"):
            continue
        for handler in getattr(route, "route_handlers", []):
            codes = {400, 403, 404, 422, 503}
            if not handler.opt.get(PUBLIC):
                codes.add(401)
            if set(handler.http_methods) & _WRITES:
                codes |= {409, 413, 415}
            if handler.operation_id == "LogIn":
                codes |= {401, 429}  # a wrong email or password, then too many of them
            documented = {
                code: ResponseSpec(Problem, description=_TITLES[code], media_type=PROBLEM_MEDIA_TYPE)
                for code in sorted(codes)
            }
            handler.responses = {**documented, **(handler.responses or {})}
