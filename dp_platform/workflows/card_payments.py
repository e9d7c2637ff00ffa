"""Money paid in through Stripe: the person's own contribution, and a surplus the council recovers.

Council finance records who pays (a Stripe customer and the card or Direct Debit they set up with the
council) and asks for a payment; Stripe says later, through the webhook, whether it was paid. Only
then does the ledger move, once, however often Stripe delivers the news: a contribution lands with the
money held for the card; a recovery is the person's surplus invoice paid from their bank account, which
their next bank statement shows and the reconciliation matches.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.recovery import record_invoice_paid
from agreements.service import load_agreement
from agreements.statuses import RecoveryStatus
from agreements.tables import AgreementRecoveryRow, AgreementRow
from dp_platform.audit.writer import note_unchanged, record_account_event, record_event
from dp_platform.cards.gateway import StripeGateway, event_time
from dp_platform.cards.statuses import CardPaymentStatus
from dp_platform.cards.tables import CardPaymentRow, StripePayerRow
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import SCOTTISH_TIME, Action, Actor
from dp_platform.workflows.ledger import open_account_book
from dp_platform.workflows.recovery import recovery_paid_details
from ledgers.chart import DP_CARD, OWN_CONTRIBUTION
from ledgers.columns import utc_now
from ledgers.entries import JournalEntryDraft, Posting
from ledgers.errors import DomainError, IdempotencyConflictError
from ledgers.keyset import Keyset
from ledgers.money import Money
from ledgers.service import post_entry
from ledgers.tables import JournalEntryRow

PURPOSES = {"contribution": "own contribution", "recovery": "surplus repayment"}


class CardPaymentError(DomainError):
    title = "The payment cannot be asked for"


class PaymentNotYetRecordedError(DomainError):
    category = "unavailable"
    title = "Not recorded yet"


async def payer_of(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> StripePayerRow | None:
    await authorize(session, actor, account_id, Action.VIEW)
    return await session.get(StripePayerRow, account_id)


async def account_card_payments(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, page: Keyset
) -> list[CardPaymentRow]:
    """Newest first."""
    await authorize(session, actor, account_id, Action.VIEW)
    query = select(CardPaymentRow).where(col(CardPaymentRow.account_id) == account_id)
    return list(
        await session.scalars(
            page.apply(query, col(CardPaymentRow.created_at), col(CardPaymentRow.id), descending=True)
        )
    )


async def set_payer(
    session: AsyncSession,
    actor: Actor,
    gateway: StripeGateway,
    account_id: uuid.UUID,
    *,
    customer_id: str,
    payment_method_id: str,
) -> StripePayerRow:
    access = await authorize(session, actor, account_id, Action.COLLECT_PAYMENTS)
    customer_id, payment_method_id = customer_id.strip(), payment_method_id.strip()
    if not customer_id.startswith("cus_"):
        raise CardPaymentError("A Stripe customer's id starts cus_.", field="customer")
    if not payment_method_id.startswith(("pm_", "card_", "src_")):
        raise CardPaymentError("A Stripe payment method's id starts pm_.", field="payment_method")
    row = await session.get(StripePayerRow, account_id, with_for_update=True)
    if row is not None and (row.stripe_customer_id, row.stripe_payment_method_id) == (customer_id, payment_method_id):
        note_unchanged()
        return row
    description = await gateway.describe_payer(customer_id, payment_method_id)
    row = row or StripePayerRow(account_id=account_id, stripe_customer_id="", stripe_payment_method_id="")
    row.stripe_customer_id, row.stripe_payment_method_id = customer_id, payment_method_id
    row.description, row.updated_at = description, utc_now()
    session.add(row)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="card_payment.payer_set",
        subject_type="dp_account",
        subject_id=account_id,
        details={"customer": customer_id, "payment_method": payment_method_id, "description": description},
    )
    return row


async def _recovery_to_pay(
    session: AsyncSession, account_id: uuid.UUID, recovery_id: uuid.UUID | None, amount_pence: int
) -> AgreementRecoveryRow:
    if recovery_id is None:
        raise CardPaymentError("Say which surplus recovery the payment is for.", field="recovery_id")
    recovery = await session.get(AgreementRecoveryRow, recovery_id)
    agreement = await session.get(AgreementRow, recovery.agreement_id) if recovery else None
    if recovery is None or agreement is None or agreement.account_id != account_id:
        raise CardPaymentError("There is no such recovery on this account.", field="recovery_id")
    if recovery.method != "invoice" or recovery.status != RecoveryStatus.RAISED:
        raise CardPaymentError("Only a surplus invoice not yet paid can be paid by card.", field="recovery_id")
    if amount_pence != recovery.amount_pence:
        raise CardPaymentError(
            f"The invoice is for {Money(recovery.amount_pence)}; ask for exactly that.", field="amount_pence"
        )
    waiting = await session.scalar(
        select(col(CardPaymentRow.id)).where(
            col(CardPaymentRow.recovery_id) == recovery_id,
            col(CardPaymentRow.status).in_((CardPaymentStatus.PROCESSING, CardPaymentStatus.SUCCEEDED)),
        )
    )
    if waiting is not None:
        raise CardPaymentError("A payment for this invoice is already on its way.", field="recovery_id")
    return recovery


async def ask_for_payment(
    session: AsyncSession,
    actor: Actor,
    gateway: StripeGateway,
    account_id: uuid.UUID,
    *,
    purpose: str,
    amount_pence: int,
    recovery_id: uuid.UUID | None,
    idempotency_key: str,
) -> CardPaymentRow:
    access = await authorize(session, actor, account_id, Action.COLLECT_PAYMENTS)
    if purpose not in PURPOSES:
        raise CardPaymentError("A payment is the person's contribution or a surplus recovery.", field="purpose")
    if amount_pence <= 0:
        raise CardPaymentError("Ask for more than nothing.", field="amount_pence")
    held = await session.scalar(
        select(CardPaymentRow).where(
            col(CardPaymentRow.account_id) == account_id, col(CardPaymentRow.idempotency_key) == idempotency_key
        )
    )
    if held is not None:
        if (held.purpose, held.amount_pence, held.recovery_id) != (purpose, amount_pence, recovery_id):
            raise IdempotencyConflictError(
                "This idempotency key was used for another payment; use a new key.", field="idempotency_key"
            )
        note_unchanged()
        return held
    if purpose == "recovery":
        await _recovery_to_pay(session, account_id, recovery_id, amount_pence)
    elif recovery_id is not None:
        raise CardPaymentError("A contribution is not a recovery: leave recovery_id out.", field="recovery_id")
    payer = await session.get(StripePayerRow, account_id)
    if payer is None:
        raise CardPaymentError("Record who pays first: their Stripe customer and payment method.", field="payer")
    await open_account_book(session, actor, access.account)
    payment_id = uuid.uuid4()
    started = await gateway.ask_for_payment(
        amount_pence=amount_pence,
        customer_id=payer.stripe_customer_id,
        payment_method_id=payer.stripe_payment_method_id,
        description=f"{PURPOSES[purpose].capitalize()}: Direct Payment {access.account.reference}",
        metadata={"dp_account_id": str(account_id), "dp_payment_id": str(payment_id), "purpose": purpose},
        idempotency_key=f"{account_id}:{idempotency_key}",
    )
    row = CardPaymentRow(
        id=payment_id,
        account_id=account_id,
        stripe_payment_intent_id=started.payment_intent_id,
        purpose=purpose,
        recovery_id=recovery_id,
        amount_pence=amount_pence,
        idempotency_key=idempotency_key,
        requested_by_user_id=actor.user_id,
        details={"payer": payer.description},
    )
    session.add(row)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="card_payment.requested",
        subject_type="card_payment",
        subject_id=row.id,
        details={
            "purpose": purpose,
            "amount_pence": amount_pence,
            "payer": payer.description,
            "stripe_payment_intent": started.payment_intent_id,
        },
    )
    return row


async def _post_payment(session: AsyncSession, payment: CardPaymentRow, paid_on: date) -> tuple[uuid.UUID, str]:
    if payment.purpose == "contribution":
        amount = Money(payment.amount_pence)
        posted = await post_entry(
            session,
            JournalEntryDraft(
                book_id=payment.account_id,
                occurred_on=paid_on,
                narration="Own contribution paid by card or Direct Debit",
                postings=(Posting(DP_CARD, amount), Posting(OWN_CONTRIBUTION, -amount)),
                idempotency_key=f"stripe:{payment.stripe_payment_intent_id}",
                source="card_payment",
            ),
        )
        return posted.entry.id, "card_payment.contribution_received"
    recovery = await session.get(AgreementRecoveryRow, payment.recovery_id)
    assert recovery is not None
    agreement = await load_agreement(session, recovery.agreement_id)
    await record_invoice_paid(session, agreement, recovery.id, paid_on)
    entry_id = await session.scalar(
        select(col(JournalEntryRow.id)).where(
            col(JournalEntryRow.book_id) == payment.account_id,
            col(JournalEntryRow.idempotency_key) == f"recovery:{recovery.id}:paid",
        )
    )
    assert entry_id is not None
    return entry_id, "surplus.invoice_paid"


async def follow_payment_event(session: AsyncSession, event: dict[str, Any]) -> tuple[str, uuid.UUID | None]:
    """``payment_intent.succeeded``, ``.payment_failed`` or ``.canceled``. Success is final; news older
    than what the payment last heard (a failure delivered after the success) changes nothing."""
    intent = event["data"]["object"]
    payment = await session.scalar(
        select(CardPaymentRow)
        .where(col(CardPaymentRow.stripe_payment_intent_id) == str(intent.get("id", "")))
        .with_for_update()
    )
    if payment is None:
        metadata = intent.get("metadata") or {}
        if isinstance(metadata, dict) and metadata.get("dp_payment_id"):
            # asked for by this platform, and Stripe's news came before the asking committed: Stripe
            # retries a delivery that is not answered 2xx, and by then the payment is recorded
            raise PaymentNotYetRecordedError(
                f"Payment {metadata['dp_payment_id']} is not recorded yet; deliver again.", field="data.object.id"
            )
        return "not a payment this platform asked for", None
    when: datetime = event_time(event)
    new_status = {
        "payment_intent.succeeded": CardPaymentStatus.SUCCEEDED,
        "payment_intent.payment_failed": "failed",
        "payment_intent.canceled": CardPaymentStatus.CANCELLED,
    }[event["type"]]
    older = payment.status_at is not None and when < payment.status_at
    if payment.status == CardPaymentStatus.SUCCEEDED or (
        older and new_status != CardPaymentStatus.SUCCEEDED
    ):  # money received is final
        return f"{new_status} is older news than {payment.status}: nothing changed", payment.account_id
    if payment.status == new_status:
        return f"{new_status} already", payment.account_id
    previous = payment.status
    payment.status, payment.status_at = new_status, when
    details: dict[str, Any] = {
        "purpose": payment.purpose,
        "amount_pence": payment.amount_pence,
        "stripe_payment_intent": payment.stripe_payment_intent_id,
        "was": previous,
    }
    action, subject_type, subject_id = f"card_payment.{new_status}", "card_payment", str(payment.id)
    if new_status == CardPaymentStatus.SUCCEEDED:
        if int(intent.get("amount_received") or intent.get("amount") or 0) != payment.amount_pence:
            payment.status, payment.failure = "failed", "Stripe reports another amount than was asked for"
            action, details["failure"] = "card_payment.failed", payment.failure
        else:
            paid_on = when.astimezone(SCOTTISH_TIME).date()
            payment.entry_id, action = await _post_payment(session, payment, paid_on)
            details |= {"entry_id": str(payment.entry_id), "paid_on": paid_on.isoformat()}
            if payment.purpose == "recovery":
                recovery = await session.get(AgreementRecoveryRow, payment.recovery_id)
                agreement = await session.get(AgreementRow, recovery.agreement_id) if recovery else None
                assert recovery is not None and agreement is not None
                details |= recovery_paid_details(recovery, agreement)
                subject_type, subject_id = "agreement", str(agreement.id)
    else:
        error = intent.get("last_payment_error") or {}
        payment.failure = (
            str(error.get("message") or "Stripe gave no reason")[:500]
            if new_status == CardPaymentStatus.FAILED
            else None
        )
        details["failure"] = payment.failure
    session.add(payment)
    await session.flush()
    await record_event(
        session,
        actor=None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        account_id=payment.account_id,
        details=details,
    )
    return f"{payment.purpose} {payment.status}", payment.account_id
