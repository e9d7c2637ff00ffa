"""What the money may pay for, as a page the person reads: the council's statement of allowed
spending, dated, grouped by what the rules say, each rule with its source."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.tenancy.policy import Actor
from dp_platform.web.pages import account_nav, render, today
from dp_platform.workflows.spend_rules import allowed_spending
from ledgers.categories.taxonomy import Decision

GROUPS = (
    (Decision.ALLOWED, "What it pays for"),
    (Decision.ALLOWED_WITH_CONDITIONS, "What it pays for, on conditions"),
    (Decision.NEEDS_APPROVAL, "What needs the council's approval first"),
    (Decision.NOT_ALLOWED, "What it may not pay for"),
    (None, "Not yet decided"),
)


class SpendRulePages(Controller):
    path = "/accounts/{account_id:uuid}/spend-rules"
    include_in_schema = False

    @get("")
    async def rules(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        allowed = await allowed_spending(db_session, actor, account_id, today())
        return render(
            request,
            "spend_rules.html",
            title="What the money may pay for",
            actor=actor,
            nav=account_nav(allowed.account, "spend-rules"),
            account=allowed.account,
            allowed=allowed,
            groups=[(heading, allowed.with_decision(decision)) for decision, heading in GROUPS],
        )
