"""Spend checks for a DP account: every money-out bank line and every hand-made payment is decided
against the national rules, the authority's local rules and the agreement in force; a spend that
needs approval opens a request for the authority, one that is not allowed opens an exception.
Each opening, change and decision is an audit event in the account's chain, read by both sides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import authority_chain, note_unchanged, record_event, record_events
from dp_platform.tenancy.access import AccountAccess, authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.spend_context_cache import spend_context
from ledgers.categories.engine import Spend, SpendDecision, SpendRuleError
from ledgers.categories.service import (
    SpendLine,
    account_reviews,
    categorise_statement,
    confirm_category,
    decide_review,
    line_category,
    record_review,
    set_local_rule,
    spend_lines,
)
from ledgers.categories.tables import SpendReviewRow
from ledgers.categories.taxonomy import Rule, national
from ledgers.chart import spend_category_of
from ledgers.columns import utc_now
from ledgers.keyset import Keyset
from ledgers.tables import JournalEntryRow


async def decide_for_account(session: AsyncSession, account: DpAccountRow, spend: Spend) -> SpendDecision:
    return await (await spend_context(session, account)).decide(session, spend)


_REVIEW_ACTIONS = {
    ("opened", "approval"): "spend.approval_requested",
    ("opened", "exception"): "spend.exception_raised",
    ("updated", "approval"): "spend.approval_requested",
    ("updated", "exception"): "spend.exception_raised",
    ("withdrawn", "approval"): "spend.review_withdrawn",
    ("withdrawn", "exception"): "spend.review_withdrawn",
}


def review_event(review: SpendReviewRow, happened: str) -> tuple[str, str, uuid.UUID, dict[str, Any]]:
    details = {
        "subject": f"{review.subject_type}:{review.subject_id}",
        "occurred_on": review.occurred_on.isoformat(),
        "amount_pence": review.amount_pence,
        "payee": review.payee_key,
        "category": review.category,
        "decision": review.decision,
        "rule_ids": list(review.rule_ids),
        "sentence": review.sentence,
    }
    return _REVIEW_ACTIONS[(happened, review.kind)], "spend_review", review.id, details


async def _audit_review(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
    review: SpendReviewRow,
    happened: str,
) -> None:
    await record_events(
        session, actor=actor, events=[review_event(review, happened)], account_id=account_id, mandate_id=mandate_id
    )


async def check_imported_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
) -> list[SpendReviewRow]:
    """Suggest categories for a new statement's money-out lines and check those it could categorise."""
    account = await session.get(DpAccountRow, account_id)
    if account is None:
        return []  # a ledger book with no DP account around it has no agreement or authority rules to check
    opened = []
    context = await spend_context(session, account)
    for item in await categorise_statement(session, account_id, statement_id, national()):
        if item.category is None:
            continue  # no suggestion: it waits for the person to say what it was
        line = item.line
        result = await context.decide(
            session,
            Spend(
                on=line.value_on,
                amount_pence=-line.amount_pence,
                category=item.category.category,
                payee=line.description,
            ),
        )
        review, happened = await record_review(
            session,
            book_id=account_id,
            subject_type="statement_line",
            subject_id=line.id,
            occurred_on=line.value_on,
            amount_pence=-line.amount_pence,
            description=line.description,
            result=result,
            never_reviewed=True,
        )
        if review is not None and happened != "none":
            opened.append(review)
    await session.flush()
    await record_events(
        session,
        actor=actor,
        events=[review_event(review, "opened") for review in opened],
        account_id=account_id,
        mandate_id=mandate_id,
    )
    return opened


async def check_line(
    session: AsyncSession,
    actor: Actor,
    access: AccountAccess,
    line_id: uuid.UUID,
    *,
    category: str,
    outcome: str | None,
    relationship: str,
) -> tuple[SpendDecision, SpendReviewRow | None]:
    account_id = access.account.id
    line, _ = await line_category(session, account_id, line_id)
    row = await confirm_category(
        session,
        line,
        category=category,
        outcome=outcome,
        relationship=relationship,
        user_id=actor.user_id,
        at=utc_now(),
        taxonomy=national(),
    )
    result = await decide_for_account(
        session,
        access.account,
        Spend(
            on=line.value_on,
            amount_pence=-line.amount_pence,
            category=row.category,
            payee=line.description,
            relationship=row.relationship,
            outcome=row.outcome,
        ),
    )
    review, happened = await record_review(
        session,
        book_id=account_id,
        subject_type="statement_line",
        subject_id=line.id,
        occurred_on=line.value_on,
        amount_pence=-line.amount_pence,
        description=line.description,
        result=result,
    )
    await record_event(
        session,
        actor=actor,
        action="spend.category_confirmed",
        subject_type="statement_line",
        subject_id=line.id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={
            "category": category,
            "outcome": outcome,
            "relationship": relationship,
            "decision": result.decision.label,
            "rule_ids": result.rule_ids,
        },
    )
    if review is not None and happened != "none":
        await _audit_review(session, actor, account_id, access.mandate_id, review, happened)
    return result, review


@dataclass(frozen=True, slots=True)
class EntrySpend:
    """How a hand-made payment was decided: its strictest category's decision and that category's amount."""

    amount_pence: int
    result: SpendDecision


async def decide_entry_spend(
    session: AsyncSession, access: AccountAccess, *, occurred_on: date, narration: str, postings: list[tuple[str, int]]
) -> EntrySpend | None:
    """A payment recorded by hand is checked like a bank line: the strictest of its categories decides.

    Decided before the entry is posted, from what the entry will say, so the account's ledger rows are
    locked (one account's postings are serial) only while the entry and its records are written."""
    spent: dict[str, int] = {}
    for code, pence in postings:
        category = spend_category_of(code)
        if category and pence > 0:
            spent[category] = spent.get(category, 0) + pence
    if not spent:
        return None
    context = await spend_context(session, access.account)
    results = [
        await context.decide(session, Spend(on=occurred_on, amount_pence=amount, category=category, payee=narration))
        for category, amount in spent.items()
    ]
    strictest = max(results, key=lambda result: result.decision)
    return EntrySpend(spent[strictest.category], strictest)


async def record_entry_review(
    session: AsyncSession, actor: Actor, access: AccountAccess, entry: JournalEntryRow, decided: EntrySpend | None
) -> SpendReviewRow | None:
    """The approval or exception a posted entry's decision opens, audited in the account's chain."""
    if decided is None:
        return None
    review, happened = await record_review(
        session,
        book_id=access.account.id,
        subject_type="journal_entry",
        subject_id=entry.id,
        occurred_on=entry.occurred_on,
        amount_pence=decided.amount_pence,
        description=entry.narration,
        result=decided.result,
    )
    if review is not None and happened != "none":
        await _audit_review(session, actor, access.account.id, access.mandate_id, review, happened)
    return review


async def decide_account_review(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    review_id: uuid.UUID,
    *,
    outcome: str,
    reason: str,
    action: Action = Action.REVIEW_SPEND,
) -> SpendReviewRow:
    """``action`` is what allows it: a spend review's own decision, or resolving the council's exception."""
    access: AccountAccess = await authorize(session, actor, account_id, action)
    review = await decide_review(
        session, account_id, review_id, outcome=outcome, reason=reason, user_id=actor.user_id, at=utc_now()
    )
    await record_event(
        session,
        actor=actor,
        action=f"spend.review_{outcome}",
        subject_type="spend_review",
        subject_id=review.id,
        account_id=account_id,
        mandate_id=access.mandate_id,
        details={
            "kind": review.kind,
            "category": review.category,
            "rule_ids": list(review.rule_ids),
            "payee": review.payee_key,
            "amount_pence": review.amount_pence,
            "reason": reason,
        },
    )
    return review


async def decide_account_reviews(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    review_ids: list[uuid.UUID],
    *,
    outcome: str,
    reason: str,
) -> list[SpendReviewRow]:
    """Several reviews of one account decided alike with one reason (a month of the same taxi fares):
    each is checked and audited as if decided alone, and if any cannot be, none is."""
    if not review_ids:
        raise SpendRuleError("Choose the reviews to decide.", field="review_ids")
    if len(set(review_ids)) != len(review_ids):
        raise SpendRuleError("A review is chosen twice.", field="review_ids")
    return [
        await decide_account_review(session, actor, account_id, review_id, outcome=outcome, reason=reason)
        for review_id in review_ids
    ]


async def check_proposed_spend(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, spend: Spend
) -> SpendDecision:
    """What would happen to a spend before it is made: nothing is stored."""
    access = await authorize(session, actor, account_id, Action.VIEW)
    return await decide_for_account(session, access.account, spend)


async def set_authority_rule(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, definition: dict[str, Any]
) -> Rule:
    if actor.role is not Role.AUTHORITY_WORKER or actor.authority_id != authority_id:
        raise AccessDeniedError("Only the authority's own social work staff can set its spend rules.")
    rule, changed = await set_local_rule(session, authority_id, definition, national(), utc_now())
    if not changed:
        note_unchanged()
        return rule
    await record_event(
        session,
        actor=actor,
        action="spend_rule.set",
        subject_type="spend_rule",
        subject_id=rule.id,
        chain=authority_chain(authority_id),
        details={"rule": rule.id, "versions": len(rule.versions), "replaces": rule.replaces},
    )
    return rule


async def spend_reviews_of(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, status: str | None, *, page: Keyset
) -> list[SpendReviewRow]:
    """Approval requests and exceptions: the same list for the person, their bureau and the council."""
    await authorize(session, actor, account_id, Action.VIEW)
    return await account_reviews(session, account_id, status, page=page)


async def spend_lines_of(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, unconfirmed: bool, page: Keyset
) -> list[SpendLine]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await spend_lines(session, account_id, unconfirmed=unconfirmed, page=page)
