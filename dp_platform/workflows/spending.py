"""Spend checks for a DP account: every money-out bank line and every hand-made payment is decided
against the national rules, the authority's local rules and the agreement in force; a spend that
needs approval opens a request for the authority, one that is not allowed opens an exception.
Each opening, change and decision is an audit event in the account's chain, read by both sides.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.service import authority_thresholds
from agreements.monitoring.thresholds import LocalThresholds, Threshold
from agreements.service import Agreement, account_agreements, load_agreement
from dp_platform.audit.writer import authority_chain, note_unchanged, record_event, record_events
from dp_platform.tenancy.access import AccountAccess, authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import DpAccountRow
from ledgers.categories.assistant import payee_key
from ledgers.categories.engine import Permission, Spend, SpendDecision, SpendRuleError, decide
from ledgers.categories.service import (
    categorise_statement,
    confirm_category,
    decide_review,
    line_category,
    local_rules,
    record_review,
    set_local_rule,
    standing_approvals,
)
from ledgers.categories.stays import stays_up_to
from ledgers.categories.tables import SpendReviewRow
from ledgers.categories.taxonomy import Decision, Rule, national
from ledgers.chart import spend_category_of
from ledgers.columns import utc_now
from ledgers.service import PostedEntry
from payroll.family import FAMILY_RULE, approval_on, pa_named
from payroll.family_service import approvals_of
from payroll.tables import PersonalAssistantRow

PAID_TO_PEOPLE = frozenset({"pa_wages"})
"""Where a payment can be to one of the account's PAs (the national taxonomy's code for their pay). An
agency's bill is to a business, so the card's hot path never reads PA records for one."""
RESIDENTIAL = "residential_care"
"""Care home stays: their nights are read for each such payment."""


async def agreement_permissions(session: AsyncSession, account_id: uuid.UUID) -> list[Permission]:
    """What the account's agreements in force allow, category by category, for their outcomes."""
    permissions = []
    for row in await account_agreements(session, account_id):
        if row.status != "in_force":
            continue
        permissions.extend(permissions_of(await load_agreement(session, row.id)))
    return permissions


def permissions_of(agreement: Agreement) -> list[Permission]:
    """What the version in force allows, category by category, for its outcomes."""
    return [
        Permission(agreement.agreement.reference, use.category, use.outcomes)
        for use in agreement.terms(agreement.in_force).permitted_uses
    ]


@dataclass
class SpendContext:
    """What decides an account's spends besides the spend itself, read once for many spends."""

    account: DpAccountRow
    rules: list[Rule]
    permissions: list[Permission]
    thresholds: LocalThresholds = field(default_factory=LocalThresholds)
    standing: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    @classmethod
    async def load(cls, session: AsyncSession, account: DpAccountRow) -> SpendContext:
        rules = await local_rules(session, account.authority_id, national())
        return cls(
            account,
            rules,
            await agreement_permissions(session, account.id),
            await authority_thresholds(session, account.authority_id),
        )

    async def decide(self, session: AsyncSession, spend: Spend) -> SpendDecision:
        spend, agreed = await _as_paid_to_pa(session, self.account.id, spend)
        if spend.category == RESIDENTIAL and spend.stays is None:  # read fresh: a stay recorded today counts
            spend = replace(spend, stays=await stays_up_to(session, self.account.id, spend.on))
        unapproved = decide(spend, national(), local_rules=self.rules, permissions=self.permissions)
        if unapproved.decision is not Decision.NEEDS_APPROVAL:
            return unapproved  # an approval only sets aside a rule that asks for one: nothing to look up
        approved: set[str] = set(agreed)
        all_rules = [*national().rules, *self.rules]
        if spend.category:
            key = (payee_key(spend.payee), spend.category)
            if key not in self.standing:
                self.standing[key] = await standing_approvals(session, self.account.id, key[0], key[1], all_rules)
            approved = approved | self.standing[key]
            limit = self.thresholds.on(Threshold.STANDING_APPROVAL_LIMIT_PENCE, spend.on)
            if limit is None or spend.amount_pence > limit.value:  # small spends only, once the council says how small
                limited = {rule.id for rule in all_rules if rule.standing_limited}
                approved = approved - limited
        return decide(spend, national(), local_rules=self.rules, permissions=self.permissions, approved_rules=approved)


async def _as_paid_to_pa(session: AsyncSession, account_id: uuid.UUID, spend: Spend) -> tuple[Spend, set[str]]:
    """A payment for support that names one of the account's PAs is decided from their PA record, as their
    wages are: their relationship to the person, and the council's agreement covering the day (regs 7-9).
    Read fresh for each such payment (never cached with the context: an agreement ended today counts)."""
    if spend.category not in PAID_TO_PEOPLE or spend.relationship != "none":
        return spend, set()
    pas = list(
        await session.scalars(
            select(PersonalAssistantRow).where(PersonalAssistantRow.employer_account_id == account_id)
        )
    )
    index = pa_named(spend.payee, [pa.full_name for pa in pas])
    if index is None:
        return spend, set()
    pa = pas[index]
    approvals = (await approvals_of(session, [pa.id])).get(pa.id, [])
    agreed = {FAMILY_RULE} if approval_on(approvals, spend.on) is not None else set()
    return replace(spend, relationship=pa.relationship), agreed


async def decide_for_account(session: AsyncSession, account: DpAccountRow, spend: Spend) -> SpendDecision:
    return await (await SpendContext.load(session, account)).decide(session, spend)


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
    context = await SpendContext.load(session, account)
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


async def check_posted_entry(
    session: AsyncSession, actor: Actor, access: AccountAccess, posted: PostedEntry
) -> SpendReviewRow | None:
    """A payment recorded by hand is checked like a bank line: the strictest of its categories decides."""
    spent: dict[str, int] = {}
    for line in posted.lines:
        category = spend_category_of(line.account.value)
        if category and line.amount_pence > 0:
            spent[category] = spent.get(category, 0) + line.amount_pence
    if not spent:
        return None
    entry = posted.entry
    results = [
        await decide_for_account(
            session,
            access.account,
            Spend(on=entry.occurred_on, amount_pence=amount, category=category, payee=entry.narration),
        )
        for category, amount in spent.items()
    ]
    strictest = max(results, key=lambda result: result.decision)
    review, happened = await record_review(
        session,
        book_id=access.account.id,
        subject_type="journal_entry",
        subject_id=entry.id,
        occurred_on=entry.occurred_on,
        amount_pence=spent[strictest.category],
        description=entry.narration,
        result=strictest,
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
