"""Reviews held and monitoring returns sent, and what is due across a council."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Body

from agreements.errors import AgreementNotFoundError
from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.reviews import DueOut, MonitoringOut, ReturnIn, ReturnPeriodOut, ReviewIn, ReviewOut
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.policy import today as current_day
from dp_platform.workflows.agreement_reviews import (
    DueItem,
    MonitoringState,
    monitoring_state,
    record_agreement_review,
    submit_monitoring_return,
)
from dp_platform.workflows.councils import council_due_items
from dp_platform.workflows.records import AgreementReviewRow


def to_review(row: AgreementReviewRow) -> ReviewOut:
    return ReviewOut(id=row.id, held_on=row.held_on, attendees=row.attendees, outcome=row.outcome)


def to_monitoring(state: MonitoringState, today: date) -> MonitoringOut:
    return MonitoringOut(
        agreement_id=state.agreement_id,
        reference=state.reference,
        review_due_on=state.review_due_on,
        reviews=[to_review(row) for row in state.reviews],
        returns=[
            ReturnPeriodOut(
                period_from=period.period_from,
                period_to=period.period_to,
                due_on=period.due_on,
                status="sent" if sent else ("overdue" if period.due_on < today else "due"),
                closing_bank_pence=sent.closing_bank_pence if sent else None,
                spent_pence=sent.spent_pence if sent else None,
                evidence=sent.evidence if sent else None,
            )
            for period, sent in state.periods
        ],
    )


class ReviewController(Controller):
    path = "/api"
    tags = ["Monitoring"]

    @get("/accounts/{account_id:uuid}/monitoring", operation_id="GetAccountMonitoring")
    async def monitoring(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> MonitoringOut:
        """The reviews held and the next one due, and every return period that has ended: sent, due or overdue."""
        today = current_day()
        state = await monitoring_state(db_session, actor, account_id, today)
        if state is None:
            raise AgreementNotFoundError("There is no agreement in force on this account.", field="account_id")
        return to_monitoring(state, today)

    @post("/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/reviews", operation_id="RecordReview")
    async def review(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[ReviewIn, Body()],
    ) -> ReviewOut:
        """The council records a review held with the person; the next falls due ``review_months`` later."""
        row = await record_agreement_review(
            db_session,
            actor,
            account_id,
            agreement_id,
            held_on=data.held_on,
            attendees=data.attendees,
            outcome=data.outcome,
            today=current_day(),
        )
        return to_review(row)

    @post("/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/returns", operation_id="SubmitReturn")
    async def submit(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[ReturnIn, Body()],
    ) -> MonitoringOut:
        """The person, or an organisation with the ``submit_returns`` scope, sends a period's return."""
        today = current_day()
        await submit_monitoring_return(
            db_session,
            actor,
            account_id,
            agreement_id,
            period_from=data.period_from,
            closing_bank_pence=data.closing_bank_pence,
            spent_pence=data.spent_pence,
            evidence=data.evidence,
            notes=data.notes,
            today=today,
        )
        state = await monitoring_state(db_session, actor, account_id, today)
        assert state is not None
        return to_monitoring(state, today)

    @get("/authorities/{authority_id:uuid}/due", operation_id="ListCouncilDue")
    async def due(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[DueOut]]:
        """Reviews and returns overdue or due within two months across the council, soonest first, in
        pages of at most 1,000 (a Link header names the next)."""
        today = current_day()
        page = keyset(limit, after, date, str, str)

        def key(item: DueItem) -> tuple[date, str, str]:
            return (item.due_on, item.account.reference, item.what)

        items = page.slice(sorted(await council_due_items(db_session, actor, authority_id, today), key=key), key)
        return page_of(
            request,
            page,
            items,
            key,
            lambda item: DueOut(
                account_id=item.account.id,
                reference=item.account.reference,
                holder_name=item.account.holder_name,
                what=item.what,
                due_on=item.due_on,
                overdue=item.overdue(today),
                period_from=item.period[0] if item.period else None,
                period_to=item.period[1] if item.period else None,
            ),
        )
