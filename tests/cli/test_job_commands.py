"""``dp-platform jobs``: what an operator reads of the queue and the latest jobs."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.jobs.tables import JobRow
from tests.cli.running import run_cli_here

pytestmark = pytest.mark.cli


async def test_jobs_lists_progress_the_worker_holding_each_and_attempts(database_url, db, world):
    async with async_sessionmaker(db, expire_on_commit=False)() as session, session.begin():
        taken_up = JobRow(
            kind="bureau_payroll",
            organisation_id=world.organisations["X"],
            requested_by_user_id=world.users["bureau_x"],
            status="running",
            attempts=2,
            worker="worker-2 pid 4242",
            done=3,
            total=8,
            parameters={"period_number": 1},
        )
        refused = JobRow(
            kind="statement_import",
            account_id=world.accounts["a1"],
            requested_by_user_id=world.users["ann"],
            status="failed",
            attempts=1,
            error="year.csv, line 4, field 'Debit Amount': 'abc' is not an amount of money",
            parameters={"filename": "year.csv"},
        )
        session.add_all([taken_up, refused])
    result = await asyncio.to_thread(run_cli_here, "jobs", DP_DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Queue: 0 waiting, 0 in hand; 0 worker(s) alive."
    [running] = [line for line in lines if str(taken_up.id) in line]
    assert "bureau_payroll" in running and "3 of 8" in running and "worker-2 pid 4242, attempt 2" in running
    [failed] = [line for line in lines if str(refused.id) in line]
    assert "failed" in failed and "attempt" not in failed
    assert "      year.csv, line 4, field 'Debit Amount': 'abc' is not an amount of money" in lines
    assert lines[-1] == "2 job(s) shown, newest first."
