"""Spend reviews on the page: what the council is asked to approve and the exceptions raised, with
the rule behind each and the council's decision, read alike by the person and the council."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.web.pages import account_nav, render
from ledgers.categories.service import account_reviews
from ledgers.categories.taxonomy import national

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

    @get("")
    async def reviews(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        access = await authorize(db_session, actor, account_id, Action.VIEW)
        reviews = await account_reviews(db_session, account_id, None)
        return render(
            request,
            "reviews.html",
            title="Spend reviews",
            actor=actor,
            nav=account_nav(access.account, "reviews"),
            account=access.account,
            open_reviews=[review for review in reviews if review.status == "open"],
            closed_reviews=[review for review in reviews if review.status != "open"],
            statuses=STATUSES,
            names={code: category.name for code, category in national().categories.items()},
        )
