"""Surplus and recovery for an account: the council records its conversation with the person, then
its finance staff may recover what the conversation left, by invoice or by netting from a scheduled
payment. The surplus is the council's own check (money free to spend above its threshold), so the
figure on the exception and the most that can be recovered are the same number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.catalogue import Check
from agreements.payments import payment_states
from agreements.recovery import (
    conversations_of,
    raise_recovery,
    record_conversation,
    record_invoice_paid,
    recoveries_of,
)
from agreements.tables import AgreementConversationRow, AgreementRecoveryRow, AgreementRow
from dp_platform.audit.writer import record_account_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.agreements import agreement_for
from dp_platform.workflows.monitoring import check_accounts


@dataclass(frozen=True, slots=True)
class SurplusState:
    surplus_pence: int
    """Money free to spend above the threshold today (0 when there is none)."""
    conversations: list[AgreementConversationRow]
    recoveries: list[AgreementRecoveryRow]
    upcoming: list[tuple[date, int]]
    """Scheduled payments still to come that a recovery could be netted from, with what each pays."""


async def surplus_state(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, today: date
) -> SurplusState:
    access = await authorize(session, actor, account_id, Action.VIEW)
    agreement = await agreement_for(session, access, agreement_id)
    [checked] = await check_accounts(session, [access.account], today)
    surplus = sum(f.amount_pence or 0 for f in checked.findings if f.check is Check.SURPLUS)
    states = await payment_states(session, agreement, today)
    upcoming = [
        (state.scheduled.due_on, state.scheduled.net_pence)
        for state in states
        if state.received is None and state.scheduled.due_on > today and not state.scheduled.recovered_pence
    ]
    return SurplusState(
        surplus,
        await conversations_of(session, agreement_id),
        await recoveries_of(session, [agreement_id]),
        upcoming,
    )


async def record_surplus_conversation(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    held_on: date,
    attendees: str,
    outcome: str,
    kept_for: str | None,
    kept_pence: int,
    today: date,
) -> AgreementConversationRow:
    access = await authorize(session, actor, account_id, Action.MONITOR)
    agreement = await agreement_for(session, access, agreement_id)
    row = await record_conversation(
        session,
        agreement,
        held_on=held_on,
        attendees=attendees,
        outcome=outcome,
        kept_for=kept_for,
        kept_pence=kept_pence,
        user_id=actor.user_id,
        today=today,
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="surplus.conversation_recorded",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "held_on": held_on.isoformat(),
            "attendees": row.attendees,
            "outcome": row.outcome,
            "kept_for": row.kept_for,
            "kept_pence": row.kept_pence,
        },
    )
    return row


async def recover_surplus(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    conversation_id: uuid.UUID,
    amount_pence: int,
    method: str,
    net_from_due_on: date | None,
    today: date,
) -> AgreementRecoveryRow:
    access = await authorize(session, actor, account_id, Action.RECOVER_SURPLUS)
    agreement = await agreement_for(session, access, agreement_id, lock=True)
    state = await surplus_state(session, actor, account_id, agreement_id, today)
    recovery = await raise_recovery(
        session,
        agreement,
        conversation_id=conversation_id,
        amount_pence=amount_pence,
        method=method,
        net_from_due_on=net_from_due_on,
        recoverable_pence=state.surplus_pence,
        user_id=actor.user_id,
        today=today,
        scheduled_net=dict(state.upcoming),
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="surplus.recovery_raised",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "amount_pence": amount_pence,
            "method": method,
            "net_from_due_on": recovery.net_from_due_on.isoformat() if recovery.net_from_due_on else None,
            "conversation_id": str(conversation_id),
        },
    )
    return recovery


async def record_recovery_paid(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    recovery_id: uuid.UUID,
    paid_on: date,
) -> AgreementRecoveryRow:
    access = await authorize(session, actor, account_id, Action.RECOVER_SURPLUS)
    agreement = await agreement_for(session, access, agreement_id)
    recovery = await record_invoice_paid(session, agreement, recovery_id, paid_on)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="surplus.invoice_paid",
        subject_type="agreement",
        subject_id=agreement_id,
        details=recovery_paid_details(recovery, agreement.agreement),
    )
    return recovery


def recovery_paid_details(recovery: AgreementRecoveryRow, agreement: AgreementRow) -> dict[str, Any]:
    """The invoice paid, as the audit trail says it, whether a person recorded it or Stripe reported it."""
    return {
        "reference": agreement.reference,
        "amount_pence": recovery.amount_pence,
        "paid_on": recovery.settled_on.isoformat() if recovery.settled_on else None,
    }
