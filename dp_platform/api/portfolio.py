"""A council's portfolio of Direct Payment accounts, for its own staff."""

from __future__ import annotations

import uuid
from datetime import datetime

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.api.schemas.portfolio import PortfolioLineOut
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import SCOTTISH_TIME, Actor
from dp_platform.workflows.portfolio import authority_portfolio


class PortfolioController(Controller):
    path = "/api/authorities/{authority_id:uuid}/portfolio"
    tags = ["Access"]

    @get("", operation_id="GetAuthorityPortfolio")
    async def portfolio(
        self, db_session: AsyncSession, actor: Actor, authority_id: uuid.UUID
    ) -> list[PortfolioLineOut]:
        """Every account of the authority with money held, owed and free, payments due and received, open
        reviews and how recent its statements are. Only the authority's own staff."""
        if actor.authority_id != authority_id:
            raise AccessDeniedError("An authority's portfolio is read by its own staff.")
        today = datetime.now(SCOTTISH_TIME).date()
        return [
            PortfolioLineOut(
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
                needs_attention=line.needs_attention(today),
            )
            for line in await authority_portfolio(db_session, actor, today)
        ]
