"""The council's checks run over many accounts at once: the records of each account are read in a
few set-based queries (whatever the number of accounts) and handed to the pure checks of
``agreements.monitoring.checks``, with the council's own thresholds.

Findings are not stored: they are worked out again whenever someone looks, so they follow the
records (a payment recorded, a PVG renewed) without anyone closing them by hand.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.checks import (
    AccountFacts,
    Assistant,
    Budget,
    Finding,
    FlaggedSpend,
    HoursPaid,
    MoneyOut,
    Overdue,
    UnderpaidSlip,
    check_account,
    hmrc_due_on,
    overdue_of,
    pension_due_on,
    wages_due_on,
)
from agreements.monitoring.service import thresholds_of
from agreements.monitoring.thresholds import LocalThresholds
from agreements.payments import InForce, agreements_in_force
from agreements.terms import BudgetKind
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.overview import OWED
from ledgers.categories.assistant import payee_key
from ledgers.categories.service import local_rules, money_out_since, open_spend_exceptions
from ledgers.categories.taxonomy import national
from ledgers.chart import DP_BANK
from ledgers.reconcile_service import unmatched_summary
from ledgers.service import accruals_since, book_balances, spend_between
from ledgers.statements.service import latest_statement_ends
from payroll.monitoring import assistants_of, employers_of, hours_paid_since, underpaid_since
from payroll.service import HMRC_DUE, NET_WAGES_DUE, PENSION_DUE

PAYROLL_LOOK_BACK = timedelta(days=400)
"""Payslips and liabilities are read for a tax year and a little more."""
BANK_LOOK_BACK = timedelta(days=120)
"""Duplicates and cash are looked for in the last four months of bank lines."""
HOURS_LOOK_BACK = timedelta(weeks=12)


@dataclass(frozen=True, slots=True)
class AccountCheck:
    account: DpAccountRow
    facts: AccountFacts
    thresholds: LocalThresholds
    findings: list[Finding]
    agreement: InForce | None

    @property
    def weeks_held(self) -> Decimal | None:
        budget = self.facts.budget
        if budget is None or budget.annual_total_pence <= 0:
            return None
        return (Decimal(self.facts.free_pence) / budget.weekly).quantize(Decimal("0.1"))


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


async def check_accounts(session: AsyncSession, accounts: list[DpAccountRow], today: date) -> list[AccountCheck]:
    """Every finding for every account given, read from the records as they stand."""
    if not accounts:
        return []
    ids = [account.id for account in accounts]
    authority_ids = {account.authority_id for account in accounts}
    in_force = await agreements_in_force(session, ids, today)
    thresholds = await thresholds_of(session, list(authority_ids))
    balances = await book_balances(session, ids, [DP_BANK, *OWED])
    current = {account_id: agreements[-1] for account_id, agreements in in_force.items()}
    spent = await spend_between(session, {key: (value.terms.starts_on, today) for key, value in current.items()})
    statements = await latest_statement_ends(session, ids)
    unmatched = await unmatched_summary(session, ids)
    liabilities = (NET_WAGES_DUE, HMRC_DUE, PENSION_DUE)
    accruals = await accruals_since(session, ids, list(liabilities), today - PAYROLL_LOOK_BACK)
    outside_plan = await _outside_plan_rules(session, authority_ids)
    flagged: dict[uuid.UUID, list[FlaggedSpend]] = defaultdict(list)
    for review in await open_spend_exceptions(session, ids):
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
    for slip in await underpaid_since(session, ids, today - PAYROLL_LOOK_BACK):
        underpaid[slip.employer_id].append(
            UnderpaidSlip(
                str(slip.payslip_id),
                slip.pa_name,
                slip.paid_on,
                tuple(str(finding["sentence"]) for finding in slip.findings),
                slip.arrears_pence,
            )
        )
    assistants: dict[uuid.UUID, list[Assistant]] = defaultdict(list)
    for pa in await assistants_of(session, ids):
        assistants[pa.employer_account_id].append(
            Assistant(
                str(pa.id),
                pa.full_name,
                pa.started_on,
                pa.left_on,
                pa.relationship,
                pa.family_approval_reference,
                pa.pvg_checked_on,
                pa.pvg_expires_on,
                pa.right_to_work_checked_on,
                pa.right_to_work_expires_on,
            )
        )
    employers = await employers_of(session, ids)
    money_out: dict[uuid.UUID, list[MoneyOut]] = defaultdict(list)
    for line in await money_out_since(session, ids, today - BANK_LOOK_BACK):
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
    for run in await hours_paid_since(session, ids, today - HOURS_LOOK_BACK):
        hours[run.employer_id].append(HoursPaid(str(run.run_id), run.period_start, run.period_end, run.hours))

    checks = []
    for account in accounts:
        agreement = current.get(account.id)
        employer = employers.get(account.id)
        quarterly = bool(employer and employer.pays_hmrc_quarterly)
        due_rules = (
            ("wages", NET_WAGES_DUE, wages_due_on),
            ("hmrc", HMRC_DUE, lambda day, quarterly=quarterly: hmrc_due_on(day, quarterly=quarterly)),
            ("pension", PENSION_DUE, pension_due_on),
        )
        overdue: list[Overdue] = []
        for what, code, due_on in due_rules:
            owed = -balances.get((account.id, code.value), 0)
            found = overdue_of(what, owed, accruals.get((account.id, code.value), []), today, due_on)
            if found is not None:
                overdue.append(found)
        missed = tuple(
            (state.scheduled.due_on, state.scheduled.net_pence)
            for agreement_in_force in in_force.get(account.id, [])
            for state in agreement_in_force.states
            if state.status == "missed"
        )
        count, oldest = unmatched.get(account.id, (0, None))
        facts = AccountFacts(
            today=today,
            budget=_budget(agreement) if agreement else None,
            bank_pence=balances.get((account.id, DP_BANK.value), 0),
            owed_pence=-sum(balances.get((account.id, code.value), 0) for code in OWED),
            spent_since_start_pence=spent.get(account.id, 0),
            missed_payments=missed,
            statements_to=statements.get(account.id),
            opened_on=account.opened_on,
            oldest_unmatched_on=oldest,
            unmatched_count=count,
            overdue=tuple(overdue),
            flagged_spends=tuple(flagged[account.id]),
            underpaid=tuple(underpaid[account.id]),
            assistants=tuple(assistants[account.id]),
            insurance_expires_on=employer.insurance_expires_on if employer else None,
            money_out=tuple(money_out[account.id]),
            hours_paid=tuple(hours[account.id]),
        )
        local = thresholds[account.authority_id]
        checks.append(AccountCheck(account, facts, local, check_account(facts, local), agreement))
    return checks
