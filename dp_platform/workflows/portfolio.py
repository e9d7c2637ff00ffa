"""A council's portfolio: every Direct Payment account of the authority in one list, with what the
records say of each (money held, owed and free, and how many weeks of budget that is; the
council's payments received against those due; spending this payment period against the
period's budget; PA hours paid against the hours agreed; how far the bank lines are reconciled;
open spend reviews and exceptions; when the agreement is next reviewed), for finance to see where
to look first.

Built on the council's checks (``workflows.monitoring``), so the figures and the exceptions come
from one reading of the records: a fixed number of queries whatever the number of accounts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.budget import BudgetUse, budget_use
from agreements.payments import agreements_in_force
from agreements.statuses import ScheduledStatus
from dp_platform.monitoring.statuses import ExceptionState
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.exceptions import council_queue
from dp_platform.workflows.monitoring import AccountCheck, collector, payment_period_of
from dp_platform.workflows.overview import STATEMENTS_EXPECTED_WITHIN
from ledgers.categories.service import open_review_counts
from ledgers.chart import spend_category_of
from ledgers.service import spend_by_account


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
    reconciled_to: date | None
    """Every bank line up to this day is matched to the records."""
    weeks_held: Decimal | None
    """Money free to spend, in weeks of the agreement's budget."""
    period: tuple[date, date] | None
    budget_period_pence: int | None
    """What the agreement gives for the payment period today falls in (before any contribution)."""
    spent_period_pence: int
    hours_paid: Decimal | None
    hours_agreed: Decimal | None
    """In the period of the latest finalised pay run, against the agreement's hours a week for it."""
    open_exceptions: int
    next_review_on: date | None

    @property
    def free_pence(self) -> int:
        return self.bank_pence - self.owed_pence

    def statements_missing(self, today: date) -> bool:
        return self.statements_to is None or self.statements_to < today - STATEMENTS_EXPECTED_WITHIN

    def needs_attention(self, today: date) -> bool:
        return bool(
            self.not_arrived
            or self.open_reviews
            or self.open_exceptions
            or self.statements_missing(today)
            or self.free_pence < 0
        )


def _line(check: AccountCheck, open_exceptions: int, reviews: int, spent: int, today: date) -> PortfolioLine:
    facts = check.facts
    due = received = not_arrived = 0
    next_due: date | None = None
    period: tuple[date, date] | None = None
    budget_period: int | None = None
    for state in check.agreement.states if check.agreement else []:
        scheduled = state.scheduled
        if scheduled.due_on <= today:
            due += scheduled.net_pence
            received += scheduled.net_pence if state.status == ScheduledStatus.RECEIVED else 0
            not_arrived += state.status == ScheduledStatus.MISSED
        elif next_due is None or scheduled.due_on < next_due:
            next_due = scheduled.due_on
        if scheduled.covers_from <= today <= scheduled.covers_to:
            period, budget_period = (scheduled.covers_from, scheduled.covers_to), scheduled.gross_pence
    reconciled_to = facts.statements_to
    if facts.oldest_unmatched_on is not None:
        before = facts.oldest_unmatched_on - timedelta(days=1)
        reconciled_to = before if reconciled_to is None else min(reconciled_to, before)
    hours_paid = hours_agreed = None
    if facts.hours_paid:
        latest = max(facts.hours_paid, key=lambda run: run.period_end)
        hours_paid = latest.hours
        if facts.budget and facts.budget.hours_per_week:
            days = (latest.period_end - latest.period_start).days + 1
            hours_agreed = (facts.budget.hours_per_week * days / 7).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return PortfolioLine(
        account=check.account,
        bank_pence=facts.bank_pence,
        owed_pence=facts.owed_pence,
        due_to_date_pence=due,
        received_pence=received,
        not_arrived=not_arrived,
        next_due_on=next_due,
        open_reviews=reviews,
        statements_to=facts.statements_to,
        reconciled_to=reconciled_to,
        weeks_held=check.weeks_held,
        period=period,
        budget_period_pence=budget_period,
        spent_period_pence=spent,
        hours_paid=hours_paid,
        hours_agreed=hours_agreed,
        open_exceptions=open_exceptions,
        next_review_on=facts.review_due_on,
    )


async def authority_portfolio(session: AsyncSession, actor: Actor, today: date) -> list[PortfolioLine]:
    with collector.paused():
        return await _portfolio(session, actor, today)


async def _portfolio(session: AsyncSession, actor: Actor, today: date) -> list[PortfolioLine]:
    queue = await council_queue(session, actor, today)
    ids = [check.account.id for check in queue.checks]
    reviews = await open_review_counts(session, ids)
    open_counts: dict[uuid.UUID, int] = {}
    for item in queue.items:
        if item.status == ExceptionState.OPEN:
            open_counts[item.account.id] = open_counts.get(item.account.id, 0) + 1
    return [
        _line(
            check,
            open_counts.get(check.account.id, 0),
            reviews.get(check.account.id, 0),
            check.spent_this_period_pence,
            today,
        )
        for check in queue.checks
    ]


@dataclass(frozen=True, slots=True)
class BudgetView:
    """An account's spending against its agreement's budget lines: this payment period, and since the
    agreement started."""

    period: tuple[date, date]
    this_period: list[BudgetUse]
    starts_on: date
    since_start: list[BudgetUse]


async def account_budget(session: AsyncSession, actor: Actor, account_id: uuid.UUID, today: date) -> BudgetView | None:
    access = await authorize(session, actor, account_id, Action.VIEW)
    in_force = (await agreements_in_force(session, [access.account.id], today)).get(access.account.id)
    if not in_force:
        return None
    agreement = in_force[-1]
    terms = agreement.terms
    period = payment_period_of(agreement, today)

    async def by_category(first: date) -> dict[str, int]:
        spent: dict[str, int] = {}
        for row in await spend_by_account(session, access.account.id, occurred_from=first, occurred_to=today):
            category = spend_category_of(row.code.value) or "unclassified"
            spent[category] = spent.get(category, 0) + row.balance_pence
        return spent

    return BudgetView(
        period,
        budget_use(terms, await by_category(period[0]), period[0], period[1]),
        terms.starts_on,
        budget_use(terms, await by_category(terms.starts_on), terms.starts_on, today),
    )
