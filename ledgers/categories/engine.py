"""The decision on one spend: which rules apply, which decides, and a sentence saying why. Pure.

Layers, in order: the national rules; the authority's local rules (a local rule that
``replaces`` a national one stands in its place while it is in force, which the taxonomy only
allows for rules that are not statutory; other local rules add to the national ones); the
agreement's permissions (a category allowed for named outcomes links the spend to them and sets
aside the non-statutory rules that would hold it back); and approvals already given (a rule the
council approved for this spend, or for this payee and category, is set aside). The strictest
rule left decides. Every rule consulted is reported with its id and sources, set-aside ones too,
so the decision can be checked by a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ledgers.categories.taxonomy import Decision, Rule, SpendRuleError, Taxonomy

_OPENINGS = {
    Decision.ALLOWED: "Allowed",
    Decision.ALLOWED_WITH_CONDITIONS: "Allowed if",
    Decision.NEEDS_APPROVAL: "Needs the council's approval",
    Decision.NOT_ALLOWED: "Not allowed",
}


@dataclass(frozen=True, slots=True)
class Spend:
    on: date
    amount_pence: int
    category: str | None = None
    payee: str = ""
    relationship: str = "none"
    outcome: str | None = None
    description: str = ""
    mcc: str | None = None
    stays: tuple[tuple[date, date], ...] | None = None
    """The person's recorded stays (first night, last night) up to the spend, for a rule that counts
    nights; ``None`` when none is recorded in the window, so the nights are not known."""


def nights_within(stays: Iterable[tuple[date, date]], on: date, within_days: int) -> int:
    """The nights of the stays that fall in the ``within_days`` days ending on ``on`` (that day included):
    a night is counted on its evening's date, and a night after ``on`` is not counted yet."""
    first = on - timedelta(days=within_days - 1)
    return sum(max(0, (min(last, on) - max(start, first)).days + 1) for start, last in stays)


@dataclass(frozen=True, slots=True)
class Permission:
    """An agreement allows a category for named outcomes."""

    agreement: str
    category: str
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleHit:
    rule_id: str
    layer: str
    statutory: bool
    decision: Decision
    sentence: str
    sources: tuple[tuple[str, str], ...]
    conditions: tuple[str, ...] = ()
    set_aside: str | None = None
    """Why this rule does not count here (``permitted by ...``, ``approved``), or None."""


@dataclass(frozen=True, slots=True)
class SpendDecision:
    decision: Decision
    category: str
    hits: tuple[RuleHit, ...] = field(default=())

    @property
    def deciding(self) -> list[RuleHit]:
        """The rules that decided; when every rule was set aside, those (they are why it is allowed)."""
        active = [hit for hit in self.hits if hit.set_aside is None and hit.decision is self.decision]
        return active or [hit for hit in self.hits if hit.set_aside is not None]

    @property
    def rule_ids(self) -> list[str]:
        return [hit.rule_id for hit in self.deciding]

    @property
    def sentence(self) -> str:
        deciding = self.deciding
        if self.decision is Decision.ALLOWED_WITH_CONDITIONS:
            conditions = [c for hit in deciding for c in hit.conditions]
            return f"Allowed if {' and '.join(conditions)} ({', '.join(self.rule_ids)})."
        reasons = " ".join(
            hit.sentence if hit.set_aside is None else f"{hit.rule_id} {hit.set_aside}." for hit in deciding
        )
        return f"{_OPENINGS[self.decision]}: {reasons} ({', '.join(self.rule_ids)})"


def _matches(rule: Rule, spend: Spend, category: str, linked: bool) -> bool:
    return (
        category in rule.categories
        and (not rule.relationships or spend.relationship in rule.relationships)
        and (not rule.unlinked or not linked)
        and (rule.over_pence is None or spend.amount_pence > rule.over_pence)
        and (
            rule.over_nights is None
            or spend.stays is None
            or nights_within(spend.stays, spend.on, rule.within_days) > rule.over_nights
        )
    )


def decide(
    spend: Spend,
    taxonomy: Taxonomy,
    *,
    local_rules: Iterable[Rule] = (),
    permissions: Iterable[Permission] = (),
    approved_rules: Iterable[str] = (),
) -> SpendDecision:
    category = spend.category or (taxonomy.mcc.get(spend.mcc) if spend.mcc else None)
    if category is None:
        raise SpendRuleError(
            f"the spend has no category{f' and MCC {spend.mcc} maps to none' if spend.mcc else ''}: give one",
            field="category",
        )
    taxonomy.category(category)
    if spend.relationship not in ("none", "family_member", "guardian", "continuing_attorney", "welfare_attorney"):
        raise SpendRuleError(f"{spend.relationship!r} is not a payee relationship", field="relationship")
    local = list(local_rules)
    replaced = {rule.replaces for rule in local if rule.replaces and rule.version_on(spend.on) is not None}
    permitted = [
        permission
        for permission in permissions
        if permission.category == category and (spend.outcome is None or spend.outcome in permission.outcomes)
    ]
    linked = spend.outcome is not None or bool(permitted)
    approved = set(approved_rules)
    hits = []
    for rule in [*(r for r in taxonomy.rules if r.id not in replaced), *local]:
        version = rule.version_on(spend.on)
        if version is None or not _matches(rule, spend, category, linked):
            continue
        set_aside = None
        if rule.id in approved and version.decision is Decision.NEEDS_APPROVAL:
            set_aside = "approved by the council"
        elif permitted and not rule.statutory and version.decision >= Decision.NEEDS_APPROVAL:
            set_aside = f"permitted by agreement {permitted[0].agreement}"
        hits.append(
            RuleHit(
                rule_id=rule.id,
                layer=rule.layer,
                statutory=rule.statutory,
                decision=version.decision,
                sentence=version.sentence,
                sources=version.sources,
                conditions=version.conditions,
                set_aside=set_aside,
            )
        )
    for permission in permitted:
        outcomes = ", ".join(permission.outcomes) or "the agreed outcomes"
        hits.append(
            RuleHit(
                rule_id=f"AGREEMENT:{permission.agreement}:{category}",
                layer="agreement",
                statutory=False,
                decision=Decision.ALLOWED,
                sentence=f"Agreement {permission.agreement} allows {taxonomy.category(category).name.lower()} "
                f"for {outcomes}.",
                sources=((f"Direct Payment agreement {permission.agreement}", f"agreement:{permission.agreement}"),),
            )
        )
    if not hits:
        raise SpendRuleError(
            f"no rule for {category} is in force on {spend.on.isoformat()}: the spend cannot be decided",
            field="on",
        )
    active = [hit for hit in hits if hit.set_aside is None]
    decision = max((hit.decision for hit in active), default=Decision.ALLOWED)
    return SpendDecision(decision, category, tuple(hits))
