"""A council's portfolio: every Direct Payment account of the authority in one list, with what the
records say of each (money held, owed and free; the council's payments received against those due;
open spend reviews; how recent the bank statements are), for finance to see where to look first.

Set-based: a handful of queries for the whole authority, except the payment schedule, which is
worked out per agreement (one query each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.payments import payment_states
from agreements.service import account_agreements, load_agreement
from dp_platform.tenancy.access import list_accounts
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import OWED, STATEMENTS_EXPECTED_WITHIN
from ledgers.categories.service import open_review_counts
from ledgers.chart import DP_BANK
from ledgers.service import book_balances
from ledgers.statements.service import latest_statement_ends


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    account: DpAccountRow
    bank_pence: int
    owed_pence: int
    due_to_date_pence: int
    """The council's payments due on or before today, net of the person's contribution."""
    received_pence: int
    not_arrived: int
    """Payments due more than the grace days ago and not recorded as received."""
    next_due_on: date | None
    open_reviews: int
    statements_to: date | None

    @property
    def free_pence(self) -> int:
        return self.bank_pence - self.owed_pence

    def statements_missing(self, today: date) -> bool:
        return self.statements_to is None or self.statements_to < today - STATEMENTS_EXPECTED_WITHIN

    def needs_attention(self, today: date) -> bool:
        return bool(self.not_arrived or self.open_reviews or self.statements_missing(today) or self.free_pence < 0)


async def authority_portfolio(session: AsyncSession, actor: Actor, today: date) -> list[PortfolioLine]:
    if actor.role not in AUTHORITY_ROLES:
        raise AccessDeniedError("The portfolio is the council's: its finance and social work staff see it.")
    accounts = await list_accounts(session, actor)
    ids = [account.id for account in accounts]
    balances = await book_balances(session, ids, [DP_BANK, *OWED])
    reviews = await open_review_counts(session, ids)
    statements = await latest_statement_ends(session, ids)
    lines = []
    for account in accounts:
        due = received = not_arrived = 0
        next_due: date | None = None
        for row in await account_agreements(session, account.id):
            if row.status != "in_force":
                continue
            for state in await payment_states(session, await load_agreement(session, row.id), today):
                if state.scheduled.due_on <= today:
                    due += state.scheduled.net_pence
                    received += state.scheduled.net_pence if state.status == "received" else 0
                    not_arrived += state.status == "missed"
                elif next_due is None or state.scheduled.due_on < next_due:
                    next_due = state.scheduled.due_on
        lines.append(
            PortfolioLine(
                account=account,
                bank_pence=balances.get((account.id, DP_BANK.value), 0),
                owed_pence=-sum(balances.get((account.id, code.value), 0) for code in OWED),
                due_to_date_pence=due,
                received_pence=received,
                not_arrived=not_arrived,
                next_due_on=next_due,
                open_reviews=reviews.get(account.id, 0),
                statements_to=statements.get(account.id),
            )
        )
    return lines
