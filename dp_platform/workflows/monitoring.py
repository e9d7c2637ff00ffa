"""The council's checks run over many accounts at once: the records of each account are read in a
few set-based queries (whatever the number of accounts) and handed to the pure checks of
``agreements.monitoring.checks``, with the council's own thresholds.

Findings are not stored: they are worked out again whenever someone looks, so they follow the
records (a payment recorded, a PVG renewed) without anyone closing them by hand.
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agreements.monitoring.checks import check_account
from agreements.monitoring.due_dates import (
    Overdue,
    first_day_not_due,
    hmrc_due_on,
    overdue_of,
    pension_due_on,
    wages_due_on,
)
from agreements.monitoring.facts import (
    AccountFacts,
    Assistant,
    Budget,
    Finding,
    FlaggedSpend,
    HoursPaid,
    MoneyOut,
    UnderpaidSlip,
)
from agreements.monitoring.schedule import next_review_due, return_periods
from agreements.monitoring.service import thresholds_of
from agreements.monitoring.thresholds import LocalThresholds, Threshold
from agreements.payments import InForce, agreements_in_force
from agreements.reviews import last_reviews, returns_received
from agreements.statuses import ScheduledStatus
from agreements.terms import BudgetKind
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import OWED
from ledgers.accounts import AccountCode
from ledgers.categories.assistant import payee_key
from ledgers.categories.service import local_rules, money_out_to_check, open_spend_exceptions
from ledgers.categories.taxonomy import national
from ledgers.chart import DP_BANK
from ledgers.reconcile_service import unmatched_summary
from ledgers.service import accruals_since, book_balances, credited_since, spend_in_windows
from ledgers.statements.service import latest_statement_ends
from payroll.monitoring import EmployerChecks, assistants_of, employers_of, hours_paid_since, underpaid_since
from payroll.service import HMRC_DUE, NET_WAGES_DUE, PENSION_DUE

T = TypeVar("T")
PAYROLL_LOOK_BACK = timedelta(days=400)
"""Payslips and liabilities are read for a tax year and a little more."""
BANK_LOOK_BACK = timedelta(days=120)
"""Duplicates and cash are looked for in the last four months of bank lines (only lines that share
an amount with another, or are cash, are read)."""
HOURS_LOOK_BACK = timedelta(weeks=12)
CASH = "cash"
"""The spend category of cash taken out (the national taxonomy's code)."""


@dataclass(frozen=True, slots=True)
class AccountCheck:
    account: DpAccountRow
    facts: AccountFacts
    thresholds: LocalThresholds
    findings: list[Finding]
    agreement: InForce | None
    period: tuple[date, date] | None = None
    """The payment period today falls in, under the agreement in force."""
    spent_this_period_pence: int = 0
    """Spent from the start of that period to today."""

    @property
    def weeks_held(self) -> Decimal | None:
        budget = self.facts.budget
        if budget is None or budget.annual_total_pence <= 0:
            return None
        return (Decimal(self.facts.free_pence) / budget.weekly).quantize(Decimal("0.1"))


def _returns_unsent(
    agreement: InForce | None, returned: dict[uuid.UUID, set[date]], today: date
) -> tuple[tuple[date, date, date], ...]:
    if agreement is None:
        return ()
    sent = returned.get(agreement.agreement.id, set())
    return tuple(
        (period.period_from, period.period_to, period.due_on)
        for period in return_periods(agreement.terms, today)
        if period.period_from not in sent
    )


def payment_period_of(agreement: InForce, today: date) -> tuple[date, date]:
    """The payment period today falls in (today alone when no scheduled payment covers it)."""
    for state in agreement.states:
        if state.scheduled.covers_from <= today <= state.scheduled.covers_to:
            return state.scheduled.covers_from, state.scheduled.covers_to
    return today, today


def _budget(agreement: InForce) -> Budget:
    terms = agreement.terms
    hours = [line.hours_per_week for line in terms.lines_of(BudgetKind.PA_HOURS) if line.hours_per_week]
    return Budget(
        reference=agreement.agreement.reference,
        starts_on=terms.starts_on,
        annual_total_pence=terms.annual_total_pence,
        surplus_threshold_weeks=terms.surplus_threshold_weeks,
        hours_per_week=sum(hours, Decimal(0)) if hours else None,
    )


async def _outside_plan_rules(session: AsyncSession, authority_ids: set[uuid.UUID]) -> set[str]:
    """The rules that hold a spend back for not being linked to an agreed outcome."""
    taxonomy = national()
    ids = {rule.id for rule in taxonomy.rules if rule.unlinked}
    for authority_id in authority_ids:
        ids |= {rule.id for rule in await local_rules(session, authority_id, taxonomy) if rule.unlinked}
    return ids


def _hmrc_quarterly(day: date) -> date:
    return hmrc_due_on(day, quarterly=True)


DUE_RULES: dict[tuple[str, bool], tuple[AccountCode, Callable[[date], date]]] = {
    ("wages", False): (NET_WAGES_DUE, wages_due_on),
    ("hmrc", False): (HMRC_DUE, hmrc_due_on),
    ("hmrc", True): (HMRC_DUE, _hmrc_quarterly),
    ("pension", False): (PENSION_DUE, pension_due_on),
}
"""Each liability and when what it holds falls due (HMRC's by how often the employer pays it)."""


async def _overdue(
    reads: _Reads,
    accounts: list[DpAccountRow],
    balances: dict[tuple[uuid.UUID, str], int],
    employers: dict[uuid.UUID, EmployerChecks],
    today: date,
) -> dict[uuid.UUID, list[Overdue]]:
    """Wages, tax and pension owed past their due dates. What is owed beyond the amounts not yet due is
    late: one query finds, for every account, the amounts not yet due; only the few accounts with
    something late have their amounts read one by one, to date the oldest."""
    cutoffs = {key: first_day_not_due(due_on, today) for key, (_, due_on) in DUE_RULES.items()}
    ids = [account.id for account in accounts]
    not_due = await reads.start(credited_since, ids, [(code, cutoffs[key]) for key, (code, _) in DUE_RULES.items()])
    late: list[tuple[uuid.UUID, str, AccountCode, Callable[[date], date], int]] = []
    for account in accounts:
        employer = employers.get(account.id)
        quarterly = bool(employer and employer.pays_hmrc_quarterly)
        for what in ("wages", "hmrc", "pension"):
            code, due_on = DUE_RULES[(what, quarterly and what == "hmrc")]
            owed = -balances.get((account.id, code.value), 0)
            cutoff = cutoffs[(what, quarterly and what == "hmrc")]
            if owed > not_due.get((account.id, code.value, cutoff), 0):
                late.append((account.id, what, code, due_on, owed))
    found: dict[uuid.UUID, list[Overdue]] = defaultdict(list)
    if not late:
        return found
    accruals = await reads.start(
        accruals_since,
        list({item[0] for item in late}),
        [NET_WAGES_DUE, HMRC_DUE, PENSION_DUE],
        today - PAYROLL_LOOK_BACK,
    )
    for account_id, what, code, due_on, owed in late:
        item = overdue_of(what, owed, accruals.get((account_id, code.value), []), today, due_on)
        if item is not None:
            found[account_id].append(item)
    return found


class _Collector:
    """Pauses Python's cyclic garbage collector while a whole council's records are read and checked.

    That work makes millions of short-lived objects and almost no cycles; the collector, run every
    700 new objects, spends about a third of the time looking for cycles that are not there
    (measured with ``benchmarks.authority``). Reference counting still frees everything as it goes;
    the collector runs again as soon as the last such reading ends. Pauses nest, and overlapping
    requests on the same event loop share one pause.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.was_enabled = True

    @contextmanager
    def paused(self) -> Iterator[None]:
        if self.depth == 0:
            self.was_enabled = gc.isenabled()
            gc.disable()
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if self.depth == 0 and self.was_enabled:
                gc.enable()


collector = _Collector()


class _Reads:
    """The reads of the records, either one after another on the caller's session, or (for a whole
    council, reading committed records) at the same time on sessions of their own, so the database
    works on some while Python reads the rows of others."""

    LANES = 3

    def __init__(self, session: AsyncSession, concurrently: bool) -> None:
        self.session = session
        self.sessions = async_sessionmaker(session.bind, expire_on_commit=False) if concurrently else None
        self.limit = asyncio.Semaphore(self.LANES)

    def start(self, read: Callable[..., Awaitable[T]], *args: Any) -> Awaitable[T]:
        if self.sessions is None:
            return read(self.session, *args)
        sessions = self.sessions

        async def own() -> T:
            async with self.limit, sessions() as session:
                return await read(session, *args)

        return asyncio.ensure_future(own())


async def check_accounts(
    session: AsyncSession, accounts: list[DpAccountRow], today: date, *, concurrently: bool = False
) -> list[AccountCheck]:
    """Every finding for every account given, read from the records as they stand. ``concurrently``
    reads on several connections at once: only for records already committed."""
    if not accounts:
        return []
    reads = _Reads(session, concurrently)
    ids = [account.id for account in accounts]
    authority_ids = {account.authority_id for account in accounts}
    in_force_read = reads.start(agreements_in_force, ids, today)
    thresholds_read = reads.start(thresholds_of, list(authority_ids))
    balances_read = reads.start(book_balances, ids, [DP_BANK, *OWED])
    employers_read = reads.start(employers_of, ids)
    statements_read = reads.start(latest_statement_ends, ids)
    unmatched_read = reads.start(unmatched_summary, ids)
    outside_plan_read = reads.start(_outside_plan_rules, authority_ids)
    reviews_read = reads.start(open_spend_exceptions, ids)
    underpaid_read = reads.start(underpaid_since, ids, today - PAYROLL_LOOK_BACK)
    assistants_read = reads.start(assistants_of, ids, today)
    hours_read = reads.start(hours_paid_since, ids, today - HOURS_LOOK_BACK)
    thresholds = await thresholds_read
    windows = [
        local.value
        for local in (found.on(Threshold.DUPLICATE_WITHIN_DAYS, today) for found in thresholds.values())
        if local is not None
    ]
    lines_read = reads.start(money_out_to_check, ids, today - BANK_LOOK_BACK, CASH, max(windows) if windows else None)
    balances = await balances_read
    employers = await employers_read
    overdue = await _overdue(reads, accounts, balances, employers, today)
    in_force = await in_force_read
    current = {account_id: agreements[-1] for account_id, agreements in in_force.items()}
    agreement_ids = [agreement.agreement.id for agreement in current.values()]
    reviewed_read = reads.start(last_reviews, agreement_ids)
    returned_read = reads.start(returns_received, agreement_ids)
    periods = {key: payment_period_of(value, today) for key, value in current.items()}
    spent = await reads.start(
        spend_in_windows,
        {
            key: (value.terms.starts_on, max(periods[key][0], value.terms.starts_on), today)
            for key, value in current.items()
        },
    )
    reviewed, returned = await reviewed_read, await returned_read
    statements = await statements_read
    unmatched = await unmatched_read
    outside_plan = await outside_plan_read
    flagged: dict[uuid.UUID, list[FlaggedSpend]] = defaultdict(list)
    for review in await reviews_read:
        flagged[review.book_id].append(
            FlaggedSpend(
                str(review.id),
                review.occurred_on,
                abs(review.amount_pence),
                review.payee_key,
                review.category,
                review.sentence,
                bool(set(review.rule_ids) & outside_plan),
            )
        )
    underpaid: dict[uuid.UUID, list[UnderpaidSlip]] = defaultdict(list)
    for slip in await underpaid_read:
        underpaid[slip.employer_id].append(
            UnderpaidSlip(
                str(slip.payslip_id),
                slip.pa_name,
                slip.paid_on,
                tuple(finding.sentence for finding in slip.findings),
                slip.arrears_pence,
            )
        )
    assistants: dict[uuid.UUID, list[Assistant]] = defaultdict(list)
    for pa in await assistants_read:
        assistants[pa.account_id].append(
            Assistant(
                str(pa.id),
                pa.full_name,
                pa.started_on,
                pa.left_on,
                pa.relationship,
                pa.family_approved,
                pa.pvg_checked_on,
                pa.pvg_expires_on,
                pa.right_to_work_checked_on,
                pa.right_to_work_expires_on,
            )
        )
    money_out: dict[uuid.UUID, list[MoneyOut]] = defaultdict(list)
    for line in await lines_read:
        money_out[line.book_id].append(
            MoneyOut(
                str(line.line_id),
                line.value_on,
                line.payee_key or payee_key(line.description),
                line.description,
                line.amount_pence,
                line.category,
            )
        )
    hours: dict[uuid.UUID, list[HoursPaid]] = defaultdict(list)
    for run in await hours_read:
        hours[run.employer_id].append(HoursPaid(str(run.run_id), run.period_start, run.period_end, run.hours))

    checks = []
    for account in accounts:
        agreement = current.get(account.id)
        employer = employers.get(account.id)
        missed = tuple(
            (state.scheduled.due_on, state.scheduled.net_pence)
            for agreement_in_force in in_force.get(account.id, [])
            for state in agreement_in_force.states
            if state.status == ScheduledStatus.MISSED
        )
        count, oldest = unmatched.get(account.id, (0, None))
        facts = AccountFacts(
            today=today,
            budget=_budget(agreement) if agreement else None,
            bank_pence=balances.get((account.id, DP_BANK.value), 0),
            owed_pence=-sum(balances.get((account.id, code.value), 0) for code in OWED),
            spent_since_start_pence=spent.get(account.id, (0, 0))[0],
            missed_payments=missed,
            statements_to=statements.get(account.id),
            opened_on=account.opened_on,
            oldest_unmatched_on=oldest,
            unmatched_count=count,
            overdue=tuple(overdue.get(account.id, ())),
            flagged_spends=tuple(flagged[account.id]),
            underpaid=tuple(underpaid[account.id]),
            assistants=tuple(assistants[account.id]),
            insurance_expires_on=employer.insurance_expires_on if employer else None,
            money_out=tuple(money_out[account.id]),
            hours_paid=tuple(hours[account.id]),
            review_due_on=next_review_due(agreement.terms, reviewed.get(agreement.agreement.id)) if agreement else None,
            returns_unsent=_returns_unsent(agreement, returned, today),
        )
        local = thresholds[account.authority_id]
        checks.append(
            AccountCheck(
                account,
                facts,
                local,
                check_account(facts, local),
                agreement,
                periods.get(account.id),
                spent.get(account.id, (0, 0))[1],
            )
        )
    return checks
