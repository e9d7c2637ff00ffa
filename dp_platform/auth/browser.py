"""The browser's login: the same signed, revocable token the API uses, kept in a cookie.

Only page routes read the cookie; ``/api`` answers to ``Authorization`` and ``X-API-Key``
headers alone, so a cookie can never make a cross-site API call on a person's behalf, and
every page form carries a CSRF token besides.
"""

from __future__ import annotations

from datetime import datetime

from litestar.datastructures import Cookie

from dp_platform.settings import Settings

SESSION_COOKIE = "dp_session"
CSRF_COOKIE = "dp_csrf"
API_PREFIXES = ("/api", "/docs", "/schema", "/health", "/static")
"""Paths that are not pages: they never read the session cookie and answer in JSON."""


def is_page(path: str) -> bool:
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES)


def secure_cookies(settings: Settings) -> bool:
    """Secure everywhere but development, where the demo runs on plain http://127.0.0.1."""
    return settings.environment != "development"


def session_cookie(settings: Settings, token: str, expires_at: datetime) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        expires=int(expires_at.timestamp()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )


def cleared_session_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        max_age=0,
        expires=0,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(settings),
    )
