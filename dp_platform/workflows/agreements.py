"""Direct Payment agreements for an account: each step checked for who may take it, and audited
in the account's chain, which the person and the authority both read.

The authority (a social worker) drafts, varies and ends agreements and signs for the authority;
the person or their representative signs for themselves, never a bureau through a mandate.
The pay floor the terms are checked against is the platform's dated Scottish PA minimum.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.errors import AgreementNotFoundError
from agreements.payments import arrivals, payment_states, record_received
from agreements.service import (
    Agreement,
    TerminationReason,
    account_agreements,
    draft_agreement,
    load_agreement,
    local_wording,
    redraft,
    set_local_wording,
    sign,
    terminate,
    vary,
    withdraw,
)
from agreements.statuses import AgreementStatus
from agreements.tables import AgreementPaymentRow, AgreementRow
from agreements.validation import Floor
from dp_platform.audit.writer import authority_chain, note_unchanged, record_account_event, record_event
from dp_platform.tenancy.access import AccountAccess, authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import SCOTTISH_TIME, Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import AccountMemberRow
from ledgers.columns import utc_now
from ledgers.keyset import Keyset
from ledgers.tables import StatementLineRow
from payroll.rates import series


def pa_minimum_floors() -> list[Floor]:
    return [
        Floor(value.effective_from, value.effective_to, int(value["hourly_rate_pence"]), value.reference)
        for value in series("scotgov.pa_minimum_hourly_rate").values
    ]


async def agreement_for(
    session: AsyncSession, access: AccountAccess, agreement_id: uuid.UUID, *, lock: bool = False
) -> Agreement:
    """The agreement, if it belongs to the account access was granted on (else: not found)."""
    agreement = await load_agreement(session, agreement_id, lock=lock)
    if agreement.agreement.account_id != access.account.id:
        raise AgreementNotFoundError(f"There is no agreement {agreement_id}.", field="agreement_id")
    return agreement


async def viewable_agreement(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID
) -> Agreement:
    """The agreement, when the caller may see the account it belongs to."""
    return await agreement_for(session, await authorize(session, actor, account_id, Action.VIEW), agreement_id)


async def agreements_of(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, page: Keyset
) -> list[AgreementRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await account_agreements(session, account_id, page=page)


def _version_details(agreement: Agreement) -> dict[str, Any]:
    version = agreement.latest
    return {
        "reference": agreement.agreement.reference,
        "version": version.number,
        "content_hash": version.content_hash,
        "warnings": list(version.warnings),
    }


async def draft_for_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, template_key: str, terms: dict[str, Any]
) -> Agreement:
    access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
    count = await session.scalar(select(func.count()).where(col(AgreementRow.account_id) == account_id))
    agreement = await draft_agreement(
        session,
        account_id=account_id,
        authority_id=access.account.authority_id,
        reference=f"{access.account.reference}-A{(count or 0) + 1}",
        template_key=template_key,
        terms=terms,
        floors=pa_minimum_floors(),
        local=await local_wording(session, access.account.authority_id, template_key),
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.drafted",
        subject_type="agreement",
        subject_id=agreement.agreement.id,
        details={**_version_details(agreement), "template": template_key},
    )
    return agreement


async def redraft_for_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, terms: dict[str, Any]
) -> Agreement:
    access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
    current = await agreement_for(session, access, agreement_id)
    local = await local_wording(session, access.account.authority_id, current.agreement.template_key)
    agreement, changed = await redraft(session, agreement_id, terms=terms, floors=pa_minimum_floors(), local=local)
    if not changed:
        note_unchanged()
        return agreement
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.redrafted",
        subject_type="agreement",
        subject_id=agreement_id,
        details=_version_details(agreement),
    )
    return agreement


async def sign_for_account(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    number: int,
    shown_hash: str,
) -> Agreement:
    """The person (or representative) signs for themselves; an authority worker for the authority."""
    if actor.role is Role.EMPLOYER:
        access = await authorize(session, actor, account_id, Action.SIGN_AS_HOLDER)
        party = "holder"
        capacity = await session.scalar(
            select(col(AccountMemberRow.capacity)).where(
                col(AccountMemberRow.account_id) == account_id, col(AccountMemberRow.user_id) == actor.user_id
            )
        )
    else:
        access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
        party = capacity = "authority"
    await agreement_for(session, access, agreement_id)
    agreement, in_force = await sign(
        session,
        agreement_id,
        number,
        party=party,
        capacity=capacity or "holder",
        signer_user_id=actor.user_id,  # type: ignore[arg-type]
        signer_name=actor.display_name,
        shown_hash=shown_hash,
        signed_at=utc_now(),
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.signed",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "version": number,
            "party": party,
            "capacity": capacity,
            "content_hash": shown_hash,
            "in_force": in_force,
        },
    )
    return agreement


async def vary_for_account(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    terms: dict[str, Any],
    reason: str,
) -> Agreement:
    access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
    current = await agreement_for(session, access, agreement_id)
    local = await local_wording(session, access.account.authority_id, current.agreement.template_key)
    agreement, clauses, changed_terms = await vary(
        session, agreement_id, terms=terms, reason=reason, floors=pa_minimum_floors(), local=local
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.variation_drafted",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            **_version_details(agreement),
            "reason": reason,
            "clauses_changed": [clause.id for clause in clauses],
            "terms_changed": [term.path for term in changed_terms],
        },
    )
    return agreement


async def withdraw_for_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, number: int, reason: str
) -> Agreement:
    access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
    await agreement_for(session, access, agreement_id)
    agreement = await withdraw(session, agreement_id, number)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.version_withdrawn",
        subject_type="agreement",
        subject_id=agreement_id,
        details={"reference": agreement.agreement.reference, "version": number, "reason": reason},
    )
    return agreement


async def terminate_for_account(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    reason: TerminationReason,
    notified_on: date,
    last_day: date,
    explanation: str,
) -> Agreement:
    access = await authorize(session, actor, account_id, Action.ISSUE_AGREEMENT)
    await agreement_for(session, access, agreement_id)
    agreement = await terminate(
        session, agreement_id, reason=reason, notified_on=notified_on, last_day=last_day, explanation=explanation
    )
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.terminated",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "reason": reason.value,
            "notified_on": notified_on.isoformat(),
            "last_day": last_day.isoformat(),
            "explanation": explanation,
        },
    )
    return agreement


async def set_authority_wording(
    session: AsyncSession,
    actor: Actor,
    authority_id: uuid.UUID,
    template_key: str,
    clause_id: str,
    *,
    summary: str,
    text: str,
) -> None:
    """An authority worker rewords a localisable clause for their own authority's new agreements."""
    if actor.role is not Role.AUTHORITY_WORKER or actor.authority_id != authority_id:
        raise AccessDeniedError("Only the authority's own social work staff can word its agreements.")
    changed = await set_local_wording(
        session, authority_id, template_key, clause_id, summary=summary, text=text, updated_at=utc_now()
    )
    if not changed:
        note_unchanged()
        return
    await record_event(
        session,
        actor=actor,
        action="agreement_wording.set",
        subject_type="agreement_clause",
        subject_id=f"{template_key}#{clause_id}",
        chain=authority_chain(authority_id),
        details={"template": template_key, "clause": clause_id, "summary": summary, "text": text},
    )


async def record_payment_for_account(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    agreement_id: uuid.UUID,
    *,
    due_on: date,
    received_on: date,
) -> AgreementPaymentRow:
    """The holder (or their bookkeeper) records a scheduled payment as arrived: it posts to the ledger."""
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    agreement = await agreement_for(session, access, agreement_id)
    payment, posted, already = await record_received(session, agreement, due_on, received_on)
    if already:
        note_unchanged()
        return payment
    await record_account_event(
        session,
        access,
        actor=actor,
        action="agreement.payment_received",
        subject_type="agreement",
        subject_id=agreement_id,
        details={
            "reference": agreement.agreement.reference,
            "due_on": due_on.isoformat(),
            "received_on": received_on.isoformat(),
            "amount_pence": payment.amount_pence,
            "ledger_entry_id": str(posted.entry.id),
        },
    )
    return payment


async def receive_from_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
) -> int:
    """Scheduled payments that a newly imported statement shows arriving are recorded as received."""
    lines = [
        (value_on, pence)
        for value_on, pence in (
            await session.execute(
                select(col(StatementLineRow.value_on), col(StatementLineRow.amount_pence)).where(
                    col(StatementLineRow.statement_id) == statement_id, col(StatementLineRow.amount_pence) > 0
                )
            )
        ).all()
    ]
    if not lines:
        return 0
    received = 0
    for row in await account_agreements(session, account_id):
        if row.status != AgreementStatus.IN_FORCE:
            continue
        agreement = await load_agreement(session, row.id)
        for due_on, value_on in arrivals(
            await payment_states(session, agreement, datetime.now(SCOTTISH_TIME).date()), lines
        ):
            payment, posted, already = await record_received(session, agreement, due_on, value_on)
            if already:
                continue
            received += 1
            await record_event(
                session,
                actor=actor,
                action="agreement.payment_received",
                subject_type="agreement",
                subject_id=row.id,
                account_id=account_id,
                mandate_id=mandate_id,
                details={
                    "reference": row.reference,
                    "due_on": due_on.isoformat(),
                    "received_on": value_on.isoformat(),
                    "amount_pence": payment.amount_pence,
                    "ledger_entry_id": str(posted.entry.id),
                    "found_on": "imported bank statement",
                },
            )
    return received
