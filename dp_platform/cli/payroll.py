"""``dp-platform payroll bureau-run``: one pay period for every employer a bureau runs payroll for."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlmodel import col

from dp_platform.cli.common import _connect, _say
from dp_platform.settings import ConfigurationError, Settings


async def _bureau_run(url: str, args: argparse.Namespace, batch: int):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.tenancy.access import load_user_actor
    from dp_platform.tenancy.roles import Role
    from dp_platform.tenancy.tables import UserRow
    from dp_platform.workflows.bureau import run_bureau_payroll
    from payroll.periods import PayFrequency

    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            user = await session.scalar(select(UserRow).where(col(UserRow.email) == args.as_user.strip().lower()))
            actor = await load_user_actor(session, user.id) if user else None
        if actor is None or actor.role is not Role.BUREAU_STAFF:
            raise ConfigurationError(f"{args.as_user} is not an active member of a bureau's staff.")
        columns = (TextColumn("Pay runs"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("employers", total=None)
            return await run_bureau_payroll(
                sessions,
                actor,
                frequency=PayFrequency(args.frequency),
                period_number=args.period,
                period_start=args.period_start,
                period_end=args.period_end,
                paid_on=args.paid_on,
                finalise=args.finalise,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                batch_employers=batch,
            )
    finally:
        await engine.dispose()


def cmd_bureau_run(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.workflows.bureau import OutcomeStatus
    from ledgers.money import Money

    settings, _ = _connect(settings, migrate=False)
    outcomes = asyncio.run(_bureau_run(settings.database_url, args, settings.bureau_batch_employers))  # type: ignore[arg-type]
    for outcome in outcomes:
        _say(
            f"  {outcome.reference:<14} {outcome.status:<10} {outcome.payslips:>3} payslip(s) "
            f"{Money(outcome.gross_pence)!s:>12}  {outcome.detail}"
        )
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in OutcomeStatus}
    skipped = counts[OutcomeStatus.SKIPPED]
    _say(
        f"{len(outcomes)} employer(s): {counts[OutcomeStatus.FINALISED]} finalised, "
        f"{counts[OutcomeStatus.DRAFT]} left as drafts, "
        + (f"{skipped} skipped (paid already for the period), " if skipped else "")
        + f"{counts[OutcomeStatus.FAILED]} failed."
    )
    return 1 if counts[OutcomeStatus.FAILED] else 0
