"""A council's own work read through an address that names the council (``/api/authorities/{id}/...``).

The work itself is the reader's own council's (each workflow below reads ``actor.authority_id``); what
this module adds is the refusal when the address names another council, so that a finance officer of
one council asking with another's id is told so, not shown their own council's figures.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.report import MonitoringReport
from dp_platform.jobs.council_report import report_job_file, report_job_of, report_jobs, start_council_report
from dp_platform.jobs.tables import JobFileRow, JobRow
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.agreement_reviews import DueItem, council_due
from dp_platform.workflows.exceptions import Queue, council_queue
from dp_platform.workflows.portfolio import PortfolioLine, authority_portfolio
from dp_platform.workflows.reports import council_report
from ledgers.categories.service import local_rules
from ledgers.categories.taxonomy import Rule, national


def own_council(actor: Actor, authority_id: uuid.UUID, refusal: str) -> None:
    if actor.authority_id is None or actor.authority_id != authority_id:
        raise AccessDeniedError(refusal)


async def council_exceptions(session: AsyncSession, actor: Actor, authority_id: uuid.UUID, today: date) -> Queue:
    own_council(actor, authority_id, "A council's exceptions are read by its own staff.")
    return await council_queue(session, actor, today)


async def council_portfolio(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, today: date
) -> list[PortfolioLine]:
    own_council(actor, authority_id, "A council's portfolio is read by its own staff.")
    return await authority_portfolio(session, actor, today)


async def council_due_items(session: AsyncSession, actor: Actor, authority_id: uuid.UUID, today: date) -> list[DueItem]:
    own_council(actor, authority_id, "A council's reviews and returns are read by its own staff.")
    return await council_due(session, actor, today)


async def council_spend_rules(session: AsyncSession, actor: Actor, authority_id: uuid.UUID) -> list[Rule]:
    own_council(actor, authority_id, "A council's local spend rules are read by its own staff.")
    return await local_rules(session, authority_id, national())


async def council_report_now(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, period_from: date, period_to: date, today: date
) -> MonitoringReport:
    own_council(actor, authority_id, "A council's reports are read by its own staff.")
    return await council_report(session, actor, period_from, period_to, today)


async def ask_for_council_report(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, period_from: date, period_to: date, today: date
) -> JobRow:
    own_council(actor, authority_id, "A council's reports are read by its own staff.")
    return await start_council_report(session, actor, period_from, period_to, today)


async def council_reports(session: AsyncSession, actor: Actor, authority_id: uuid.UUID) -> list[JobRow]:
    own_council(actor, authority_id, "A council's reports are read by its own staff.")
    return await report_jobs(session, actor)


async def council_report_job(session: AsyncSession, actor: Actor, authority_id: uuid.UUID, job_id: uuid.UUID) -> JobRow:
    own_council(actor, authority_id, "A council's reports are read by its own staff.")
    return await report_job_of(session, actor, job_id)


async def council_report_file(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, job_id: uuid.UUID, name: str
) -> JobFileRow:
    own_council(actor, authority_id, "A council's reports are read by its own staff.")
    return await report_job_file(session, actor, job_id, name)
