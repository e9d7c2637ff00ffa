"""The demo's story is told on recent days: seeded on any day, its records end on or before that day,
its pay periods are the tax year's, and the council's payments it shows are not overdue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from agreements.payments import payment_states
from agreements.service import account_agreements, load_agreement
from dp_platform.db.engine import create_engine
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.demo import seed_demo
from dp_platform.demo.calendar import DemoCalendar, rates_known_until
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import DpAccountRow, UserRow
from dp_platform.workflows.my_pay import my_jobs
from ledgers.tables import StatementRow
from payroll.periods import four_weekly_period
from payroll.tables import PayRunRow

pytestmark = pytest.mark.integration


async def _user(session, name):
    return await session.scalar(select(UserRow.id).where(UserRow.email == f"{name}@example.org"))


def test_the_story_moves_by_whole_periods_and_never_past_the_rates():
    assert DemoCalendar.for_day(date(2026, 5, 20)).periods == 0
    assert DemoCalendar.for_day(date(2026, 6, 16)).periods == 0
    assert DemoCalendar.for_day(date(2026, 6, 17)).periods == 1
    told = DemoCalendar.for_day(date(2026, 12, 1))
    assert told.periods == 6 and told.on(date(2026, 4, 6)) == date(2026, 9, 21)
    late = DemoCalendar.for_day(date(2030, 1, 1))
    assert late.on(date(2026, 5, 31)) <= rates_known_until()
    assert late.period(2) <= 13


@pytest.mark.parametrize("today", [date(2026, 5, 25), date(2026, 12, 1)])
async def test_seeded_on_a_day_the_demo_is_true_on_that_day(make_database, today):
    url = await make_database("dp_demo_story")
    await upgrade_to_head(url)
    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            assert await seed_demo(session, today=today)
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            statement = await session.scalar(select(StatementRow))
            assert statement is not None and statement.end_on <= today
            assert (today - statement.end_on).days < 28
            runs = {run.status: run for run in await session.scalars(select(PayRunRow))}
            finalised = runs["finalised"]
            number, first, last = four_weekly_period(finalised.period_start)
            assert (number, first, last) == (finalised.period_number, finalised.period_start, finalised.period_end)
            assert "draft" in runs  # Callum's, held back by the fair-work check
            morag = await session.scalar(select(DpAccountRow).where(DpAccountRow.reference == "DP-0001"))
            [row] = await account_agreements(session, morag.id)
            states = await payment_states(session, await load_agreement(session, row.id), today)
            assert [state.status for state in states if state.scheduled.due_on <= today].count("missed") <= 1
            assert states[0].status == "received"
            # the person and his mother each sign in to Callum's account; Ailsa reads her own pay
            isla = await load_user_actor(session, await _user(session, "isla"))
            callum = await load_user_actor(session, await _user(session, "callum"))
            assert isla.account_ids == callum.account_ids != frozenset()
            ailsa = await load_user_actor(session, await _user(session, "ailsa"))
            [job] = await my_jobs(session, ailsa)
            assert job.employer.reference == "DP-0001" and [paid.run.status for paid in job.payslips] == ["finalised"]
    finally:
        await engine.dispose()
