"""Pages for who signs in: the account's people (give the person, their representative or a PA a
sign-in; the council records a representative's powers), choosing a password from a one-time link,
and a PA's own pay."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.errors import InvitationNotFoundError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import FormError, account_nav, form_errors, form_of, render, see_other
from dp_platform.workflows.accounts import AccountAccess, account_for, may
from dp_platform.workflows.my_pay import my_jobs, my_p45, my_p60, my_payslip
from dp_platform.workflows.people import (
    KIND_WORDS,
    LEGAL_POWERS,
    POWER_WORDS,
    Invited,
    PersonKind,
    accept_invitation,
    account_people,
    invitation_for,
    invite,
    record_legal_power,
)
from ledgers.errors import DomainError
from payroll.payslip_pdf import payslip_filename, render_payslip

PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
"""A page whose address or body holds a one-time link's secret: no other site is told it, nothing keeps it."""
KIND_OPTIONS = [(kind.value, words) for kind, words in KIND_WORDS.items()]
POWER_OPTIONS = [(power, POWER_WORDS[power]) for power in LEGAL_POWERS]


class PeoplePages(Controller):
    path = "/accounts/{account_id:uuid}/people"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        *,
        invited: Invited | None = None,
        errors: list[FormError] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        people = await account_people(session, actor, access.account.id)
        link = f"{str(request.base_url).rstrip('/')}/welcome/{invited.token}" if invited and invited.token else None
        return render(
            request,
            "people.html",
            headers=PRIVATE if invited is not None else None,
            title="Who can sign in",
            actor=actor,
            nav=account_nav(access.account, "people"),
            account=access.account,
            people=people,
            invited=invited,
            link=link,
            kind_options=KIND_OPTIONS,
            power_options=POWER_OPTIONS,
            power_words=POWER_WORDS,
            pa_options=[("", "Choose a personal assistant")]
            + [(str(pa.id), pa.full_name) for pa, user in people.assistants if user is None],
            may_invite=may(actor, access, Action.MANAGE_PEOPLE),
            may_record_powers=may(actor, access, Action.RECORD_LEGAL_POWERS),
            errors=errors or [],
            values=values or {},
            status=status,
        )

    @get("")
    async def people(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._page(request, db_session, actor, access)

    @post("")
    async def invite_person(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        """The link is shown on the answer to this form, once, and never stored where it can be read again."""
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        kind = str(form.get("kind") or "")
        if kind not in {option for option, _ in KIND_OPTIONS}:
            errors = [FormError("kind", "Choose who the sign-in is for.")]
            return await self._page(request, db_session, actor, access, errors=errors, values=form, status=400)
        raw_pa = str(form.get("pa_id") or "")
        try:
            invited = await invite(
                db_session,
                actor,
                account_id,
                kind=PersonKind(kind),
                display_name=str(form.get("display_name") or ""),
                email=str(form.get("email") or ""),
                pa_id=uuid.UUID(raw_pa) if raw_pa and kind == PersonKind.PERSONAL_ASSISTANT else None,
            )
        except (DomainError, ValueError) as refused:
            errors = (
                form_errors(refused)
                if isinstance(refused, DomainError)
                else [FormError("pa_id", "Choose a personal assistant from the list.")]
            )
            return await self._page(request, db_session, actor, access, errors=errors, values=form, status=400)
        return await self._page(request, db_session, actor, access, invited=invited)

    @post("/{user_id:uuid}/legal-power")
    async def legal_power(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        user_id: uuid.UUID,
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        try:
            member = await record_legal_power(
                db_session, actor, account_id, user_id, str(form.get(f"legal_power-{user_id}") or "")
            )
        except DomainError as refused:
            errors = form_errors(refused, {"legal_power": f"legal_power-{user_id}"})
            return await self._page(request, db_session, actor, access, errors=errors, values=form, status=400)
        words = POWER_WORDS[member.legal_power].lower()
        return see_other(f"/accounts/{account_id}/people", f"Recorded: {words}.")


class WelcomePages(Controller):
    path = "/welcome"
    include_in_schema = False

    @get("/{token:str}", opt={PUBLIC: True})
    async def welcome(self, request: Request[Any, Any, Any], db_session: DbSession, token: str) -> Template:
        try:
            _, user = await invitation_for(db_session, token)
        except InvitationNotFoundError as refused:
            return render(request, "welcome.html", title="This link does not work", actor=None, user=None,
                          problem=refused.detail, errors=[], status=404, headers=PRIVATE)  # fmt: skip
        return render(
            request, "welcome.html", title="Choose your password", actor=None, user=user, errors=[], headers=PRIVATE
        )

    @post("/{token:str}", opt={PUBLIC: True})
    async def choose(self, request: Request[Any, Any, Any], db_session: DbSession, token: str) -> Template | Redirect:
        form = await form_of(request)
        try:
            await accept_invitation(db_session, token, str(form.get("password") or ""), str(form.get("repeated") or ""))
        except InvitationNotFoundError as refused:
            return render(request, "welcome.html", title="This link does not work", actor=None, user=None,
                          problem=refused.detail, errors=[], status=404)  # fmt: skip
        except DomainError as refused:
            _, user = await invitation_for(db_session, token)
            return render(
                request, "welcome.html", title="Choose your password", actor=None, user=user,
                errors=form_errors(refused), status=400, headers=PRIVATE,
            )  # fmt: skip
        return see_other("/login", "Your password is set: sign in with your email address and it.")


class MyPayPages(Controller):
    path = "/my-pay"
    include_in_schema = False

    @get("")
    async def my_pay(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        jobs = await my_jobs(db_session, actor)
        leavers = {
            job.pa.id: await my_p45(db_session, actor, job.pa.id) for job in jobs if job.pa.left_on and job.payslips
        }
        p60s = {
            (job.pa.id, start): await my_p60(db_session, actor, job.pa.id, start)
            for job in jobs
            for start in job.p60_years
        }
        return render(request, "my_pay.html", title="My pay", actor=actor, jobs=jobs, leavers=leavers, p60s=p60s)

    @get("/{pa_id:uuid}/payslips/{run_id:uuid}/payslip.pdf")
    async def payslip(
        self, db_session: DbSession, actor: Actor, pa_id: uuid.UUID, run_id: uuid.UUID
    ) -> Response[bytes]:
        document = await my_payslip(db_session, actor, pa_id, run_id)
        return Response(
            render_payslip(document),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{payslip_filename(document)}"'},
        )
