"""What an account's home page says in one screen: money held, in and out this period, what is
owed, what is free to spend, and what needs the person's attention; and, for a bureau, the state
of every client in one list.

The period is the 4-weekly period of the agreement in force that today falls in (the money in it
is what that payment was for); without one, the calendar month.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.payments import payment_states
from agreements.service import account_agreements, load_agreement
from agreements.statuses import AgreementStatus, ScheduledStatus
from dp_platform.tenancy.access import AccountAccess, list_accounts
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.tables import DpAccountRow
from ledgers.categories.service import account_reviews, unconfirmed_line_count
from ledgers.categories.statuses import ReviewStatus
from ledgers.chart import DP_BANK, DP_CARD, SURPLUS_REPAYABLE
from ledgers.reconcile_service import unmatched_line_count
from ledgers.service import balance_at, balances, flows
from ledgers.statements.service import last_statement_balance, latest_statement_ends
from payroll.duties import duty_warnings
from payroll.leave_balance import holiday_pay_owed
from payroll.periods import four_weekly_period
from payroll.service import HMRC_DUE, NET_WAGES_DUE, PENSION_DUE, account_pay_runs, payroll_states
from payroll.statuses import PayRunStatus
from payroll.tables import PersonalAssistantRow

SURPLUS_DUE = SURPLUS_REPAYABLE
OWED = (NET_WAGES_DUE, HMRC_DUE, PENSION_DUE, SURPLUS_DUE)
"""What the account owes: it is not free to spend however much the bank holds."""
PAY_RUN_DUE_WITHIN = timedelta(days=7)
"""A client's next four-weekly run shows as due from a week before its period ends."""
STATEMENTS_EXPECTED_WITHIN = timedelta(days=35)
"""Monthly statements: one that reaches no later than five weeks ago is missing."""


@dataclass(frozen=True, slots=True)
class Attention:
    text: str
    href: str
    link_text: str


@dataclass(frozen=True, slots=True)
class AccountOverview:
    today: date
    period_from: date
    period_to: date
    period_is_payment: bool
    bank_pence: int
    money_in_pence: int
    money_out_pence: int
    wages_owed_pence: int
    hmrc_owed_pence: int
    pension_owed_pence: int
    surplus_owed_pence: int
    card_pence: int = 0
    """Money on the Direct Payment card (held by whoever runs the card programme)."""
    holiday_owed_pence: int = 0
    """Holiday PAs have earned and not yet taken, at the rate it will be paid."""
    statement_on: date | None = None
    """The last day the bank's statements reach, and what they and the records say the bank held then."""
    statement_pence: int | None = None
    ledger_on_statement_pence: int | None = None
    attention: list[Attention] = field(default_factory=list)

    @property
    def owed_pence(self) -> int:
        return (
            self.wages_owed_pence
            + self.hmrc_owed_pence
            + self.pension_owed_pence
            + self.surplus_owed_pence
            + self.holiday_owed_pence
        )

    @property
    def agrees_with_bank(self) -> bool | None:
        if self.statement_pence is None:
            return None
        return self.statement_pence == self.ledger_on_statement_pence

    @property
    def free_pence(self) -> int:
        return self.bank_pence + self.card_pence - self.owed_pence


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


async def _period(session: AsyncSession, account_id: uuid.UUID, today: date) -> tuple[date, date, bool, list[str]]:
    """The payment period today falls in, and the payments the council has missed."""
    missed: list[str] = []
    period: tuple[date, date] | None = None
    for row in await account_agreements(session, account_id):
        if row.status != AgreementStatus.IN_FORCE:
            continue
        for state in await payment_states(session, await load_agreement(session, row.id), today):
            if state.status == ScheduledStatus.MISSED:
                missed.append(f"{state.scheduled.due_on.day} {state.scheduled.due_on:%B %Y}")
            if state.scheduled.covers_from <= today <= state.scheduled.covers_to:
                period = (state.scheduled.covers_from, state.scheduled.covers_to)
    if period is not None:
        return period[0], period[1], True, missed
    first = today.replace(day=1)
    return first, first + relativedelta(months=1, days=-1), False, missed


async def account_overview(session: AsyncSession, access: AccountAccess, today: date) -> AccountOverview:
    account_id = access.account.id
    base = f"/accounts/{account_id}"
    by_code = {row.code.value: row.balance_pence for row in await balances(session, account_id)}
    period_from, period_to, is_payment, missed = await _period(session, account_id, today)
    money_in, money_out = await flows(session, account_id, DP_BANK, occurred_from=period_from, occurred_to=period_to)
    attention: list[Attention] = []
    for due_on in missed:
        attention.append(
            Attention(
                f"The council's payment due on {due_on} has not arrived.", f"{base}/agreement", "See the schedule"
            )
        )
    waiting = await unconfirmed_line_count(session, account_id)
    if waiting:
        what = "it was" if waiting == 1 else "they were"
        attention.append(
            Attention(
                f"{_plural(waiting, 'bank payment needs', 'bank payments need')} you to say what {what} for.",
                f"{base}/statements",
                "Go through your bank statements",
            )
        )
    unmatched = await unmatched_line_count(session, account_id)
    if unmatched:
        attention.append(
            Attention(
                f"{_plural(unmatched, 'bank line is', 'bank lines are')} not yet matched to the account's records.",
                f"{base}/statements",
                "See your bank statements",
            )
        )
    for run in await account_pay_runs(session, account_id, status=PayRunStatus.DRAFT):
        found = f" with {_plural(len(run.findings), 'fair-work finding', 'fair-work findings')}" if run.findings else ""
        attention.append(
            Attention(
                f"The pay run for {run.run.period_start.day} {run.run.period_start:%B} to "
                f"{run.run.period_end.day} {run.run.period_end:%B %Y} is a draft{found}.",
                f"{base}/pay-runs/{run.run.id}",
                "Open the pay run",
            )
        )
    reviews = await account_reviews(session, account_id, ReviewStatus.OPEN)
    if reviews:
        attention.append(
            Attention(
                f"{_plural(len(reviews), 'spend is', 'spends are')} waiting for the council's decision or an answer.",
                f"{base}/reviews",
                "See spend reviews",
            )
        )
    pas = await session.scalars(
        select(PersonalAssistantRow)
        .where(col(PersonalAssistantRow.account_id) == account_id, col(PersonalAssistantRow.left_on).is_(None))
        .order_by(col(PersonalAssistantRow.full_name))
    )
    last = await last_statement_balance(session, account_id)
    for pa in pas:
        for warning in duty_warnings(pa, today):
            attention.append(Attention(f"{pa.full_name}: {warning}", f"{base}/pas/{pa.id}", f"Open {pa.full_name}"))
    return AccountOverview(
        today=today,
        period_from=period_from,
        period_to=period_to,
        period_is_payment=is_payment,
        bank_pence=by_code.get(DP_BANK.value, 0),
        card_pence=by_code.get(DP_CARD.value, 0),
        money_in_pence=money_in,
        money_out_pence=money_out,
        wages_owed_pence=-by_code.get(NET_WAGES_DUE.value, 0),
        hmrc_owed_pence=-by_code.get(HMRC_DUE.value, 0),
        pension_owed_pence=-by_code.get(PENSION_DUE.value, 0),
        surplus_owed_pence=-by_code.get(SURPLUS_DUE.value, 0),
        holiday_owed_pence=await holiday_pay_owed(session, account_id, today),
        statement_on=last[0] if last else None,
        statement_pence=last[1] if last else None,
        ledger_on_statement_pence=await balance_at(session, account_id, DP_BANK, last[0]) if last else None,
        attention=attention,
    )


@dataclass(frozen=True, slots=True)
class ClientState:
    account: DpAccountRow
    paid_to: date | None
    next_period: tuple[int, date, date]
    pay_run_due: bool
    draft_runs: int
    findings: int
    statements_to: date | None

    @property
    def statements_missing(self) -> bool:
        return self.statements_to is None or self.statements_to < self.next_period[1] - STATEMENTS_EXPECTED_WITHIN


async def client_states(session: AsyncSession, actor: Actor, today: date) -> list[ClientState]:
    """Every account the actor may see with what its payroll and statements need, in three queries."""
    accounts = await list_accounts(session, actor)
    ids = [account.id for account in accounts]
    payroll = await payroll_states(session, ids)
    statements = await latest_statement_ends(session, ids)
    states = []
    for account in accounts:
        paid_to, drafts, findings = payroll[account.id]
        next_period = four_weekly_period(paid_to + timedelta(days=1) if paid_to else today)
        states.append(
            ClientState(
                account=account,
                paid_to=paid_to,
                next_period=next_period,
                pay_run_due=next_period[2] <= today + PAY_RUN_DUE_WITHIN,
                draft_runs=drafts,
                findings=findings,
                statements_to=statements.get(account.id),
            )
        )
    return states
