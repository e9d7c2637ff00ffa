"""Spend checks: the national taxonomy, a proposed spend's decision, the bank lines' categories,
the approvals and exceptions both sides see, and authorities' local rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of, paged
from dp_platform.api.schemas.spending import (
    AllowedSpendingOut,
    CareHomeStayIn,
    CareHomeStayOut,
    CategoryOut,
    CategoryRulesOut,
    DecidingRuleOut,
    LineCategoryIn,
    LocalRuleIn,
    Relationship,
    ReviewDecisionIn,
    ReviewDecisionsIn,
    RuleHitOut,
    RuleOut,
    RuleSourceOut,
    RuleVersionOut,
    SpecialRuleOut,
    SpendDecisionOut,
    SpendLineOut,
    SpendReviewOut,
    TaxonomyOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.bank_to_ledger import confirm_line
from dp_platform.workflows.care_home_stays import account_stays, add_stay, take_off_stay
from dp_platform.workflows.councils import council_spend_rules
from dp_platform.workflows.records import CareHomeStayRow, SpendReviewRow
from dp_platform.workflows.spend_rules import AllowedSpending, allowed_spending
from dp_platform.workflows.spending import (
    check_proposed_spend,
    decide_account_review,
    decide_account_reviews,
    set_authority_rule,
    spend_lines_of,
    spend_reviews_of,
)
from ledgers.categories.engine import Spend, SpendDecision
from ledgers.categories.taxonomy import Rule, national


def to_decision(result: SpendDecision) -> SpendDecisionOut:
    return SpendDecisionOut(
        decision=result.decision.label,
        category=result.category,
        rule_ids=result.rule_ids,
        sentence=result.sentence,
        rules=[
            RuleHitOut(
                rule_id=hit.rule_id,
                layer=hit.layer,
                statutory=hit.statutory,
                decision=hit.decision.label,
                sentence=hit.sentence,
                conditions=list(hit.conditions),
                sources=[{"title": title, "url": url} for title, url in hit.sources],
                set_aside=hit.set_aside,
            )
            for hit in result.hits
        ],
    )


def to_review(row: SpendReviewRow) -> SpendReviewOut:
    return SpendReviewOut(
        id=row.id,
        kind=row.kind,
        status=row.status,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        occurred_on=row.occurred_on,
        amount_pence=row.amount_pence,
        payee=row.payee_key,
        description=row.description,
        category=row.category,
        decision=row.decision,
        rule_ids=list(row.rule_ids),
        sentence=row.sentence,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )


def to_rule(rule: Rule) -> RuleOut:
    return RuleOut(
        id=rule.id,
        layer=rule.layer,
        statutory=rule.statutory,
        categories=sorted(rule.categories),
        relationships=sorted(rule.relationships),
        unlinked=rule.unlinked,
        over_pence=rule.over_pence,
        replaces=rule.replaces,
        versions=[
            RuleVersionOut(
                effective_from=v.effective_from,
                effective_to=v.effective_to,
                decision=v.decision.label,
                sentence=v.sentence,
                conditions=list(v.conditions),
                sources=[RuleSourceOut(title=title, url=url) for title, url in v.sources],
            )
            for v in rule.versions
        ],
    )


class SpendTaxonomyController(Controller):
    path = "/api"
    tags = ["Spending"]

    @get("/spend-categories", operation_id="GetSpendTaxonomy")
    async def taxonomy(self) -> TaxonomyOut:
        """The national spend categories (with the card merchant codes that map to them) and rules."""
        taxonomy = national()
        return TaxonomyOut(
            categories=[
                CategoryOut(code=c.code, name=c.name, description=c.description, mcc=list(c.mcc))
                for c in taxonomy.categories.values()
            ],
            rules=[to_rule(rule) for rule in taxonomy.rules],
        )

    @get("/authorities/{authority_id:uuid}/spend-rules", operation_id="ListAuthoritySpendRules")
    async def authority_rules(self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID) -> list[RuleOut]:
        return [to_rule(rule) for rule in await council_spend_rules(db_session, actor, authority_id)]

    @put("/authorities/{authority_id:uuid}/spend-rules/{rule_id:str}", operation_id="SetAuthoritySpendRule")
    async def set_rule(
        self,
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        rule_id: str,
        data: Annotated[LocalRuleIn, Body()],
    ) -> RuleOut:
        """Add or change a local rule; a change is a new dated version, so earlier decisions stand."""
        rule = await set_authority_rule(db_session, actor, authority_id, {**data.definition, "id": rule_id})
        return to_rule(rule)


def to_allowed(allowed: AllowedSpending) -> AllowedSpendingOut:
    def sources(pairs: tuple[tuple[str, str], ...]) -> list[RuleSourceOut]:
        return [RuleSourceOut(title=title, url=url) for title, url in pairs]

    return AllowedSpendingOut(
        authority_name=allowed.authority_name,
        on=allowed.on,
        categories=[
            CategoryRulesOut(
                code=rules.category.code,
                name=rules.category.name,
                description=rules.category.description,
                decision=rules.decision.label if rules.decision is not None else None,
                sentence=rules.sentence,
                rules=[
                    DecidingRuleOut(
                        id=hit.rule_id,
                        layer=hit.layer,
                        statutory=hit.statutory,
                        sentence=hit.sentence,
                        conditions=list(hit.conditions),
                        sources=sources(hit.sources),
                        set_aside=hit.set_aside,
                    )
                    for hit in rules.deciding
                ],
                special=[
                    SpecialRuleOut(
                        id=special.rule.id,
                        layer=special.rule.layer,
                        statutory=special.rule.statutory,
                        when=special.when,
                        decision=special.version.decision.label,
                        sentence=special.version.sentence,
                        sources=sources(special.version.sources),
                    )
                    for special in rules.special
                ],
            )
            for rules in allowed.categories
        ],
    )


def to_stay(row: CareHomeStayRow) -> CareHomeStayOut:
    return CareHomeStayOut(
        id=row.id,
        first_night=row.first_night,
        last_night=row.last_night,
        nights=(row.last_night - row.first_night).days + 1,
        place=row.place,
        removed_at=row.removed_at,
    )


class SpendingController(Controller):
    path = "/api/accounts/{account_id:uuid}"
    tags = ["Spending"]

    @get("/care-home-stays", operation_id="ListCareHomeStays")
    async def stays(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> list[CareHomeStayOut]:
        """The care home stays recorded, by their nights: a payment to a care home is decided by the nights
        in the 12 months up to it (28 by default), and one with no stay recorded goes to the council."""
        return [to_stay(row) for row in await account_stays(db_session, actor, account_id)]

    @post("/care-home-stays", operation_id="RecordCareHomeStay", status_code=201)
    async def record_stay(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[CareHomeStayIn, Body()]
    ) -> CareHomeStayOut:
        row = await add_stay(
            db_session, actor, account_id, first_night=data.first_night, last_night=data.last_night, place=data.place
        )
        return to_stay(row)

    @post("/care-home-stays/{stay_id:uuid}/remove", operation_id="RemoveCareHomeStay", status_code=200)
    async def take_off(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, stay_id: uuid.UUID
    ) -> CareHomeStayOut:
        """A stay recorded by mistake stops counting; its record stays, with who took it off."""
        return to_stay(await take_off_stay(db_session, actor, account_id, stay_id))

    @get("/spend-rules", operation_id="GetAllowedSpending")
    async def allowed(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, on: date | None = None
    ) -> AllowedSpendingOut:
        """What this Direct Payment may and may not pay for on a day (today unless ``on``): every
        category with its decision for an ordinary payee, the national, council and agreement rules
        that make it, their sources, and the rules that apply only to some payees or amounts. The
        person and anyone acting for them read it, as the council's staff do."""
        return to_allowed(await allowed_spending(db_session, actor, account_id, on or today()))

    @get("/spend-check", operation_id="CheckSpend")
    async def check(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        on: date,
        amount_pence: int,
        category: str | None = None,
        mcc: str | None = None,
        payee: str = "",
        relationship: Relationship = "none",
        outcome: str | None = None,
    ) -> SpendDecisionOut:
        """May the Direct Payment pay for this? The decision, the rules behind it and their sources."""
        spend = Spend(
            on=on,
            amount_pence=amount_pence,
            category=category,
            mcc=mcc,
            payee=payee,
            relationship=relationship,
            outcome=outcome,
        )
        return to_decision(await check_proposed_spend(db_session, actor, account_id, spend))

    @get("/spend-reviews", operation_id="ListSpendReviews")
    async def reviews(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        status: str | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[SpendReviewOut]]:
        """Approval requests and exceptions: the same list for the person, their bureau and the council,
        oldest spending first, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, uuid.UUID)
        rows = await spend_reviews_of(db_session, actor, account_id, status, page=page)
        return page_of(request, page, rows, lambda row: (row.occurred_on, row.id), to_review)

    @post("/spend-reviews/{review_id:uuid}/decide", operation_id="DecideSpendReview", status_code=200)
    async def decide(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        review_id: uuid.UUID,
        data: Annotated[ReviewDecisionIn, Body()],
    ) -> SpendReviewOut:
        """The council approves or declines a request, or resolves an exception, always with a reason."""
        review = await decide_account_review(
            db_session, actor, account_id, review_id, outcome=data.outcome, reason=data.reason
        )
        return to_review(review)

    @post("/spend-reviews/decide", operation_id="DecideSpendReviews", status_code=200)
    async def decide_many(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[ReviewDecisionsIn, Body()],
    ) -> list[SpendReviewOut]:
        """Decide several reviews of the account alike, with one reason: all of them, or none."""
        reviews = await decide_account_reviews(
            db_session, actor, account_id, data.review_ids, outcome=data.outcome, reason=data.reason
        )
        return [to_review(review) for review in reviews]

    @get("/spend-lines", operation_id="ListSpendLines")
    async def lines(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        unconfirmed: bool = False,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[SpendLineOut]]:
        """Money-out bank lines with their suggested or confirmed category and any review, in pages of at
        most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, uuid.UUID)
        found = await spend_lines_of(db_session, actor, account_id, unconfirmed=unconfirmed, page=page)
        last = (found[-1].line.value_on, found[-1].line.id) if found else None
        return paged(
            request,
            [
                SpendLineOut(
                    line_id=item.line.id,
                    value_on=item.line.value_on,
                    description=item.line.description,
                    amount_pence=item.line.amount_pence,
                    category=item.category.category if item.category else None,
                    confirmed=item.confirmed,
                    suggested_by=item.category.source if item.category else None,
                    reason=item.category.reason if item.category else None,
                    review_status=item.review.status if item.review else None,
                    review_kind=item.review.kind if item.review else None,
                )
                for item in found
            ],
            page,
            last,
        )

    @post("/statements/lines/{line_id:uuid}/category", operation_id="ConfirmLineCategory", status_code=200)
    async def confirm(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        line_id: uuid.UUID,
        data: Annotated[LineCategoryIn, Body()],
    ) -> SpendDecisionOut:
        """Say what a money-out line was for (and for which outcome, and who the payee is to the person)."""
        result, _ = await confirm_line(
            db_session,
            actor,
            account_id,
            line_id,
            category=data.category,
            outcome=data.outcome,
            relationship=data.relationship,
        )
        return to_decision(result)
