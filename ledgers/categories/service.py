"""Spend checks in the database: bank lines' categories, the reviews spends open, local rules.
Functions take the caller's session and never commit; the caller records the audit events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.categories.assistant import Suggestion, payee_key, suggest
from ledgers.categories.engine import SpendDecision
from ledgers.categories.statuses import ReviewStatus
from ledgers.categories.tables import LineCategoryRow, LocalRuleRow, SpendReviewRow
from ledgers.categories.taxonomy import Decision, Rule, SpendRuleError, Taxonomy, local_rule
from ledgers.columns import among
from ledgers.errors import DomainError
from ledgers.keyset import Keyset
from ledgers.tables import StatementLineRow


class SpendReviewNotFoundError(DomainError):
    category = "not_found"
    title = "No such spend review"


class SpendReviewStateError(DomainError):
    category = "conflict"
    title = "The review was decided already"


def _dated(definition: dict[str, Any]) -> dict[str, Any]:
    """A stored definition (dates as text in JSON) in the shape the taxonomy reads."""
    versions = [
        {
            **version,
            **{
                key: date.fromisoformat(version[key]) if isinstance(version.get(key), str) else version.get(key)
                for key in ("effective_from", "effective_to")
                if key in version
            },
        }
        for version in definition.get("versions", [])
    ]
    return {**definition, "versions": versions}


def _jsonable(definition: dict[str, Any]) -> dict[str, Any]:
    versions = [
        {key: value.isoformat() if isinstance(value, date) else value for key, value in version.items()}
        for version in definition.get("versions", [])
    ]
    return {**definition, "versions": versions}


async def local_rules(session: AsyncSession, authority_id: uuid.UUID, taxonomy: Taxonomy) -> list[Rule]:
    rows = await session.scalars(
        select(LocalRuleRow).where(col(LocalRuleRow.authority_id) == authority_id).order_by(col(LocalRuleRow.rule_id))
    )
    return [local_rule(_dated(row.definition), taxonomy) for row in rows]


async def set_local_rule(
    session: AsyncSession, authority_id: uuid.UUID, definition: dict[str, Any], taxonomy: Taxonomy, at: datetime
) -> tuple[Rule, bool]:
    """Add or change an authority's rule. Versions already in force keep their dates: a change is a
    new version from a later date, so decisions before it stay as they were."""
    rule = local_rule(_dated(definition), taxonomy)
    row = await session.scalar(
        select(LocalRuleRow)
        .where(col(LocalRuleRow.authority_id) == authority_id, col(LocalRuleRow.rule_id) == rule.id)
        .with_for_update()
    )
    stored = _jsonable(_dated(definition))
    if row is not None:
        if row.definition == stored:
            return rule, False
        held = local_rule(_dated(row.definition), taxonomy)
        for old, new in zip(held.versions, rule.versions, strict=False):
            if old.effective_from != new.effective_from or (
                new.effective_from <= at.date() and (old.decision, old.sentence) != (new.decision, new.sentence)
            ):
                raise SpendRuleError(
                    f"{rule.id}: the version from {old.effective_from.isoformat()} has been in force; keep it and "
                    "add a new version from a later date",
                    field="versions",
                )
        if len(rule.versions) < len(held.versions):
            raise SpendRuleError(f"{rule.id}: versions cannot be removed; end one with effective_to", field="versions")
    row = row or LocalRuleRow(authority_id=authority_id, rule_id=rule.id, definition=stored)
    row.definition, row.updated_at = stored, at
    session.add(row)
    await session.flush()
    return rule, True


async def payee_history(session: AsyncSession, book_id: uuid.UUID) -> dict[str, str]:
    rows = await session.execute(
        select(col(LineCategoryRow.payee_key), col(LineCategoryRow.category))
        # a payroll payment's category says what it cleared, not what the person chose for the payee:
        # remembered, next month's wages would be posted as spending before their pay run is finalised
        .where(
            col(LineCategoryRow.book_id) == book_id,
            col(LineCategoryRow.confirmed).is_(True),
            col(LineCategoryRow.source) != "payroll",
        )
        .order_by(col(LineCategoryRow.updated_at))
    )
    return dict(rows.all())


@dataclass(frozen=True, slots=True)
class CategorisedLine:
    line: StatementLineRow
    category: LineCategoryRow | None
    suggestion: Suggestion | None


async def categorise_statement(
    session: AsyncSession, book_id: uuid.UUID, statement_id: uuid.UUID, taxonomy: Taxonomy
) -> list[CategorisedLine]:
    """Suggest a category for each money-out line of the statement that has none yet."""
    history = await payee_history(session, book_id)
    lines = await session.scalars(
        select(StatementLineRow)
        .outerjoin(LineCategoryRow, col(LineCategoryRow.line_id) == col(StatementLineRow.id))
        .where(
            col(StatementLineRow.statement_id) == statement_id,
            col(StatementLineRow.amount_pence) < 0,
            col(LineCategoryRow.line_id).is_(None),
        )
        .order_by(col(StatementLineRow.value_on), col(StatementLineRow.source_line))
    )
    done = []
    for line in lines:
        suggestion = suggest(line.description, taxonomy, history=history)
        row = None
        if suggestion is not None:
            row = LineCategoryRow(
                line_id=line.id,
                book_id=book_id,
                payee_key=payee_key(line.description),
                category=suggestion.category,
                source=suggestion.source,
                reason=suggestion.reason,
                confirmed=suggestion.source == "payee_history",
            )
            session.add(row)
        done.append(CategorisedLine(line, row, suggestion))
    await session.flush()
    return done


async def line_category(
    session: AsyncSession, book_id: uuid.UUID, line_id: uuid.UUID
) -> tuple[StatementLineRow, LineCategoryRow | None]:
    line = await session.get(StatementLineRow, line_id)
    if line is None or line.book_id != book_id:
        raise SpendReviewNotFoundError(f"There is no bank line {line_id} on this account.", field="line_id")
    if line.amount_pence > 0:
        raise SpendRuleError("Money coming in is not a spend.", field="line_id")
    return line, await session.get(LineCategoryRow, line_id)


async def confirm_category(
    session: AsyncSession,
    line: StatementLineRow,
    *,
    category: str,
    outcome: str | None,
    relationship: str,
    user_id: uuid.UUID | None,
    at: datetime,
    taxonomy: Taxonomy,
) -> LineCategoryRow:
    taxonomy.category(category)
    row = await session.get(LineCategoryRow, line.id) or LineCategoryRow(
        line_id=line.id, book_id=line.book_id, payee_key=payee_key(line.description), source="person", reason=""
    )
    if not (row.confirmed and row.category == category):
        row.source, row.reason = "person", "confirmed by a person"
    row.category, row.outcome, row.relationship = category, outcome, relationship
    row.confirmed, row.confirmed_by_user_id, row.updated_at = True, user_id, at
    session.add(row)
    await session.flush()
    return row


async def standing_approvals(
    session: AsyncSession, book_id: uuid.UUID, payee: str, category: str, taxonomy_rules: list[Rule]
) -> set[str]:
    standing = {rule.id for rule in taxonomy_rules if rule.standing}
    rows = await session.scalars(
        select(col(SpendReviewRow.rule_ids)).where(
            col(SpendReviewRow.book_id) == book_id,
            col(SpendReviewRow.payee_key) == payee,
            col(SpendReviewRow.category) == category,
            col(SpendReviewRow.status) == ReviewStatus.APPROVED,
        )
    )
    return {rule_id for ids in rows for rule_id in ids if rule_id in standing}


async def review_of(session: AsyncSession, subject_type: str, subject_id: uuid.UUID) -> SpendReviewRow | None:
    return await session.scalar(
        select(SpendReviewRow).where(
            col(SpendReviewRow.subject_type) == subject_type, col(SpendReviewRow.subject_id) == subject_id
        )
    )


async def record_review(
    session: AsyncSession,
    *,
    book_id: uuid.UUID,
    subject_type: str,
    subject_id: uuid.UUID,
    occurred_on: date,
    amount_pence: int,
    description: str,
    result: SpendDecision,
    never_reviewed: bool = False,
) -> tuple[SpendReviewRow | None, str]:
    """Open, update or withdraw the subject's review for its decision. Returns the review and what
    happened: ``opened``, ``updated``, ``withdrawn`` or ``none``. ``never_reviewed`` spares the
    look-up for a subject just created (a newly imported line)."""
    held = None if never_reviewed else await review_of(session, subject_type, subject_id)
    kind = {Decision.NEEDS_APPROVAL: "approval", Decision.NOT_ALLOWED: "exception"}.get(result.decision)
    if kind is None:
        if held is not None and held.status == ReviewStatus.OPEN:
            held.status = ReviewStatus.WITHDRAWN
            session.add(held)
            await session.flush()
            return held, ReviewStatus.WITHDRAWN
        return held, "none"
    if (
        held is not None
        and held.status == ReviewStatus.OPEN
        and (held.kind, held.category, held.rule_ids)
        == (
            kind,
            result.category,
            result.rule_ids,
        )
    ):
        return held, "none"
    review = held or SpendReviewRow(
        book_id=book_id,
        subject_type=subject_type,
        subject_id=subject_id,
        occurred_on=occurred_on,
        amount_pence=amount_pence,
        payee_key=payee_key(description),
        description=description,
        category=result.category,
        kind=kind,
        decision=result.decision.label,
        sentence=result.sentence,
    )
    review.category, review.kind, review.decision = result.category, kind, result.decision.label
    review.rule_ids, review.sentence, review.status = result.rule_ids, result.sentence, ReviewStatus.OPEN
    review.decided_by_user_id = review.decided_at = review.decision_reason = None
    session.add(review)
    if held is not None:
        await session.flush()
    return review, "updated" if held is not None else "opened"


async def decide_review(
    session: AsyncSession,
    book_id: uuid.UUID,
    review_id: uuid.UUID,
    *,
    outcome: str,
    reason: str,
    user_id: uuid.UUID | None,
    at: datetime,
) -> SpendReviewRow:
    """Approve or decline an approval request; mark an exception resolved. Always with a reason."""
    review = await session.get(SpendReviewRow, review_id, with_for_update=True)
    if review is None or review.book_id != book_id:
        raise SpendReviewNotFoundError(f"There is no spend review {review_id} on this account.", field="review_id")
    if review.status != ReviewStatus.OPEN:
        raise SpendReviewStateError(f"This review was {review.status} already.", field="review_id")
    allowed = (ReviewStatus.APPROVED, ReviewStatus.DECLINED) if review.kind == "approval" else (ReviewStatus.RESOLVED,)
    if outcome not in allowed:
        raise SpendRuleError(
            f"An {review.kind} review can be {' or '.join(allowed)}, not {outcome!r}.", field="outcome"
        )
    if not reason.strip():
        raise SpendRuleError("Give the reason, in words the person can understand.", field="reason")
    review.status, review.decision_reason = outcome, reason.strip()
    review.decided_by_user_id, review.decided_at = user_id, at
    session.add(review)
    await session.flush()
    return review


async def account_reviews(
    session: AsyncSession, book_id: uuid.UUID, status: str | None, *, page: Keyset | None = None
) -> list[SpendReviewRow]:
    """Oldest spending first."""
    query = select(SpendReviewRow).where(col(SpendReviewRow.book_id) == book_id)
    if status:
        query = query.where(col(SpendReviewRow.status) == status)
    if page is not None:
        return list(await session.scalars(page.apply(query, col(SpendReviewRow.occurred_on), col(SpendReviewRow.id))))
    return list(await session.scalars(query.order_by(col(SpendReviewRow.occurred_on), col(SpendReviewRow.created_at))))


@dataclass(frozen=True, slots=True)
class SpendLine:
    """A money-out bank line with what is known of it: its category (suggested or confirmed) and any review."""

    line: StatementLineRow
    category: LineCategoryRow | None
    review: SpendReviewRow | None

    @property
    def confirmed(self) -> bool:
        return bool(self.category and self.category.confirmed)


async def spend_lines(
    session: AsyncSession,
    book_id: uuid.UUID,
    *,
    statement_id: uuid.UUID | None = None,
    line_id: uuid.UUID | None = None,
    unconfirmed: bool = False,
    page: Keyset | None = None,
) -> list[SpendLine]:
    """In (day, id) order, a ``page`` at a time when asked."""
    query = (
        select(StatementLineRow, LineCategoryRow, SpendReviewRow)
        .outerjoin(LineCategoryRow, col(LineCategoryRow.line_id) == col(StatementLineRow.id))
        .outerjoin(
            SpendReviewRow,
            (col(SpendReviewRow.subject_type) == "statement_line")
            & (col(SpendReviewRow.subject_id) == col(StatementLineRow.id)),
        )
        .where(col(StatementLineRow.book_id) == book_id, col(StatementLineRow.amount_pence) < 0)
        .order_by(col(StatementLineRow.value_on), col(StatementLineRow.id))
    )
    if page is not None:
        query = page.apply(query, col(StatementLineRow.value_on), col(StatementLineRow.id))
    if statement_id is not None:
        query = query.where(col(StatementLineRow.statement_id) == statement_id)
    if line_id is not None:
        query = query.where(col(StatementLineRow.id) == line_id)
    if unconfirmed:
        query = query.where((col(LineCategoryRow.confirmed).is_(False)) | (col(LineCategoryRow.line_id).is_(None)))
    return [SpendLine(line, category, review) for line, category, review in (await session.execute(query)).all()]


async def unconfirmed_line_count(session: AsyncSession, book_id: uuid.UUID) -> int:
    """Money-out bank lines nobody has yet said (or accepted) what they were for."""
    count = await session.scalar(
        select(func.count())
        .select_from(StatementLineRow)
        .outerjoin(LineCategoryRow, col(LineCategoryRow.line_id) == col(StatementLineRow.id))
        .where(
            col(StatementLineRow.book_id) == book_id,
            col(StatementLineRow.amount_pence) < 0,
            (col(LineCategoryRow.confirmed).is_(False)) | (col(LineCategoryRow.line_id).is_(None)),
        )
    )
    return int(count or 0)


async def open_review_counts(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(col(SpendReviewRow.book_id), func.count())
        .where(among(col(SpendReviewRow.book_id), book_ids), col(SpendReviewRow.status) == ReviewStatus.OPEN)
        .group_by(col(SpendReviewRow.book_id))
    )
    return {book_id: int(count) for book_id, count in rows.all()}


@dataclass(frozen=True, slots=True)
class MoneyOutLine:
    book_id: uuid.UUID
    line_id: uuid.UUID
    value_on: date
    description: str
    amount_pence: int
    """Positive: the money that went out."""
    payee_key: str | None
    category: str | None


async def money_out_to_check(
    session: AsyncSession, book_ids: list[uuid.UUID], since: date, category: str, within_days: int | None
) -> list[MoneyOutLine]:
    """Money-out bank lines of many books since a day that a check needs: each that has another line of
    the same book and amount within ``within_days`` days of it (a possible duplicate; none when
    ``None``), and each in ``category``. The rest (most lines) stay in the database."""
    same = (col(StatementLineRow.book_id), col(StatementLineRow.amount_pence))
    lines = (
        select(
            col(StatementLineRow.book_id),
            col(StatementLineRow.id),
            col(StatementLineRow.value_on),
            col(StatementLineRow.description),
            col(StatementLineRow.amount_pence),
            func.lag(col(StatementLineRow.value_on))
            .over(partition_by=same, order_by=col(StatementLineRow.value_on))
            .label("previous_on"),
            func.lead(col(StatementLineRow.value_on))
            .over(partition_by=same, order_by=col(StatementLineRow.value_on))
            .label("next_on"),
        )
        .where(
            among(col(StatementLineRow.book_id), book_ids),
            col(StatementLineRow.amount_pence) < 0,
            col(StatementLineRow.value_on) >= since,
        )
        .subquery()
    )
    wanted = col(LineCategoryRow.category) == category
    if within_days is not None:
        wanted = (
            wanted
            | (lines.c.value_on - lines.c.previous_on <= within_days)
            | (lines.c.next_on - lines.c.value_on <= within_days)
        )
    rows = await session.execute(
        select(
            lines.c.book_id,
            lines.c.id,
            lines.c.value_on,
            lines.c.description,
            lines.c.amount_pence,
            col(LineCategoryRow.payee_key),
            col(LineCategoryRow.category),
        )
        .outerjoin(LineCategoryRow, col(LineCategoryRow.line_id) == lines.c.id)
        .where(wanted)
    )
    return [
        MoneyOutLine(book_id, line_id, value_on, description, -int(amount), payee, found)
        for book_id, line_id, value_on, description, amount, payee, found in rows.all()
    ]


async def open_spend_exceptions(session: AsyncSession, book_ids: list[uuid.UUID]) -> list[SpendReviewRow]:
    """Spends the rules did not allow that nobody has resolved yet, for many books at once."""
    return list(
        await session.scalars(
            select(SpendReviewRow).where(
                among(col(SpendReviewRow.book_id), book_ids),
                col(SpendReviewRow.kind) == "exception",
                col(SpendReviewRow.status) == ReviewStatus.OPEN,
            )
        )
    )
