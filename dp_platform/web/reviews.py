"""Spend reviews on the page: what the council is asked to approve and the exceptions raised, with
the rule behind each and the council's decision, read alike by the person and the council; the
council's social worker decides each one here, always with a reason the person reads."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import FormError, account_nav, form_errors, form_of, render, see_other
from dp_platform.workflows.accounts import AccountAccess, account_for, may
from dp_platform.workflows.spending import decide_account_review, decide_account_reviews
from ledgers.categories.service import account_reviews
from ledgers.categories.statuses import ReviewStatus
from ledgers.categories.taxonomy import national
from ledgers.errors import DomainError

STATUSES = {
    "open": "Open",
    "approved": "Approved",
    "declined": "Declined",
    "resolved": "Resolved",
    "withdrawn": "Withdrawn",
}


class ReviewPages(Controller):
    path = "/accounts/{account_id:uuid}/reviews"
    include_in_schema = False

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        access: AccountAccess,
        errors: list[FormError] | None = None,
        status: int = 200,
    ) -> Template:
        reviews = await account_reviews(session, access.account.id, None)
        return render(
            request,
            "reviews.html",
            title="Spend reviews",
            actor=actor,
            nav=account_nav(access.account, "reviews"),
            account=access.account,
            open_reviews=[review for review in reviews if review.status == ReviewStatus.OPEN],
            closed_reviews=[review for review in reviews if review.status != ReviewStatus.OPEN],
            statuses=STATUSES,
            names={code: category.name for code, category in national().categories.items()},
            may_decide=may(actor, access, Action.REVIEW_SPEND),
            errors=errors or [],
            status=status,
        )

    @get("")
    async def reviews(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return await self._page(request, db_session, actor, access)

    @post("/decide")
    async def decide_many(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template | Redirect:
        """The ticked reviews decided alike, with one reason the person reads on each."""
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await request.form()
        try:
            ids = [uuid.UUID(str(value)) for value in form.getall("review", [])]
            reviews = await decide_account_reviews(
                db_session,
                actor,
                account_id,
                ids,
                outcome=str(form.get("outcome", "")),
                reason=str(form.get("reason", "")),
            )
        except ValueError:
            errors = [FormError("bulk-reason", "Choose the reviews to decide from the list.")]
            return await self._page(request, db_session, actor, access, errors, 400)
        except DomainError as refused:
            errors = form_errors(
                refused, {"reason": "bulk-reason", "outcome": "bulk-reason", "review_ids": "bulk-reason"}
            )
            return await self._page(request, db_session, actor, access, errors, 400)
        outcome = STATUSES[reviews[0].status].lower()
        count = f"{len(reviews)} review{'s' if len(reviews) != 1 else ''}"
        return see_other(f"/accounts/{account_id}/reviews", f"{count} {outcome} with one reason.")

    @post("/{review_id:uuid}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        review_id: uuid.UUID,
    ) -> Template | Redirect:
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        form = await form_of(request)
        field = f"reason-{review_id}"
        try:
            review = await decide_account_review(
                db_session,
                actor,
                account_id,
                review_id,
                outcome=str(form.get("outcome", "")),
                reason=str(form.get("reason", "")),
            )
        except DomainError as refused:
            errors = form_errors(refused, {"reason": field, "outcome": field})
            return await self._page(request, db_session, actor, access, errors, 400)
        return see_other(f"/accounts/{account_id}/reviews", f"{review.description}: {STATUSES[review.status].lower()}.")
