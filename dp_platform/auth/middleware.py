"""Authentication on every request except the routes marked public.

A request carries either ``Authorization: Bearer <token>`` (a person) or ``X-API-Key``
(a bureau's system); a page request may instead carry the same token in the session cookie
(``dp_platform.auth.browser``), which the API never reads. The actor is loaded fresh from
the database on each request, so a logged-out token, a deactivated user, a revoked key or
a revoked mandate stops working at once, on every app server.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult, DefineMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dp_platform.auth.api_keys import actor_for_api_key
from dp_platform.auth.browser import SESSION_COOKIE, is_page
from dp_platform.auth.login import token_revoked
from dp_platform.auth.tokens import read_token
from dp_platform.settings import Settings
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import NotAuthenticatedError
from ledgers.columns import utc_now

PUBLIC = "public"
"""Route ``opt`` key: ``opt={PUBLIC: True}`` needs no login."""


class AuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection[Any, Any, Any, Any]) -> AuthenticationResult:
        settings: Settings = connection.app.state.settings
        sessions: async_sessionmaker[AsyncSession] = connection.app.state.auth_sessions
        api_key = connection.headers.get("x-api-key")
        authorization = connection.headers.get("authorization", "")
        if not api_key and not authorization and is_page(connection.url.path):
            cookie = connection.cookies.get(SESSION_COOKIE)
            if cookie:
                authorization = f"Bearer {cookie}"
        async with sessions() as session, session.begin():
            if api_key:
                actor = await actor_for_api_key(session, api_key, now=utc_now())
                if actor is None:
                    raise NotAuthenticatedError("The API key is not valid or has been revoked.")
                return AuthenticationResult(user=actor, auth=None)
            scheme, _, encoded = authorization.partition(" ")
            if scheme.lower() != "bearer" or not encoded:
                raise NotAuthenticatedError("Log in first: send 'Authorization: Bearer <token>' or 'X-API-Key'.")
            token = read_token(encoded.strip(), secret=settings.jwt_secret)
            if await token_revoked(session, token.jti):  # type: ignore[arg-type]
                raise NotAuthenticatedError("This login token was logged out; log in again.")
            actor = await load_user_actor(session, uuid.UUID(token.sub), token_id=token.jti)  # type: ignore[arg-type]
            if actor is None:
                raise NotAuthenticatedError("This user no longer exists or has been deactivated.")
            return AuthenticationResult(user=actor, auth=token)


def authentication_middleware() -> DefineMiddleware:
    return DefineMiddleware(
        AuthenticationMiddleware, exclude=["^/docs", "^/schema", "^/static/"], exclude_from_auth_key=PUBLIC
    )
