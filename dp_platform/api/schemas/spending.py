"""Spend-check API shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from dp_platform.api.schemas.base import Schema

Relationship = Literal["none", "family_member", "guardian", "continuing_attorney", "welfare_attorney"]


class RuleHitOut(Schema):
    rule_id: str
    layer: str
    statutory: bool
    decision: str
    sentence: str
    conditions: list[str]
    sources: list[dict[str, str]]
    set_aside: str | None


class SpendDecisionOut(Schema):
    decision: str
    category: str
    rule_ids: list[str]
    sentence: str
    rules: list[RuleHitOut]


class SpendReviewOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    subject_type: str
    subject_id: uuid.UUID
    occurred_on: date
    amount_pence: int
    payee: str
    description: str
    category: str
    decision: str
    rule_ids: list[str]
    sentence: str
    decided_at: datetime | None
    decision_reason: str | None


class ReviewDecisionIn(Schema):
    outcome: Literal["approved", "declined", "resolved"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class ReviewDecisionsIn(Schema):
    review_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1, max_length=500)]
    outcome: Literal["approved", "declined", "resolved"]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    """One reason for all of them, which the person reads on each."""


class LineCategoryIn(Schema):
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    outcome: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None
    relationship: Relationship = "none"


class SpendLineOut(Schema):
    line_id: uuid.UUID
    value_on: date
    description: str
    amount_pence: int
    category: str | None
    confirmed: bool
    suggested_by: str | None
    reason: str | None
    review_status: str | None
    review_kind: str | None


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    mcc: list[str]


class RuleVersionOut(Schema):
    effective_from: date
    effective_to: date | None
    decision: str
    sentence: str
    conditions: list[str]
    sources: list[RuleSourceOut]


class RuleOut(Schema):
    id: str
    layer: str
    statutory: bool
    categories: list[str]
    relationships: list[str]
    unlinked: bool
    over_pence: int | None
    replaces: str | None
    versions: list[RuleVersionOut]


class TaxonomyOut(Schema):
    categories: list[CategoryOut]
    rules: list[RuleOut]


class LocalRuleIn(Schema):
    """The rule in the taxonomy's shape (see ``GET /api/spend-categories``); dates as YYYY-MM-DD."""

    definition: dict[str, Any]


class RuleSourceOut(Schema):
    title: str
    url: str


class DecidingRuleOut(Schema):
    id: str
    layer: str
    """``national``, ``local`` (the council's own) or ``agreement``."""
    statutory: bool
    sentence: str
    conditions: list[str]
    sources: list[RuleSourceOut]
    set_aside: str | None


class SpecialRuleOut(Schema):
    id: str
    layer: str
    statutory: bool
    when: str
    """Whom or what it applies to: ``paid to a family member``, ``over £500.00``."""
    decision: str
    sentence: str
    sources: list[RuleSourceOut]


class CategoryRulesOut(Schema):
    code: str
    name: str
    description: str
    decision: str | None
    """For an ordinary payee and amount: ``allowed``, ``allowed_with_conditions``, ``needs_approval``,
    ``not_allowed``; null when no rule is in force for it that day."""
    sentence: str
    rules: list[DecidingRuleOut]
    special: list[SpecialRuleOut]


class AllowedSpendingOut(Schema):
    authority_name: str
    on: date
    categories: list[CategoryRulesOut]


class CareHomeStayIn(Schema):
    first_night: date
    last_night: date
    place: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    """The care home's name."""


class CareHomeStayOut(Schema):
    id: uuid.UUID
    first_night: date
    last_night: date
    nights: int
    place: str
    removed_at: datetime | None
