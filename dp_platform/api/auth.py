"""Logging in and out, and who am I."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import Body

from dp_platform.api.schemas.auth import LoginIn, LoginOut, MeOut
from dp_platform.auth.login import log_in, log_out
from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.accounts import account_ids_in_reach
from ledgers.columns import utc_now


async def describe_actor(session: DbSession, actor: Actor) -> MeOut:
    return MeOut(
        user_id=actor.user_id,
        display_name=actor.display_name,
        role=actor.role.value,
        authority_id=actor.authority_id,
        organisation_id=actor.organisation_id,
        via="api_key" if actor.api_key_id else "token",
        api_key_id=actor.api_key_id,
        account_ids=await account_ids_in_reach(session, actor),
    )


class AuthController(Controller):
    path = "/api"
    tags = ["Access"]

    @post("/auth/login", operation_id="LogIn", opt={PUBLIC: True}, status_code=200)
    async def login(
        self, request: Request[Any, Any, Any], db_session: DbSession, data: Annotated[LoginIn, Body()]
    ) -> LoginOut:
        client = request.client.host if request.client else "unknown"
        token, actor = await log_in(
            request.app.state.auth_sessions,
            request.app.state.settings,
            email=data.email,
            password=data.password,
            client=client[:64],
            now=utc_now(),
        )
        return LoginOut(
            access_token=token.access_token,
            token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
            expires_at=token.expires_at,
            me=await describe_actor(db_session, actor),
        )

    @post("/auth/logout", operation_id="LogOut", status_code=204)
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> None:
        token = request.auth
        expires_at = token.exp if token is not None else datetime.now(UTC)
        await log_out(db_session, actor, expires_at=expires_at)

    @get("/me", operation_id="GetMe")
    async def me(self, db_session: DbSession, actor: Actor) -> MeOut:
        return await describe_actor(db_session, actor)
