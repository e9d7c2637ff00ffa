"""Monitoring reports over a period: for one account (anyone who may view it) or for a whole council
(its own staff), built from the same reading of the records as the portfolio and the exception queue.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.report import MonitoringReport, ReportException, ReportLine
from dp_platform.monitoring.statuses import ExceptionState
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import AuthorityRow
from dp_platform.workflows.exceptions import Queue, account_exceptions, council_queue
from dp_platform.workflows.overview import OWED
from ledgers.chart import AUTHORITY_PAYMENTS, DP_BANK
from ledgers.errors import DomainError
from ledgers.service import book_balances_on, book_credits, spend_between


class ReportPeriodError(DomainError):
    title = "Report period not valid"


def check_period(period_from: date, period_to: date, today: date) -> None:
    if period_to < period_from:
        raise ReportPeriodError("The period ends on or after the day it starts.", field="period_to")
    if period_to > today:
        raise ReportPeriodError(
            "A report covers days that have happened: end the period today or earlier.", field="period_to"
        )


async def _report(
    session: AsyncSession,
    queue: Queue,
    title: str,
    council: str,
    period_from: date,
    period_to: date,
    made_by: str,
    today: date,
) -> MonitoringReport:
    ids = [check.account.id for check in queue.checks]
    held = await book_balances_on(session, ids, [DP_BANK, *OWED], period_to)
    received = await book_credits(session, ids, AUTHORITY_PAYMENTS, period_from, period_to)
    spent = await spend_between(session, {account_id: (period_from, period_to) for account_id in ids})
    open_items = [item for item in queue.items if item.status == ExceptionState.OPEN]
    open_by_account: dict[uuid.UUID, int] = {}
    for item in open_items:
        open_by_account[item.account.id] = open_by_account.get(item.account.id, 0) + 1
    lines = tuple(
        ReportLine(
            person=check.account.holder_name,
            reference=check.account.reference,
            bank_pence=held.get((check.account.id, DP_BANK.value), 0),
            owed_pence=-sum(held.get((check.account.id, code.value), 0) for code in OWED),
            received_pence=received.get(check.account.id, 0),
            spent_pence=spent.get(check.account.id, 0),
            weeks_held=check.weeks_held,
            open_exceptions=open_by_account.get(check.account.id, 0),
        )
        for check in sorted(queue.checks, key=lambda check: (check.account.holder_name, check.account.reference))
    )
    exceptions = tuple(
        ReportException(
            person=item.account.holder_name,
            reference=item.account.reference,
            title=item.title,
            sentence=item.sentence,
            found_on=item.found_on,
            amount_pence=item.finding.amount_pence if item.finding else None,
            state=f"With {item.assigned_to}" if item.assigned_to else "Open",
        )
        for item in sorted(open_items, key=lambda item: (item.account.holder_name, item.found_on, item.key))
    )
    return MonitoringReport(title, council, period_from, period_to, today, made_by, lines, exceptions)


async def council_report(
    session: AsyncSession, actor: Actor, period_from: date, period_to: date, today: date
) -> MonitoringReport:
    check_period(period_from, period_to, today)
    queue = await council_queue(session, actor, today)
    authority = await session.get(AuthorityRow, actor.authority_id)
    if authority is None:  # pragma: no cover - council staff always belong to an authority
        raise AccessDeniedError("Council reports are for the council's own staff.")
    return await _report(
        session,
        queue,
        "Direct Payments monitoring report",
        authority.name,
        period_from,
        period_to,
        actor.display_name,
        today,
    )


async def account_report(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, period_from: date, period_to: date, today: date
) -> MonitoringReport:
    check_period(period_from, period_to, today)
    access = await authorize(session, actor, account_id, Action.VIEW)
    queue = await account_exceptions(session, actor, account_id, today)
    authority = await session.get(AuthorityRow, access.account.authority_id)
    return await _report(
        session,
        queue,
        f"Direct Payment report: {access.account.holder_name}",
        authority.name if authority else "",
        period_from,
        period_to,
        actor.display_name,
        today,
    )
