"""A bureau's pay run for all its clients through the API: queued (202), done by a worker (here the app
server itself, as one process runs), followed by the bureau and by nobody else; a run taken up again
after its worker stopped does no employer twice."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.jobs.bureau_payroll import run_bureau_job
from dp_platform.jobs.tables import JobItemRow, JobRow
from payroll.tables import PayRunRow, PayslipRow
from tests.cli.test_commands import _pa_with_hours

pytestmark = pytest.mark.api

PERIOD = {"period_number": 1, "period_start": "2026-04-06", "period_end": "2026-05-03", "paid_on": "2026-05-01"}
RUNS = "/api/bureau/pay-runs"


async def _count(db, table) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_run_is_queued_done_and_followed_by_the_bureau(api, world, db):
    await _pa_with_hours(db, world.accounts["a1"], "Ailsa Mackay", 1400)
    started = await api.post(RUNS, headers=world.headers("bureau_x"), json={**PERIOD, "finalise": True})
    assert started.status_code == 202, started.text
    assert started.headers["location"] == started.json()["href"]
    run = (await api.get(started.headers["location"], headers=world.headers("bureau_x"))).json()
    assert run["status"] == "done" and run["attempts"] == 1, run
    assert run["employers_done"] == run["employers"] == 1
    [outcome] = run["outcomes"]
    assert outcome["account_id"] == str(world.accounts["a1"])
    assert outcome["status"] == "finalised" and outcome["payslips"] == 1 and outcome["gross_pence"] == 5 * 750 * 14
    listed = (await api.get(RUNS, headers=world.headers("bureau_x"))).json()
    assert [item["id"] for item in listed] == [run["id"]]
    async with db.connect() as connection:
        queued = (await connection.execute(text("SELECT count(*) FROM procrastinate_jobs"))).scalar_one()
    assert queued == 0, "a finished job leaves nothing on the queue"


async def test_only_a_bureau_starts_a_run_and_only_its_own_staff_follow_it(api, world, db):
    for outsider in ("ann", "finance_a", "worker_a"):
        refused = await api.post(RUNS, headers=world.headers(outsider), json=PERIOD)
        assert refused.status_code == 403, (outsider, refused.text)
    started = await api.post(RUNS, headers=world.headers("bureau_x"), json=PERIOD)
    href = started.headers["location"]
    for outsider in ("bureau_y", "ann", "finance_a"):
        assert (await api.get(href, headers=world.headers(outsider))).status_code == 404, outsider
    assert (await api.get(RUNS, headers=world.headers("bureau_y"))).json() == []
    assert await _count(db, JobRow) == 1


async def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_is_queued(api, world, db):
    refused = await api.post(
        RUNS, headers=world.headers("bureau_x"), json={**PERIOD, "period_end": "2026-04-01", "finalise": True}
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["field"] == "period_end"
    unknown = await api.post(RUNS, headers=world.headers("bureau_x"), json={**PERIOD, "frequency": "weekly"})
    assert unknown.status_code == 400
    assert await _count(db, JobRow) == 0
    async with db.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM procrastinate_jobs"))).scalar_one() == 0


async def test_a_run_taken_up_again_goes_on_where_it_was_and_pays_nobody_twice(api, world, db):
    await _pa_with_hours(db, world.accounts["a1"], "Ailsa Mackay", 1400)
    await _pa_with_hours(db, world.accounts["a2"], "Rory Bell", 1400)
    started = await api.post(RUNS, headers=world.headers("bureau_x"), json={**PERIOD, "finalise": True})
    job_id = uuid.UUID(started.json()["id"])
    first = (await api.get(started.headers["location"], headers=world.headers("bureau_x"))).json()
    employers = first["employers"]
    assert employers >= 1 and {o["status"] for o in first["outcomes"]} == {"finalised"}
    # As a worker killed after some employers committed leaves it: still running, those employers kept.
    sessions = async_sessionmaker(db, expire_on_commit=False)
    async with sessions() as session, session.begin():
        await session.execute(update(JobRow).where(JobRow.id == job_id).values(status="running", result=[], done=0))
    runs_before, slips_before = await _count(db, PayRunRow), await _count(db, PayslipRow)
    await run_bureau_job(sessions, job_id)
    again = (await api.get(started.headers["location"], headers=world.headers("bureau_x"))).json()
    assert again["status"] == "done" and again["attempts"] == 2
    assert again["outcomes"] == first["outcomes"], "the kept outcomes, not 'already paid' refusals"
    assert (await _count(db, PayRunRow), await _count(db, PayslipRow)) == (runs_before, slips_before)
    assert await _count(db, JobItemRow) == employers
