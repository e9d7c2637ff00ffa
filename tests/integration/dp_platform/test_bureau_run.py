"""A bureau's run across its employers: findings stay drafts, failures do not stop the others."""

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.tenancy.access import load_user_actor
from dp_platform.workflows.bureau import run_bureau_payroll
from payroll.periods import PayFrequency
from tests.cli.test_commands import _pa_with_hours

pytestmark = pytest.mark.integration


async def test_underpaid_employers_are_left_as_drafts_with_the_reason(db, world):
    await _pa_with_hours(db, world.accounts["a1"], "Ailsa Mackay", 1200)  # below the PA minimum 13.45 and NLW 12.71
    sessions = async_sessionmaker(db, expire_on_commit=False)
    async with sessions() as session:
        actor = await load_user_actor(session, world.users["bureau_x"])
    seen = []
    outcomes = await run_bureau_payroll(
        sessions,
        actor,
        frequency=PayFrequency.FOUR_WEEKLY,
        period_number=1,
        period_start=date(2026, 4, 6),
        period_end=date(2026, 5, 3),
        paid_on=date(2026, 5, 1),
        finalise=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    [outcome] = outcomes
    assert outcome.status == "draft"
    assert outcome.detail == "2 fair-work finding(s): left as a draft for a person to decide"
    assert seen == [(0, 1), (1, 1)], "how many employers, before the first is done"


async def test_running_a_finished_batch_again_pays_nobody_twice(db, world):
    await _pa_with_hours(db, world.accounts["a1"], "Ailsa Mackay", 1400)
    sessions = async_sessionmaker(db, expire_on_commit=False)
    async with sessions() as session:
        actor = await load_user_actor(session, world.users["bureau_x"])
    period = {
        "frequency": PayFrequency.FOUR_WEEKLY,
        "period_number": 1,
        "period_start": date(2026, 4, 6),
        "period_end": date(2026, 5, 3),
        "paid_on": date(2026, 5, 1),
        "finalise": True,
    }
    [first] = await run_bureau_payroll(sessions, actor, **period)
    assert first.status == "finalised", first.detail
    [again] = await run_bureau_payroll(sessions, actor, **period)
    assert again.status == "skipped" and "reverse that run first" in again.detail
