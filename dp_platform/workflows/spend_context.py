"""What decides an account's spends besides the spend itself: the authority's rules and thresholds,
what the agreements in force allow, and, for a payment to a person, their PA record.

Read once for many spends (a statement's lines), or kept between requests by
``spend_context_cache`` while nothing it was read from has changed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.monitoring.service import authority_thresholds
from agreements.monitoring.thresholds import LocalThresholds, Threshold
from agreements.service import Agreement, account_agreements, load_agreement
from agreements.statuses import AgreementStatus
from dp_platform.tenancy.tables import DpAccountRow
from ledgers.categories.assistant import payee_key
from ledgers.categories.engine import Permission, Spend, SpendDecision, decide
from ledgers.categories.service import local_rules, standing_approvals
from ledgers.categories.stays import stays_up_to
from ledgers.categories.taxonomy import Decision, Rule, national
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
        if row.status != AgreementStatus.IN_FORCE:
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
        await session.scalars(select(PersonalAssistantRow).where(col(PersonalAssistantRow.account_id) == account_id))
    )
    index = pa_named(spend.payee, [pa.full_name for pa in pas])
    if index is None:
        return spend, set()
    pa = pas[index]
    approvals = (await approvals_of(session, [pa.id])).get(pa.id, [])
    agreed = {FAMILY_RULE} if approval_on(approvals, spend.on) is not None else set()
    return replace(spend, relationship=pa.relationship), agreed
