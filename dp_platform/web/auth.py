"""Signing in and out in the browser, through the same login (attempt limits, audit) as the API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from dp_platform.auth.browser import cleared_session_cookie, session_cookie
from dp_platform.auth.login import log_in, log_out
from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.errors import NotAuthenticatedError, TooManyAttemptsError
from dp_platform.tenancy.policy import Actor
from dp_platform.web.pages import FormError, form_of, render
from ledgers.columns import utc_now


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect), never back to sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/home"
    return "/home" if target.startswith("/login") else target


class WebAuthController(Controller):
    include_in_schema = False

    @get("/login", opt={PUBLIC: True})
    async def login_form(self, request: Request[Any, Any, Any], next: str | None = None) -> Template:
        return render(request, "login.html", title="Sign in", actor=None, next=safe_next(next), errors=[], email="")

    @post("/login", opt={PUBLIC: True})
    async def login(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await form_of(request)
        email, password = str(form.get("email", "")).strip(), str(form.get("password", ""))
        target = safe_next(form.get("next"))
        errors = []
        if not email:
            errors.append(FormError("email", "Enter your email address."))
        if not password:
            errors.append(FormError("password", "Enter your password."))
        if not errors:
            client = request.client.host if request.client else "unknown"
            try:
                token, _ = await log_in(
                    request.app.state.auth_sessions,
                    request.app.state.settings,
                    email=email,
                    password=password,
                    client=client[:64],
                    now=utc_now(),
                )
            except (NotAuthenticatedError, TooManyAttemptsError) as error:
                errors.append(FormError("email", error.detail))
            else:
                cookie = session_cookie(request.app.state.settings, token.access_token, token.expires_at)
                return Redirect(target, status_code=303, cookies=[cookie])
        return render(
            request, "login.html", title="Sign in", actor=None, next=target, errors=errors, email=email, status=400
        )

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Redirect:
        await log_out(db_session, actor, expires_at=request.auth.exp if request.auth is not None else utc_now())
        return Redirect(
            "/login?signed_out=1", status_code=303, cookies=[cleared_session_cookie(request.app.state.settings)]
        )
