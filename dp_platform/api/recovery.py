"""Surplus and recovery on an agreement: the conversation first, then recovery by invoice or netting."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body

from dp_platform.api.schemas.recovery import (
    ConversationIn,
    ConversationOut,
    RecoveryIn,
    RecoveryOut,
    RecoveryPaidIn,
    SurplusOut,
    UpcomingPaymentOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.records import AgreementConversationRow, AgreementRecoveryRow
from dp_platform.workflows.recovery import (
    record_recovery_paid,
    record_surplus_conversation,
    recover_surplus,
    surplus_state,
)


def to_conversation(row: AgreementConversationRow) -> ConversationOut:
    return ConversationOut(
        id=row.id,
        held_on=row.held_on,
        attendees=row.attendees,
        outcome=row.outcome,
        kept_for=row.kept_for,
        kept_pence=row.kept_pence,
    )


def to_recovery(row: AgreementRecoveryRow) -> RecoveryOut:
    return RecoveryOut(
        id=row.id,
        conversation_id=row.conversation_id,
        amount_pence=row.amount_pence,
        method=row.method,
        net_from_due_on=row.net_from_due_on,
        status=row.status,
        raised_on=row.raised_on,
        settled_on=row.settled_on,
    )


class RecoveryController(Controller):
    path = "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}"
    tags = ["Monitoring"]

    @get("/surplus", operation_id="GetSurplus")
    async def surplus(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID
    ) -> SurplusOut:
        """The surplus above the threshold today, the conversations held about it, the recoveries
        raised, and the payments still to come that a recovery could be netted from."""
        state = await surplus_state(db_session, actor, account_id, agreement_id, today())
        return SurplusOut(
            surplus_pence=state.surplus_pence,
            conversations=[to_conversation(row) for row in state.conversations],
            recoveries=[to_recovery(row) for row in state.recoveries],
            upcoming=[UpcomingPaymentOut(due_on=due_on, net_pence=pence) for due_on, pence in state.upcoming],
        )

    @post("/conversations", operation_id="RecordSurplusConversation", status_code=201)
    async def conversation(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[ConversationIn, Body()],
    ) -> ConversationOut:
        """The council's conversation with the person about money held: needed before any recovery."""
        row = await record_surplus_conversation(
            db_session,
            actor,
            account_id,
            agreement_id,
            held_on=data.held_on,
            attendees=data.attendees,
            outcome=data.outcome,
            kept_for=data.kept_for,
            kept_pence=data.kept_pence,
            today=today(),
        )
        return to_conversation(row)

    @post("/recoveries", operation_id="RecoverSurplus", status_code=201)
    async def recover(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[RecoveryIn, Body()],
    ) -> RecoveryOut:
        """Recover part of the surplus after a recorded conversation: by invoice, or by netting it from a
        scheduled payment still to come. Council finance only."""
        row = await recover_surplus(
            db_session,
            actor,
            account_id,
            agreement_id,
            conversation_id=data.conversation_id,
            amount_pence=data.amount_pence,
            method=data.method,
            net_from_due_on=data.net_from_due_on,
            today=today(),
        )
        return to_recovery(row)

    @post("/recoveries/{recovery_id:uuid}/paid", operation_id="RecordRecoveryPaid", status_code=200)
    async def paid(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        recovery_id: uuid.UUID,
        data: Annotated[RecoveryPaidIn, Body()],
    ) -> RecoveryOut:
        """The person paid the surplus invoice."""
        row = await record_recovery_paid(db_session, actor, account_id, agreement_id, recovery_id, data.paid_on)
        return to_recovery(row)
