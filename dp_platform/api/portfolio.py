"""A council's portfolio of Direct Payment accounts, for its own staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.portfolio import PortfolioLineOut
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.policy import today as current_day
from dp_platform.workflows.councils import council_portfolio
from dp_platform.workflows.portfolio import PortfolioLine


class PortfolioController(Controller):
    path = "/api/authorities/{authority_id:uuid}/portfolio"
    tags = ["Access"]

    @get("", operation_id="GetAuthorityPortfolio")
    async def portfolio(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[PortfolioLineOut]]:
        """Every account of the authority with money held, owed and free (and in weeks of budget), payments
        due and received, spending this period against its budget, PA hours paid against agreed, how far
        reconciled, open reviews and exceptions, and the next review. Only the authority's own staff. In
        reference order, in pages of at most 1,000 (a Link header names the next)."""
        today = current_day()
        page = keyset(limit, after, str, uuid.UUID)

        def key(line: PortfolioLine) -> tuple[str, uuid.UUID]:
            return (line.account.reference, line.account.id)

        lines = page.slice(sorted(await council_portfolio(db_session, actor, authority_id, today), key=key), key)
        return page_of(
            request,
            page,
            lines,
            key,
            lambda line: PortfolioLineOut(
                account_id=line.account.id,
                reference=line.account.reference,
                holder_name=line.account.holder_name,
                bank_pence=line.bank_pence,
                owed_pence=line.owed_pence,
                free_pence=line.free_pence,
                due_to_date_pence=line.due_to_date_pence,
                received_pence=line.received_pence,
                not_arrived=line.not_arrived,
                next_due_on=line.next_due_on,
                open_reviews=line.open_reviews,
                statements_to=line.statements_to,
                reconciled_to=line.reconciled_to,
                weeks_held=line.weeks_held,
                period_from=line.period[0] if line.period else None,
                period_to=line.period[1] if line.period else None,
                budget_period_pence=line.budget_period_pence,
                spent_period_pence=line.spent_period_pence,
                hours_paid=line.hours_paid,
                hours_agreed=line.hours_agreed,
                open_exceptions=line.open_exceptions,
                next_review_on=line.next_review_on,
                needs_attention=line.needs_attention(today),
            ),
        )
