"""The council's portfolio on a page: every account of the authority, sortable, narrowed to those
needing attention, and exported as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.web.pages import home_nav, render, today
from dp_platform.workflows.portfolio import PortfolioLine, authority_portfolio
from ledgers.money import Money

SORTS = {
    "person": ("Person", lambda line: line.account.holder_name.lower()),
    "free": ("Free to spend, lowest first", lambda line: line.free_pence),
    "exceptions": ("Open exceptions, most first", lambda line: -line.open_exceptions),
    "weeks": ("Weeks of budget held, most first", lambda line: -(line.weeks_held or 0)),
    "reviews": ("Open reviews, most first", lambda line: -line.open_reviews),
    "statements": ("Statements, oldest first", lambda line: line.statements_to or line.account.opened_on),
}


def _pounds(pence: int) -> str:
    return f"{Money(pence).to_pounds():.2f}"


class PortfolioPages(Controller):
    path = "/portfolio"
    include_in_schema = False

    async def _lines(self, session: DbSession, actor: Actor, sort: str, needs: str) -> list[PortfolioLine]:
        lines = await authority_portfolio(session, actor, today())
        if needs == "attention":
            lines = [line for line in lines if line.needs_attention(today())]
        return sorted(lines, key=SORTS.get(sort, SORTS["person"])[1])

    @get("")
    async def portfolio(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        sort: str = "person",
        needs: str = "",
    ) -> Template:
        return render(
            request,
            "portfolio.html",
            title="Direct Payments of the council",
            actor=actor,
            nav=home_nav(actor, "portfolio"),
            lines=await self._lines(db_session, actor, sort, needs),
            sorts=[(key, label) for key, (label, _) in SORTS.items()],
            sort=sort if sort in SORTS else "person",
            needs=needs,
            today=today(),
        )

    @get("/export.csv")
    async def export(self, db_session: DbSession, actor: Actor, sort: str = "person", needs: str = "") -> Response[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(
            [
                "Reference",
                "Person",
                "In the bank (£)",
                "Owed (£)",
                "Free to spend (£)",
                "Council payments due to date (£)",
                "Received (£)",
                "Payments not arrived",
                "Next payment due",
                "Open spend reviews",
                "Statements up to",
                "Reconciled up to",
                "Weeks of budget held",
                "Budget this period (£)",
                "Spent this period (£)",
                "PA hours paid (latest pay run)",
                "PA hours agreed (same period)",
                "Open exceptions",
                "Next review",
            ]
        )
        for line in await self._lines(db_session, actor, sort, needs):
            writer.writerow(
                [
                    line.account.reference,
                    line.account.holder_name,
                    _pounds(line.bank_pence),
                    _pounds(line.owed_pence),
                    _pounds(line.free_pence),
                    _pounds(line.due_to_date_pence),
                    _pounds(line.received_pence),
                    line.not_arrived,
                    line.next_due_on.isoformat() if line.next_due_on else "",
                    line.open_reviews,
                    line.statements_to.isoformat() if line.statements_to else "",
                    line.reconciled_to.isoformat() if line.reconciled_to else "",
                    "" if line.weeks_held is None else str(line.weeks_held),
                    "" if line.budget_period_pence is None else _pounds(line.budget_period_pence),
                    _pounds(line.spent_period_pence),
                    "" if line.hours_paid is None else str(line.hours_paid),
                    "" if line.hours_agreed is None else str(line.hours_agreed),
                    line.open_exceptions,
                    line.next_review_on.isoformat() if line.next_review_on else "",
                ]
            )
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="direct-payments-portfolio.csv"'},
        )
