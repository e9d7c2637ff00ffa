"""The agreement on the page: its state, signatures and payment schedule, the words in full (HTML and
PDF, opened in the browser with the session cookie), and signing the version shown."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from agreements.payments import payment_states
from agreements.render_html import render_html
from agreements.render_pdf import render_pdf
from agreements.service import Agreement, account_agreements, load_agreement
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import account_nav, form_of, render, see_other, today
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.agreements import agreement_for, sign_for_account

VERSION_STATES = {
    "draft": "Waiting for the person's signature",
    "signed_by_holder": "Signed by the person, waiting for the council",
    "in_force": "In force",
    "superseded": "Replaced by a later version",
    "withdrawn": "Withdrawn",
}


def _signable(agreement: Agreement, actor: Actor) -> bool:
    """The person signs a draft; the council signs once the person has."""
    wanted = "draft" if actor.role.value == "employer" else "signed_by_holder"
    return agreement.latest.status == wanted


class AgreementPages(Controller):
    path = "/accounts/{account_id:uuid}/agreement"
    include_in_schema = False

    @get("")
    async def agreement(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        rows = await account_agreements(db_session, account_id)
        agreement = await load_agreement(db_session, rows[-1].id) if rows else None
        may_sign = False
        if agreement is not None:
            action = Action.SIGN_AS_HOLDER if actor.role.value == "employer" else Action.ISSUE_AGREEMENT
            may_sign = _signable(agreement, actor) and may(actor, access, action)
        return render(
            request,
            "agreement/agreement.html",
            title="Direct Payment agreement",
            actor=actor,
            nav=account_nav(access.account, "agreement"),
            account=access.account,
            agreement=agreement,
            payments=await payment_states(db_session, agreement, today()) if agreement else [],
            version_states=VERSION_STATES,
            may_sign=may_sign,
        )

    @get("/{agreement_id:uuid}/versions/{number:int}/agreement.html")
    async def words(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, number: int
    ) -> Response[str]:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        agreement = await agreement_for(db_session, access, agreement_id)
        return Response(render_html(agreement, agreement.version(number)), media_type="text/html")

    @get("/{agreement_id:uuid}/versions/{number:int}/agreement.pdf")
    async def pdf(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, number: int
    ) -> Response[bytes]:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        agreement = await agreement_for(db_session, access, agreement_id)
        return Response(
            render_pdf(agreement, agreement.version(number)),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{agreement.agreement.reference}-v{number}.pdf"'},
        )

    @post("/{agreement_id:uuid}/versions/{number:int}/sign")
    async def sign(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        number: int,
    ) -> Redirect:
        """The hash sent is the one of the words shown on the page, so words changed since cannot be signed."""
        form = await form_of(request)
        agreement = await sign_for_account(
            db_session, actor, account_id, agreement_id, number, str(form.get("content_hash", ""))
        )
        state = VERSION_STATES.get(agreement.version(number).status, "")
        return see_other(f"/accounts/{account_id}/agreement", f"You signed version {number}. {state}.")
