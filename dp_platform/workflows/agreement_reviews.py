"""Reviews and monitoring returns for an account: the council's staff record a review held with the
person; the person (or an organisation acting for them with the ``submit_returns`` scope) sends a
return for each period the agreement asks for; both sides read what is due, sent and overdue. The
council's list of what is due across its accounts comes from the same checks as its exceptions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.schedule import ReturnPeriod, next_review_due, return_periods
from agreements.payments import agreements_in_force
from agreements.reviews import record_review, returns_of, reviews_of, submit_return
from agreements.tables import AgreementReturnRow, AgreementReviewRow
from dp_platform.audit.writer import record_account_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.agreements import agreement_for
from dp_platform.workflows.exceptions import council_queue

DUE_SOON = timedelta(days=60)
"""The council's list shows reviews and returns due within the next two months, as well as overdue."""


@dataclass(frozen=True, slots=True)
class MonitoringState:
    agreement_id: uuid.UUID
    reference: str
    reviews: list[AgreementReviewRow]
    review_due_on: date
    periods: list[tuple[ReturnPeriod, AgreementReturnRow | None]]
    """Every return period that has ended, with the return sent for it (or None)."""


async def monitoring_state(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, today: date
) -> MonitoringState | None:
    """The account's reviews and returns under its agreement in force (None when there is none)."""
    access = await authorize(session, actor, account_id, Action.VIEW)
    in_force = (await agreements_in_force(session, [access.account.id], today)).get(access.account.id)
    if not in_force:
        return None
    agreement = in_force[-1]
    reviews = await reviews_of(session, agreement.agreement.id)
    sent = {row.period_from: row for row in await returns_of(session, agreement.agreement.id)}
    return MonitoringState(
        agreement.agreement.id,
        agreement.agreement.reference,
        reviews,
        next_review_due(agreement.terms, reviews[0].held_on if reviews else None),
        [(period, sent.get(period.period_from)) for period in return_periods(agreement.terms, today)],
    )


async def record_agreement_review(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    held_on: date,
    attendees: str,
    outcome: str,
    today: date,
) -> AgreementReviewRow:
    access = await authorize(session, actor, account_id, Action.MONITOR)
    agreement = await agreement_for(session, access, agreement_id)
    row = await record_review(
        session, agreement, held_on=held_on, attendees=attendees, outcome=outcome, user_id=actor.user_id, today=today
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="review.recorded",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "held_on": held_on.isoformat(),
            "attendees": row.attendees,
            "outcome": row.outcome,
        },
    )
    return row


async def submit_monitoring_return(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    period_from: date,
    closing_bank_pence: int,
    spent_pence: int,
    evidence: str,
    notes: str | None,
    today: date,
) -> AgreementReturnRow:
    access = await authorize(session, actor, account_id, Action.SUBMIT_RETURNS)
    agreement = await agreement_for(session, access, agreement_id)
    row = await submit_return(
        session,
        agreement,
        period_from=period_from,
        closing_bank_pence=closing_bank_pence,
        spent_pence=spent_pence,
        evidence=evidence,
        notes=notes,
        user_id=actor.user_id,
        today=today,
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="return.submitted",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "period_from": row.period_from.isoformat(),
            "period_to": row.period_to.isoformat(),
            "closing_bank_pence": row.closing_bank_pence,
            "spent_pence": row.spent_pence,
            "evidence": row.evidence,
        },
    )
    return row


@dataclass(frozen=True, slots=True)
class DueItem:
    account: DpAccountRow
    what: str
    """``review`` or ``return``."""
    due_on: date
    period: tuple[date, date] | None = None

    def overdue(self, today: date) -> bool:
        return self.due_on < today


async def council_due(session: AsyncSession, actor: Actor, today: date) -> list[DueItem]:
    """Reviews and returns overdue or due within two months, across the council, soonest first."""
    if actor.role not in AUTHORITY_ROLES:
        raise AccessDeniedError("The council's reviews and returns are for its own staff.")
    queue = await council_queue(session, actor, today)
    items: list[DueItem] = []
    for check in queue.checks:
        if check.account.closed_on is not None and check.account.closed_on <= today:
            continue
        facts = check.facts
        if facts.review_due_on is not None and facts.review_due_on <= today + DUE_SOON:
            items.append(DueItem(check.account, "review", facts.review_due_on))
        for first, last, due_on in facts.returns_unsent:
            if due_on <= today + DUE_SOON:
                items.append(DueItem(check.account, "return", due_on, (first, last)))
    return sorted(items, key=lambda item: (item.due_on, item.account.holder_name))
