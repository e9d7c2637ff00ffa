"""A managed-account provider's fees, charged as each person's agreement says, to the penny.

The agreement in force names the third party's set-up fee and its fee for each payment of the
schedule (``agreements.terms``). Charging runs over the provider's clients up to a day: the set-up
fee once from the day the person joined, then a fee for each scheduled payment due since; each at
most once, however often charging runs. A fee moves no bank money (it stays in the client account):
the person's sub-ledger gives it to the provider's own money, their share shows it as a line, and
their own records post it as payroll and account services, so it is in their statement, their
spending and the council's reports, and in their audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.payments import schedule_of
from agreements.service import account_agreements, load_agreement
from agreements.template import long_date
from agreements.terms import ManagedBy
from dp_platform.audit.writer import note_unchanged, record_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.client_money import client_account
from dp_platform.workflows.reconciliation import post_statement_line
from ledgers.accounts import AccountCode
from ledgers.client_money.service import charge, members_of
from ledgers.client_money.tables import PoolMemberRow
from ledgers.tables import StatementLineRow

FEES = AccountCode("expenses:payroll_services")


@dataclass(frozen=True, slots=True)
class FeesCharged:
    charged: int
    total_pence: int


async def _due(
    session: AsyncSession, member: PoolMemberRow, provider: str, until: date
) -> list[tuple[str, date, int, str]]:
    """Each fee the person's agreements in force make due by ``until``: (key, day, pence, description)."""
    due = []
    for row in await account_agreements(session, member.member_book_id):
        if row.in_force_version is None:
            continue
        agreement = await load_agreement(session, row.id)
        terms = agreement.terms(agreement.in_force)
        if terms.managed_by is not ManagedBy.THIRD_PARTY:
            continue
        if terms.third_party_setup_fee_pence:
            day = max(member.joined_on, terms.starts_on)
            due.append((f"setup:{row.id}", day, terms.third_party_setup_fee_pence, f"{provider} set-up fee"))
        if terms.third_party_fee_per_payment_pence:
            due += [
                (
                    f"payment:{row.id}:{payment.due_on.isoformat()}",
                    payment.due_on,
                    terms.third_party_fee_per_payment_pence,
                    f"{provider} fee for the payment of {long_date(payment.due_on)}",
                )
                for payment in schedule_of(agreement)
                if member.joined_on <= payment.due_on
            ]
    return [fee for fee in due if fee[1] <= until]


async def charge_agreed_fees(session: AsyncSession, actor: Actor, pool_id: uuid.UUID, on: date) -> FeesCharged:
    """Every fee the clients' agreements make due by ``on`` and not yet charged, charged now."""
    held = await client_account(session, actor, pool_id)
    provider = held.organisation.name
    charged, total = 0, 0
    for member in await members_of(session, pool_id):
        until = min(on, member.left_on) if member.left_on else on
        fees = await _due(session, member, provider, until)
        if not fees:
            continue
        access = await authorize(session, actor, member.member_book_id, Action.MANAGE_MONEY)
        for key, day, pence, description in fees:
            share = await charge(session, pool_id, member.id, key=key, on=day, pence=pence, description=description)
            if share is None:
                continue
            line = await session.scalar(
                select(StatementLineRow).where(col(StatementLineRow.statement_id) == share.statement_id)
            )
            assert line is not None
            await record_event(
                session,
                actor=actor,
                action="client_money.fee_charged",
                subject_type="statement_line",
                subject_id=line.id,
                account_id=member.member_book_id,
                mandate_id=access.mandate_id,
                details={
                    "provider": provider,
                    "description": description,
                    "amount_pence": pence,
                    "on": day.isoformat(),
                },
            )
            await post_statement_line(
                session,
                actor,
                member.member_book_id,
                access.mandate_id,
                line,
                FEES,
                narration=description,
                said={"because": "the fee the agreement sets"},
            )
            charged, total = charged + 1, total + pence
    if not charged:
        note_unchanged()
    return FeesCharged(charged, total)
