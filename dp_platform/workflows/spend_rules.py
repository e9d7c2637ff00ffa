"""What a Direct Payment may and may not pay for, as the person's own council has it on a day.

The person and whoever acts for them read the same rules the checks apply to their spending: the
national ones, the council's own (in place of a national rule, or beside it) and what their agreement
allows for its outcomes. The Framework of Standards (2021) asks that people know what the money can be
used for (Standard 9), and the Ombudsman's remedy for unclear rules is a full statement of allowed
expenses: this is that statement, dated, each rule with where it comes from.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import AuthorityRow, DpAccountRow
from dp_platform.workflows.spend_context_cache import spend_context
from ledgers.categories.engine import RuleHit, Spend, decide
from ledgers.categories.taxonomy import Category, Decision, Rule, RuleVersion, SpendRuleError, national
from ledgers.money import Money


@dataclass(frozen=True, slots=True)
class SpecialRule:
    """A rule of the category that applies only to some payees or amounts (a family member, over a sum)."""

    rule: Rule
    version: RuleVersion

    @property
    def when(self) -> str:
        parts = []
        if self.rule.relationships:
            who = sorted(relation.replace("_", " ") for relation in self.rule.relationships)
            parts.append(f"paid to a {' or '.join(who)}")
        if self.rule.over_pence is not None:
            parts.append(f"over {Money(self.rule.over_pence)}")
        return " and ".join(parts)


@dataclass(frozen=True, slots=True)
class CategoryRules:
    category: Category
    decision: Decision | None
    """For an ordinary payee and amount; None when no rule is in force for the category that day."""
    sentence: str
    deciding: tuple[RuleHit, ...]
    special: tuple[SpecialRule, ...]


@dataclass(frozen=True, slots=True)
class AllowedSpending:
    account: DpAccountRow
    authority_name: str
    on: date
    categories: tuple[CategoryRules, ...]

    def with_decision(self, decision: Decision | None) -> list[CategoryRules]:
        return [rules for rules in self.categories if rules.decision == decision]


def _special(rules: list[Rule], code: str, on: date) -> tuple[SpecialRule, ...]:
    found = []
    for rule in rules:
        version = rule.version_on(on)
        if version is not None and code in rule.categories and (rule.relationships or rule.over_pence is not None):
            found.append(SpecialRule(rule, version))
    return tuple(found)


async def allowed_spending(session: AsyncSession, actor: Actor, account_id: uuid.UUID, on: date) -> AllowedSpending:
    access = await authorize(session, actor, account_id, Action.VIEW)
    account = access.account
    authority = await session.get(AuthorityRow, account.authority_id)
    context = await spend_context(session, account)
    taxonomy = national()
    replaced = {rule.replaces for rule in context.rules if rule.replaces and rule.version_on(on) is not None}
    in_force_rules = [rule for rule in taxonomy.rules if rule.id not in replaced] + list(context.rules)
    categories = []
    for code, category in sorted(taxonomy.categories.items(), key=lambda item: item[1].name):
        try:
            decided = decide(
                Spend(on=on, amount_pence=1, category=code),
                taxonomy,
                local_rules=context.rules,
                permissions=context.permissions,
            )
        except SpendRuleError:
            categories.append(CategoryRules(category, None, "No rule is in force for this: ask the council.", (), ()))
            continue
        categories.append(
            CategoryRules(
                category,
                decided.decision,
                decided.sentence,
                tuple(decided.deciding),
                _special(in_force_rules, code, on),
            )
        )
    return AllowedSpending(account, authority.name if authority else "", on, tuple(categories))
