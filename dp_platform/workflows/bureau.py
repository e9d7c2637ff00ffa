"""A payroll bureau's run: one pay period across every employer it holds a payroll mandate for.

Employers are taken a batch at a time: each batch's access checks, drafts, ledger entries and
audit events are read and written a few statements for the whole batch, in one transaction.
One employer's problem found while drafting (a PA without a date of birth, hours already paid)
is that employer's outcome and the others go ahead; pay below the PA minimum leaves that
employer's run as a draft for a person. A problem only writing shows (a concurrent finalise,
a ledger account missing) sends the batch back to one transaction an employer, the way a
person's own pay run goes. Each run is checked against the mandate and audited in that
employer's own trail with the mandate's id, with the same events a person's run writes.

A run taken up again after its worker stopped goes on where it was: a ``Journal`` keeps each
employer's outcome in the transaction of that employer's own work, and employers already in it
are not run again.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from dp_platform.audit.writer import PendingEvent, account_chain, append_events
from dp_platform.tenancy.access import AccountAccess, authorize_many, list_accounts
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.payroll import (
    draft_account_pay_run,
    drafted_details,
    finalise_account_pay_run,
    finalised_details,
)
from ledgers.columns import utc_now
from ledgers.errors import DomainError
from payroll.drafting import PayRun, draft_pay_runs
from payroll.errors import AlreadyPaidError
from payroll.periods import PayFrequency
from payroll.service import draft_and_finalise_pay_runs
from payroll.statuses import PayRunStatus
from payroll.tables import PersonalAssistantRow

BATCH_EMPLOYERS = 100
"""Employers in one transaction: a few hundred PAs, so a batch holds its locks briefly and progress moves."""
CONCURRENT_BATCHES = 2
"""Batches in flight at once: one computes while the other waits for the database."""


class OutcomeStatus(StrEnum):
    """What a bureau run did for one employer."""

    FINALISED = "finalised"
    DRAFT = "draft"
    """Left for a person: the run has findings, or finalising was not asked for."""
    SKIPPED = "skipped"
    """The period was paid already (a run started again after a finished batch): nothing paid twice."""
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EmployerOutcome:
    account_id: uuid.UUID
    reference: str
    status: OutcomeStatus
    payslips: int = 0
    gross_pence: int = 0
    detail: str = ""
    run_id: uuid.UUID | None = None


class Journal(Protocol):
    """Where a run keeps what each employer came to, so a repeat of the run skips them."""

    async def finished(self, session: AsyncSession) -> dict[uuid.UUID, EmployerOutcome]: ...

    async def keep(self, session: AsyncSession, outcomes: list[EmployerOutcome]) -> None:
        """Called inside the transaction that did the employers' work (or, for a refusal, its own)."""


async def bureau_accounts(session: AsyncSession, actor: Actor, frequency: PayFrequency) -> list[DpAccountRow]:
    """Accounts the bureau may run payroll for that have PAs on this frequency."""
    accounts = await list_accounts(session, actor, action=Action.RUN_PAYROLL)
    with_pas = set(
        await session.scalars(
            select(col(PersonalAssistantRow.account_id)).where(
                col(PersonalAssistantRow.pay_frequency) == frequency.value
            )
        )
    )
    return [account for account in accounts if account.id in with_pas]


async def run_bureau_payroll(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
    finalise: bool,
    progress: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
    batch_employers: int = BATCH_EMPLOYERS,
) -> list[EmployerOutcome]:
    async with sessions() as session:
        accounts = [(account.id, account.reference) for account in await bureau_accounts(session, actor, frequency)]
        finished = await journal.finished(session) if journal is not None else {}
    outcomes: list[EmployerOutcome | None] = [finished.get(account_id) for account_id, _ in accounts]
    done = sum(1 for outcome in outcomes if outcome is not None)
    if progress is not None:
        progress(done, len(accounts))
    gate = asyncio.Semaphore(CONCURRENT_BATCHES)
    waiting = [
        (index, account_id, reference)
        for index, (account_id, reference) in enumerate(accounts)
        if outcomes[index] is None
    ]
    period = Period(frequency, period_number, period_start, period_end, paid_on)

    async def one(batch: list[tuple[int, uuid.UUID, str]]) -> None:
        nonlocal done
        async with gate:
            found = await _run_batch(
                sessions,
                actor,
                [(account_id, reference) for _, account_id, reference in batch],
                period,
                finalise=finalise,
                journal=journal,
            )
        for (index, _, _), outcome in zip(batch, found, strict=True):
            outcomes[index] = outcome
        done += len(batch)
        if progress is not None:
            progress(done, len(accounts))

    await asyncio.gather(
        *(one(waiting[start : start + batch_employers]) for start in range(0, len(waiting), batch_employers))
    )
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass(frozen=True, slots=True)
class Period:
    frequency: PayFrequency
    number: int
    start: date
    end: date
    paid_on: date


async def _run_batch(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    employers: list[tuple[uuid.UUID, str]],
    period: Period,
    *,
    finalise: bool,
    journal: Journal | None,
) -> list[EmployerOutcome]:
    """A batch of employers in one transaction; one at a time when writing the batch fails."""
    try:
        async with sessions() as session, session.begin():
            # A batch that is safe to repeat (drafts recalculate, finalising is idempotent) need not wait
            # for the disk at its commit; a crash loses at most the last moments, never half.
            await session.execute(text("SET LOCAL synchronous_commit = off"))
            outcomes = await _batch_in(session, actor, employers, period, finalise=finalise)
            if journal is not None:
                await journal.keep(session, outcomes)
            return outcomes
    except DomainError:
        return [
            await _run_employer(sessions, actor, account_id, reference, period, finalise=finalise, journal=journal)
            for account_id, reference in employers
        ]


async def _batch_in(
    session: AsyncSession, actor: Actor, employers: list[tuple[uuid.UUID, str]], period: Period, *, finalise: bool
) -> list[EmployerOutcome]:
    references = dict(employers)
    accesses = await authorize_many(session, actor, list(references), Action.RUN_PAYROLL)
    outcomes: dict[uuid.UUID, EmployerOutcome] = {
        account_id: EmployerOutcome(account_id, references[account_id], OutcomeStatus.FAILED, detail=refused.detail)
        for account_id, refused in accesses.items()
        if isinstance(refused, DomainError)
    }
    allowed = {account_id: access for account_id, access in accesses.items() if isinstance(access, AccountAccess)}
    period_of = {
        "frequency": period.frequency,
        "period_number": period.number,
        "period_start": period.start,
        "period_end": period.end,
        "paid_on": period.paid_on,
    }
    if finalise:
        found = await draft_and_finalise_pay_runs(session, list(allowed), **period_of, finalised_at=utc_now())
    else:
        found = {
            account_id: run if isinstance(run, DomainError) else (run, None)
            for account_id, run in (await draft_pay_runs(session, list(allowed), **period_of)).items()
        }
    events, runs = [], []
    for account_id, result in found.items():
        if isinstance(result, DomainError):
            status = OutcomeStatus.SKIPPED if isinstance(result, AlreadyPaidError) else OutcomeStatus.FAILED
            outcomes[account_id] = EmployerOutcome(account_id, references[account_id], status, detail=result.detail)
            continue
        pay_run, entry = result
        access = allowed[account_id]
        events.append(_event(access, "payrun.drafted", pay_run, drafted_details(pay_run)))
        if entry is not None:
            events.append(_event(access, "payrun.finalised", pay_run, finalised_details(pay_run, entry)))
        runs.append(pay_run)
    await append_events(session, actor=actor, events=events)
    for pay_run in runs:
        account_id = pay_run.run.account_id
        outcomes[account_id] = _outcome(references[account_id], pay_run)
    return [outcomes[account_id] for account_id, _ in employers]


def _event(access: AccountAccess, action: str, pay_run: PayRun, details: dict[str, Any]) -> PendingEvent:
    account_id = access.account.id
    return PendingEvent(
        account_chain(account_id), account_id, access.mandate_id, action, "pay_run", pay_run.run.id, details
    )


def _outcome(reference: str, pay_run: PayRun) -> EmployerOutcome:
    run = pay_run.run
    status = OutcomeStatus.FINALISED if run.status == PayRunStatus.FINALISED else OutcomeStatus.DRAFT
    detail = ""
    if pay_run.findings:
        detail = f"{len(pay_run.findings)} fair-work finding(s): left as a draft for a person to decide"
    return EmployerOutcome(
        run.account_id, reference, status, len(pay_run.payslips), pay_run.total("gross_pence"), detail, run.id
    )


async def _run_employer(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    account_id: uuid.UUID,
    reference: str,
    period: Period,
    *,
    finalise: bool,
    journal: Journal | None = None,
) -> EmployerOutcome:
    """One employer in one transaction, through the workflows a person's own pay run uses."""
    try:
        async with sessions() as session, session.begin():
            pay_run = await draft_account_pay_run(
                session,
                actor,
                account_id,
                frequency=period.frequency,
                period_number=period.number,
                period_start=period.start,
                period_end=period.end,
                paid_on=period.paid_on,
            )
            if finalise and not pay_run.findings:
                await finalise_account_pay_run(
                    session, actor, account_id, pay_run.run.id, override_reason=None, drafted=pay_run
                )
            outcome = _outcome(reference, pay_run)
            if journal is not None:
                await journal.keep(session, [outcome])
            return outcome
    except AlreadyPaidError as error:  # run again after a finished batch: nothing is paid twice
        outcome = EmployerOutcome(account_id, reference, OutcomeStatus.SKIPPED, detail=error.detail)
    except DomainError as error:
        outcome = EmployerOutcome(account_id, reference, OutcomeStatus.FAILED, detail=error.detail)
    if journal is not None:
        async with sessions() as session, session.begin():
            await journal.keep(session, [outcome])
    return outcome
