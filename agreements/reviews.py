"""Reviews held and monitoring returns sent, and reading them for many agreements at once."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.errors import AgreementError, AgreementStateError
from agreements.monitoring.schedule import return_periods
from agreements.service import Agreement
from agreements.tables import AgreementReturnRow, AgreementReviewRow
from ledgers.columns import among
from ledgers.constraints import unique_violated


class ReviewError(AgreementError):
    title = "Review or return not valid"


async def record_review(
    session: AsyncSession,
    agreement: Agreement,
    *,
    held_on: date,
    attendees: str,
    outcome: str,
    user_id: uuid.UUID | None,
    today: date,
) -> AgreementReviewRow:
    if held_on > today:
        raise ReviewError("A review is recorded once it has been held.", field="held_on")
    if held_on < agreement.terms(agreement.in_force or agreement.latest).starts_on:
        raise ReviewError("A review of this agreement is held after it starts.", field="held_on")
    if not attendees.strip():
        raise ReviewError(
            "Say who took part: the person, their carer or representative, the social worker.", field="attendees"
        )
    if not outcome.strip():
        raise ReviewError(
            "Say what the review found: whether the support meets the person's outcomes.", field="outcome"
        )
    row = AgreementReviewRow(
        agreement_id=agreement.agreement.id,
        held_on=held_on,
        attendees=attendees.strip(),
        outcome=outcome.strip(),
        recorded_by_user_id=user_id,
    )
    session.add(row)
    await session.flush()
    return row


async def submit_return(
    session: AsyncSession,
    agreement: Agreement,
    *,
    period_from: date,
    closing_bank_pence: int,
    spent_pence: int,
    evidence: str,
    notes: str | None,
    user_id: uuid.UUID | None,
    today: date,
) -> AgreementReturnRow:
    """A return for one of the agreement's return periods that has ended."""
    periods = {period.period_from: period for period in return_periods(agreement.terms(agreement.in_force), today)}
    period = periods.get(period_from)
    if period is None:
        raise ReviewError(
            "There is no return period starting that day that has ended; the agreement's periods are "
            + (
                ", ".join(f"{p.period_from.isoformat()} to {p.period_to.isoformat()}" for p in periods.values())
                or "none yet"
            ),
            field="period_from",
        )
    if spent_pence < 0:
        raise ReviewError("What was spent is 0 or more.", field="spent_pence")
    if not evidence.strip():
        raise ReviewError("Say what goes with the return: bank statements, receipts, timesheets.", field="evidence")
    row = AgreementReturnRow(
        agreement_id=agreement.agreement.id,
        period_from=period.period_from,
        period_to=period.period_to,
        closing_bank_pence=closing_bank_pence,
        spent_pence=spent_pence,
        evidence=evidence.strip(),
        notes=(notes or "").strip() or None,
        submitted_by_user_id=user_id,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError as error:
        if unique_violated(error) != "uq_agreement_returns_agreement_id_period_from":
            raise
        raise AgreementStateError(
            f"The return for {period.period_from.isoformat()} to {period.period_to.isoformat()} has been sent already.",
            field="period_from",
        ) from None
    return row


async def reviews_of(session: AsyncSession, agreement_id: uuid.UUID) -> list[AgreementReviewRow]:
    return list(
        await session.scalars(
            select(AgreementReviewRow)
            .where(col(AgreementReviewRow.agreement_id) == agreement_id)
            .order_by(col(AgreementReviewRow.held_on).desc())
        )
    )


async def returns_of(session: AsyncSession, agreement_id: uuid.UUID) -> list[AgreementReturnRow]:
    return list(
        await session.scalars(
            select(AgreementReturnRow)
            .where(col(AgreementReturnRow.agreement_id) == agreement_id)
            .order_by(col(AgreementReturnRow.period_from))
        )
    )


async def last_reviews(session: AsyncSession, agreement_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    rows = await session.execute(
        select(col(AgreementReviewRow.agreement_id), func.max(col(AgreementReviewRow.held_on)))
        .where(among(col(AgreementReviewRow.agreement_id), agreement_ids))
        .group_by(col(AgreementReviewRow.agreement_id))
    )
    return dict(rows.all())


async def returns_received(session: AsyncSession, agreement_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[date]]:
    rows = await session.execute(
        select(col(AgreementReturnRow.agreement_id), func.array_agg(col(AgreementReturnRow.period_from)))
        .where(among(col(AgreementReturnRow.agreement_id), agreement_ids))
        .group_by(col(AgreementReturnRow.agreement_id))
    )
    return {agreement_id: set(days) for agreement_id, days in rows.all()}
