"""The spend taxonomy and its rules as dated data (``data/national.toml``), and local rules in the
same shape. Pure: no I/O beyond reading the packaged data file.

A rule matches a spend by category, and optionally by the payee's relationship to the person,
by the spend not being linked to an agreed outcome (``unlinked``), or by its amount
(``over_pence``). Each rule has dated versions (``effective_from``, and ``effective_to`` when a
later version or the rule's end is known); the version in force on the spend's date decides. A
rule's id and its versions' sources travel with every decision it makes. Unknown keys are
refused, so a typing slip in the data cannot silently switch a rule off.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ledgers.errors import DomainError

DATA = Path(__file__).resolve().parent / "data" / "national.toml"
RELATIONSHIPS = ("none", "family_member", "guardian", "continuing_attorney", "welfare_attorney")
_RULE_KEYS = {
    "id", "statutory", "categories", "relationships", "unlinked", "over_pence", "replaces", "standing",
    "standing_limited", "versions", "over_nights", "within_days",
}  # fmt: skip
_VERSION_KEYS = {"effective_from", "effective_to", "decision", "sentence", "sources", "conditions"}


class SpendRuleError(DomainError):
    title = "Spend rule not valid"


class Decision(IntEnum):
    """Ordered by how much they hold a spend back: the strictest rule that applies decides."""

    ALLOWED = 0
    ALLOWED_WITH_CONDITIONS = 1
    NEEDS_APPROVAL = 2
    NOT_ALLOWED = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def named(cls, label: str) -> Decision:
        try:
            return cls[label.upper()]
        except KeyError:
            raise SpendRuleError(
                f"a decision is one of {', '.join(d.label for d in cls)}, not {label!r}", field="decision"
            ) from None


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: str
    description: str
    keywords: tuple[str, ...]
    mcc: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RuleVersion:
    effective_from: date
    effective_to: date | None
    decision: Decision
    sentence: str
    sources: tuple[tuple[str, str], ...]
    conditions: tuple[str, ...] = ()

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    statutory: bool
    categories: frozenset[str]
    versions: tuple[RuleVersion, ...]
    relationships: frozenset[str] = frozenset()
    unlinked: bool = False
    over_pence: int | None = None
    over_nights: int | None = None
    """The rule applies to a stay that takes the nights counted over ``within_days`` past this, or whose
    nights are not known (a care home's invoice with no stay recorded)."""
    within_days: int = 365
    replaces: str | None = None
    """A local rule replacing a national one (allowed only for a rule that is not statutory)."""
    standing: bool = False
    """An approval under this rule holds for later spends to the same payee in the same category
    (a family member approved as a PA is approved, not each wage)."""
    standing_limited: bool = False
    """The standing approval holds only for later spends up to the limit the authority sets (small
    taxi fares, say), never above it, and not at all until the authority sets one."""
    layer: str = "national"

    def version_on(self, day: date) -> RuleVersion | None:
        return next((version for version in self.versions if version.in_force(day)), None)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    categories: dict[str, Category]
    rules: tuple[Rule, ...]
    mcc: dict[str, str] = field(default_factory=dict)

    def category(self, code: str) -> Category:
        found = self.categories.get(code)
        if found is None:
            raise SpendRuleError(
                f"{code!r} is not a spend category (known: {', '.join(sorted(self.categories))})", field="category"
            )
        return found


def parse_rule(raw: dict[str, Any], *, layer: str, known_categories: set[str]) -> Rule:
    where = f"rule {raw.get('id')!r}"
    unknown = set(raw) - _RULE_KEYS
    if unknown or not raw.get("id") or not raw.get("versions"):
        raise SpendRuleError(f"{where}: needs an id and versions; unknown keys {sorted(unknown)}", field="rule")
    categories = frozenset(raw.get("categories", ()))
    if not categories or not categories <= known_categories:
        raise SpendRuleError(f"{where}: unknown categories {sorted(categories - known_categories)}", field="categories")
    relationships = frozenset(raw.get("relationships", ()))
    if not relationships <= set(RELATIONSHIPS):
        raise SpendRuleError(f"{where}: relationships must be among {RELATIONSHIPS}", field="relationships")
    versions = []
    for item in raw["versions"]:
        unknown = set(item) - _VERSION_KEYS
        if unknown or not {"effective_from", "decision", "sentence", "sources"} <= set(item):
            raise SpendRuleError(
                f"{where}: a version has unknown keys {sorted(unknown)} or misses one", field="versions"
            )
        if not item["sources"] or not all({"title", "url"} == set(source) for source in item["sources"]):
            raise SpendRuleError(f"{where}: every version needs sources with a title and a url", field="sources")
        versions.append(
            RuleVersion(
                effective_from=item["effective_from"],
                effective_to=item.get("effective_to"),
                decision=Decision.named(item["decision"]),
                sentence=item["sentence"],
                sources=tuple((source["title"], source["url"]) for source in item["sources"]),
                conditions=tuple(item.get("conditions", ())),
            )
        )
    versions.sort(key=lambda version: version.effective_from)
    for earlier, later in pairwise(versions):
        if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
            raise SpendRuleError(f"{where}: versions must not overlap (give each an effective_to)", field="versions")
    return Rule(
        id=raw["id"],
        statutory=bool(raw.get("statutory", False)),
        categories=categories,
        versions=tuple(versions),
        relationships=relationships,
        unlinked=bool(raw.get("unlinked", False)),
        over_pence=raw.get("over_pence"),
        over_nights=raw.get("over_nights"),
        within_days=int(raw.get("within_days", 365)),
        replaces=raw.get("replaces"),
        standing=bool(raw.get("standing", False)),
        standing_limited=bool(raw.get("standing_limited", False)),
        layer=layer,
    )


def load_taxonomy(path: Path = DATA) -> Taxonomy:
    raw = tomllib.loads(path.read_text())
    categories = {
        item["code"]: Category(
            code=item["code"],
            name=item["name"],
            description=item["description"],
            keywords=tuple(item["keywords"]),
            mcc=tuple(item["mcc"]),
        )
        for item in raw["categories"]
    }
    rules = tuple(parse_rule(item, layer="national", known_categories=set(categories)) for item in raw["rules"])
    ids = [rule.id for rule in rules]
    if len(ids) != len(set(ids)):
        raise SpendRuleError("rule ids must be unique", field="rules")
    mcc: dict[str, str] = {}
    for category in categories.values():
        for code in category.mcc:
            if code in mcc:
                raise SpendRuleError(f"MCC {code} is mapped to both {mcc[code]} and {category.code}", field="mcc")
            mcc[code] = category.code
    return Taxonomy(categories, rules, mcc)


@cache
def national() -> Taxonomy:
    return load_taxonomy()


def local_rule(raw: dict[str, Any], taxonomy: Taxonomy) -> Rule:
    """An authority's rule, checked against the national ones: it may replace only a rule that is
    not statutory, and its id must not be a national one."""
    rule = parse_rule(raw, layer="local", known_categories=set(taxonomy.categories))
    national_rules = {existing.id: existing for existing in taxonomy.rules}
    if rule.id in national_rules:
        raise SpendRuleError(f"{rule.id} is a national rule id; give the local rule its own", field="id")
    if rule.replaces is not None:
        replaced = national_rules.get(rule.replaces)
        if replaced is None:
            raise SpendRuleError(f"there is no national rule {rule.replaces} to replace", field="replaces")
        if replaced.statutory:
            raise SpendRuleError(
                f"{rule.replaces} comes from the law: a local rule can add to it but not replace it", field="replaces"
            )
    return rule
