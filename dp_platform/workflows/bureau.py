"""A payroll bureau's run: one pay period across every employer it holds a payroll mandate for.

Each employer is its own transaction, so one employer's problem (a PA without a date of
birth, pay below the PA minimum) is reported and the others go ahead. Everything goes through
the same workflows a person uses, so each run is checked against the mandate and audited
in that employer's own trail with the mandate's id.

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
from typing import Protocol

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dp_platform.tenancy.access import list_accounts
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.payroll import draft_account_pay_run, finalise_account_pay_run
from ledgers.errors import DomainError
from payroll.errors import AlreadyPaidError
from payroll.periods import PayFrequency
from payroll.tables import PersonalAssistantRow

CONCURRENT_EMPLOYERS = 4
"""Employers in flight at once: enough to keep the database busy while Python computes, no more."""


@dataclass(frozen=True, slots=True)
class EmployerOutcome:
    account_id: uuid.UUID
    reference: str
    status: str
    """``finalised``, ``draft`` (left for a person: findings, or finalising not asked), ``skipped`` or ``failed``."""
    payslips: int = 0
    gross_pence: int = 0
    detail: str = ""
    run_id: uuid.UUID | None = None


class Journal(Protocol):
    """Where a run keeps what each employer came to, so a repeat of the run skips them."""

    async def finished(self, session: AsyncSession) -> dict[uuid.UUID, EmployerOutcome]: ...

    async def keep(self, session: AsyncSession, outcome: EmployerOutcome) -> None:
        """Called inside the transaction that did the employer's work (or, for a refusal, its own)."""


async def bureau_accounts(session: AsyncSession, actor: Actor, frequency: PayFrequency) -> list[DpAccountRow]:
    """Accounts the bureau may run payroll for that have PAs on this frequency."""
    accounts = await list_accounts(session, actor, action=Action.RUN_PAYROLL)
    with_pas = set(
        await session.scalars(
            select(PersonalAssistantRow.employer_account_id).where(
                PersonalAssistantRow.pay_frequency == frequency.value
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
) -> list[EmployerOutcome]:
    async with sessions() as session:
        accounts = [(account.id, account.reference) for account in await bureau_accounts(session, actor, frequency)]
        finished = await journal.finished(session) if journal is not None else {}
    outcomes: list[EmployerOutcome | None] = [finished.get(account_id) for account_id, _ in accounts]
    done = sum(1 for outcome in outcomes if outcome is not None)
    if progress is not None:
        progress(done, len(accounts))
    gate = asyncio.Semaphore(CONCURRENT_EMPLOYERS)

    async def one(index: int, account_id: uuid.UUID, reference: str) -> None:
        nonlocal done
        async with gate:
            outcomes[index] = await _run_employer(
                sessions,
                actor,
                account_id,
                reference,
                frequency=frequency,
                period_number=period_number,
                period_start=period_start,
                period_end=period_end,
                paid_on=paid_on,
                finalise=finalise,
                journal=journal,
            )
        done += 1
        if progress is not None:
            progress(done, len(accounts))

    await asyncio.gather(
        *(
            one(index, account_id, reference)
            for index, (account_id, reference) in enumerate(accounts)
            if outcomes[index] is None
        )
    )
    return [outcome for outcome in outcomes if outcome is not None]


async def _run_employer(
    sessions: async_sessionmaker[AsyncSession],
    actor: Actor,
    account_id: uuid.UUID,
    reference: str,
    *,
    frequency: PayFrequency,
    period_number: int,
    period_start: date,
    period_end: date,
    paid_on: date,
    finalise: bool,
    journal: Journal | None = None,
) -> EmployerOutcome:
    """One employer in one transaction: its run, finalised unless there are findings."""
    try:
        async with sessions() as session, session.begin():
            # A batch that is safe to repeat (drafts recalculate, finalising is idempotent) need not wait
            # for the disk at each employer's commit; a crash loses at most the last moments, never half.
            await session.execute(text("SET LOCAL synchronous_commit = off"))
            # Held for the whole transaction, so both access checks find it in the session's identity map.
            _held = await session.get(DpAccountRow, account_id)
            pay_run = await draft_account_pay_run(
                session,
                actor,
                account_id,
                frequency=frequency,
                period_number=period_number,
                period_start=period_start,
                period_end=period_end,
                paid_on=paid_on,
            )
            status, detail = "draft", ""
            if pay_run.findings:
                detail = f"{len(pay_run.findings)} fair-work finding(s): left as a draft for a person to decide"
            elif finalise:
                await finalise_account_pay_run(
                    session, actor, account_id, pay_run.run.id, override_reason=None, drafted=pay_run
                )
                status = "finalised"
            gross = pay_run.total("gross_pence")
            slips = len(pay_run.payslips)
            outcome = EmployerOutcome(account_id, reference, status, slips, gross, detail, pay_run.run.id)
            if journal is not None:
                await journal.keep(session, outcome)
            return outcome
    except AlreadyPaidError as error:  # run again after a finished batch: nothing is paid twice
        outcome = EmployerOutcome(account_id, reference, "skipped", detail=error.detail)
    except DomainError as error:
        outcome = EmployerOutcome(account_id, reference, "failed", detail=error.detail)
    if journal is not None:
        async with sessions() as session, session.begin():
            await journal.keep(session, outcome)
    return outcome
