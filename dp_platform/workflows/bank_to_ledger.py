"""The ledger follows the bank, so the person does not keep two records.

Each line of an imported statement is explained, in this order: a scheduled payment from the
council (recorded as received when the statement arrives), a payroll payment (it clears what
payroll owes), an entry somebody recorded already (matched to it), a payee the person answered
for before (posted as they said last time). What remains waits with a suggestion; accepting a
statement's suggestions, in one action, posts them all. A person saying what one line was for
posts it too, and saying something else later reverses that entry and posts it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import record_event
from dp_platform.tenancy.access import AccountAccess, authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.payroll_payments import PA_WAGES, pay_payroll_from_statement
from dp_platform.workflows.reconciliation import post_statement_line, record_matches
from dp_platform.workflows.spending import check_line
from ledgers.accounts import AccountCode
from ledgers.categories.assistant import suggest_money_in
from ledgers.categories.engine import SpendDecision
from ledgers.categories.statuses import ReviewStatus
from ledgers.categories.tables import LineCategoryRow, SpendReviewRow
from ledgers.categories.taxonomy import national
from ledgers.chart import expense_account_for
from ledgers.columns import among
from ledgers.reconcile_service import (
    Period,
    auto_reconcile,
    line_is_matched,
    money_in_history,
    repost_bank_line,
    unmatched_lines,
)
from ledgers.service import ensure_account
from ledgers.statements.service import statement_of
from ledgers.tables import StatementLineRow


@dataclass(frozen=True, slots=True)
class Followed:
    matched: int
    """Lines matched to entries already in the ledger."""
    posted: int
    """Lines made into entries (remembered payees, or accepted suggestions)."""
    waiting: int
    """Lines still waiting for the person to say what they were."""
    needs_council: int
    """Of the suggestions accepted, how many wait for the council's decision."""


def _payroll_guess(category: LineCategoryRow) -> bool:
    """Wages, tax or pension guessed from the words alone are not accepted in bulk: if a pay run owes
    them, finalising it makes the payment clear that (counted once); accepting the guess would count
    the wages as spending a second time. The person says so line by line if there is no pay run."""
    return category.category == PA_WAGES and not category.confirmed


async def expense_account(session: AsyncSession, account_id: uuid.UUID, category: str) -> AccountCode:
    chart_account = expense_account_for(category, national().category(category).name)
    await ensure_account(session, account_id, chart_account)
    return chart_account.code


async def follow_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
    *,
    accepting: AccountAccess | None = None,
    payroll_paid: bool = False,
) -> Followed:
    """Explain what can be explained without asking; with ``accepting`` (the person's access to the
    account), also accept every suggestion, each checked against the spend rules as if chosen by hand."""
    if not payroll_paid:  # the import pays payroll first itself, before the spend checks categorise
        await pay_payroll_from_statement(session, actor, account_id, statement_id, mandate_id)
    statement = await statement_of(session, account_id, statement_id)
    period = Period(statement.start_on, statement.end_on)
    matches = await auto_reconcile(session, account_id, period)
    await record_matches(session, actor, account_id, mandate_id, period, matches)
    history = await money_in_history(session, account_id)
    posted = waiting = needs_council = 0
    lines = await unmatched_lines(session, statement_id)
    categories = {
        row.line_id: row
        for row in await session.scalars(
            select(LineCategoryRow).where(
                among(col(LineCategoryRow.line_id), [line.id for line in lines if line.amount_pence < 0])
            )
        )
    }
    for line in lines:
        if line.amount_pence > 0:
            suggestion = suggest_money_in(line.description, history)
            if not (suggestion.remembered or accepting):
                waiting += 1
                continue
            await post_statement_line(
                session,
                actor,
                account_id,
                mandate_id,
                line,
                AccountCode(suggestion.account),
                said={"because": suggestion.reason},
            )
            posted += 1
            continue
        category = categories.get(line.id)
        if category is None or not (category.confirmed or accepting) or _payroll_guess(category):
            waiting += 1
            continue
        because = category.reason
        if not category.confirmed:
            assert accepting is not None and actor is not None
            _, review = await check_line(
                session,
                actor,
                accepting,
                line.id,
                category=category.category,
                outcome=category.outcome,
                relationship=category.relationship,
            )
            needs_council += review is not None and review.status == ReviewStatus.OPEN
            because = f"suggestion accepted: {because}"
        expense = await expense_account(session, account_id, category.category)
        await post_statement_line(session, actor, account_id, mandate_id, line, expense, said={"because": because})
        posted += 1
    return Followed(len(matches), posted, waiting, needs_council)


async def accept_suggestions(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, statement_id: uuid.UUID
) -> Followed:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    return await follow_statement(session, actor, account_id, statement_id, access.mandate_id, accepting=access)


async def confirm_line(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    line_id: uuid.UUID,
    *,
    category: str,
    outcome: str | None,
    relationship: str,
) -> tuple[SpendDecision, SpendReviewRow | None]:
    """The person says what a money-out line was for: it is checked again with what they said and
    recorded in the ledger against that category, replacing (by reversal) what it was posted as before."""
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    result, review = await check_line(
        session, actor, access, line_id, category=category, outcome=outcome, relationship=relationship
    )
    line = await session.get(StatementLineRow, line_id)
    assert line is not None  # check_line found it on this account
    account = await expense_account(session, account_id, category)
    # a pay run finalised since the import may owe exactly this: then it clears that, and is not spending twice
    await pay_payroll_from_statement(session, actor, account_id, line.statement_id, access.mandate_id)
    if not await line_is_matched(session, line.id):
        await post_statement_line(
            session,
            actor,
            account_id,
            access.mandate_id,
            line,
            account,
            said={"because": "confirmed by a person"},
        )
        return result, review
    said = national().category(category).name.lower()
    reposted = await repost_bank_line(
        session, account_id, line_id, account=account, reason=f"the payment was for {said}"
    )
    if reposted is not None:
        await record_event(
            session,
            actor=actor,
            action="ledger.line_reposted",
            subject_type="statement_line",
            subject_id=line.id,
            account_id=account_id,
            mandate_id=access.mandate_id,
            details={
                "reversal_entry_id": str(reposted.reversal.entry.id),
                "entry_id": str(reposted.posted.entry.id),
                "account": account.value,
                "amount_pence": line.amount_pence,
            },
        )
    return result, review
