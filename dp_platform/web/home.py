"""The landing page, each person's home, the list of accounts they may see, and one account's overview."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from dp_platform.auth.browser import SESSION_COOKIE
from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.web.pages import account_nav, home_nav, render, today
from dp_platform.workflows.accounts import account_for, accounts_for
from dp_platform.workflows.client_money import held_by_provider
from dp_platform.workflows.overview import account_overview


class HomeController(Controller):
    include_in_schema = False

    @get("/", opt={PUBLIC: True})
    async def landing(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if request.cookies.get(SESSION_COOKIE):
            return Redirect("/home", status_code=303)
        return render(request, "landing.html", title="A shared record of Direct Payments", actor=None)

    @get("/accessibility", opt={PUBLIC: True})
    async def accessibility(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "accessibility.html", title="Accessibility", actor=None)

    @get("/home")
    async def home(self, db_session: DbSession, actor: Actor) -> Redirect:
        """Each person lands where their work is: a holder on their account, a bureau on its clients, the
        council on its portfolio."""
        if actor.role is Role.BUREAU_STAFF:
            return Redirect("/clients", status_code=303)
        if actor.role in AUTHORITY_ROLES:
            return Redirect("/portfolio", status_code=303)
        if actor.role is Role.PERSONAL_ASSISTANT:
            return Redirect("/my-pay", status_code=303)
        accounts = await accounts_for(db_session, actor)
        if actor.role is Role.EMPLOYER and len(accounts) == 1:
            return Redirect(f"/accounts/{accounts[0].id}", status_code=303)
        return Redirect("/accounts", status_code=303)

    @get("/accounts")
    async def accounts(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        rows = await accounts_for(db_session, actor)
        return render(
            request,
            "accounts.html",
            title="Direct Payment accounts",
            actor=actor,
            nav=home_nav(actor, "clients"),
            accounts=rows,
        )

    @get("/accounts/{account_id:uuid}")
    async def overview(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        overview = await account_overview(db_session, access, today())
        return render(
            request,
            "account/overview.html",
            title=f"{access.account.holder_name}'s Direct Payment",
            actor=actor,
            nav=account_nav(access.account, "overview"),
            account=access.account,
            overview=overview,
            held=await held_by_provider(db_session, actor, account_id),
        )
