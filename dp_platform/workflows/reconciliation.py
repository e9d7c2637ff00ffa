"""Reconciling a DP account's bank statements with its ledger: access, then the change, then its audit event."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_account_event, record_event
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.spending import check_line
from ledgers.accounts import AccountCode
from ledgers.categories.tables import LineCategoryRow
from ledgers.chart import spend_category_of
from ledgers.money import Money
from ledgers.reconcile import Match
from ledgers.reconcile_service import (
    MatchError,
    Period,
    ReconciliationReport,
    auto_reconcile,
    match_manually,
    post_bank_line,
    reconciliation_report,
    unmatch,
)
from ledgers.service import PostedEntry
from ledgers.tables import MatchRow, StatementLineRow
from payroll.bank_payments import match_payment, payroll_dues


async def record_matches(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
    period: Period,
    matches: list[Match],
) -> None:
    """One event for the lines a run of the matcher paired, each with its reason."""
    if not matches:
        return
    await record_event(
        session,
        actor=actor,
        action="ledger.auto_reconciled",
        subject_type="ledger",
        subject_id=account_id,
        account_id=account_id,
        mandate_id=mandate_id,
        details={
            "occurred_from": period.occurred_from.isoformat(),
            "occurred_to": period.occurred_to.isoformat(),
            "matches": [[str(match.line_id), str(match.entry_id), match.explanation] for match in matches],
        },
    )


async def post_statement_line(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
    line: StatementLineRow,
    account: AccountCode,
    *,
    narration: str | None = None,
    said: dict[str, str] | None = None,
) -> PostedEntry:
    """A bank line made into an entry by the platform itself, with the event saying why (``said``)."""
    posted = await post_bank_line(session, account_id, line.id, account=account, narration=narration)
    await record_event(
        session,
        actor=actor,
        action="ledger.line_posted",
        subject_type="statement_line",
        subject_id=line.id,
        account_id=account_id,
        mandate_id=mandate_id,
        details={
            "entry_id": str(posted.entry.id),
            "account": account.value,
            "amount_pence": line.amount_pence,
            **(said or {}),
        },
    )
    return posted


async def auto_reconcile_account(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, period: Period
) -> list[Match]:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    matches = await auto_reconcile(session, account_id, period)
    if not matches:
        note_unchanged()
    await record_matches(session, actor, account_id, access.mandate_id, period, matches)
    return matches


async def match_line(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, line_id: uuid.UUID, entry_id: uuid.UUID
) -> MatchRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row = await match_manually(session, account_id, line_id, entry_id)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.line_matched",
        subject_type="statement_line",
        subject_id=line_id,
        details={"entry_id": str(entry_id)},
    )
    return row


async def unmatch_line(session: AsyncSession, actor: Actor, account_id: uuid.UUID, line_id: uuid.UUID) -> MatchRow:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    row = await unmatch(session, account_id, line_id)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.line_unmatched",
        subject_type="statement_line",
        subject_id=line_id,
        details={"entry_id": str(row.entry_id), "was_matched_by": row.matched_by},
    )
    return row


async def _not_a_payroll_payment(session: AsyncSession, account_id: uuid.UUID, line_id: uuid.UUID) -> None:
    """Wages, tax and pension were counted as spending when their pay run was finalised; the payment
    out of the bank clears what is owed, so posting it as spending again would count it twice."""
    line = await session.get(StatementLineRow, line_id)
    if line is None or line.book_id != account_id or line.amount_pence >= 0:
        return
    dues = await payroll_dues(session, account_id, line.value_on)
    index = match_payment(line.value_on, -line.amount_pence, dues, set())
    if index is not None:
        due = dues[index]
        raise MatchError(
            f"This {Money(-line.amount_pence)} is the {due.says}: post it against {due.code.value}, which it "
            "clears. The pay run counted it as spending already.",
            field="account",
        )


async def post_line(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    line_id: uuid.UUID,
    *,
    account: str,
    narration: str | None,
) -> PostedEntry:
    access = await authorize(session, actor, account_id, Action.RECORD_ENTRIES)
    if account.startswith("expenses:"):
        await _not_a_payroll_payment(session, account_id, line_id)
    posted = await post_bank_line(session, account_id, line_id, account=AccountCode(account), narration=narration)
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.line_posted",
        subject_type="statement_line",
        subject_id=line_id,
        details={
            "entry_id": str(posted.entry.id),
            "account": account,
            "amount_pence": next(line.amount_pence for line in posted.lines if line.account.value != account),
        },
    )
    category = spend_category_of(account)
    if category is not None and not posted.replayed:
        current = await session.get(LineCategoryRow, line_id)
        await check_line(
            session,
            actor,
            access,
            line_id,
            category=category,
            outcome=current.outcome if current else None,
            relationship=current.relationship if current else "none",
        )
    return posted


async def account_reconciliation(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, period: Period
) -> ReconciliationReport:
    await authorize(session, actor, account_id, Action.VIEW)
    return await reconciliation_report(session, account_id, period)
