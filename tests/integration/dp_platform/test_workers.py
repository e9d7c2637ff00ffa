"""Two app servers and two workers on one PostgreSQL, each its own process, as docker-compose runs them.

A bureau run is started on one app server; the workers do it; the other app server reports its
progress. The worker holding the run is killed (SIGKILL, as a lost machine) part way through: the
other worker takes the run up when the first one's heartbeat stops, and no employer is paid twice.

"Part way" is made, not waited for: the test holds the mandates of the last batches' employers
(a run holds each mandate it writes under), so the run stops there on any machine. On a fast one
the whole run takes less than the half second between progress reports.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import date

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.bureau import START, populate_bureau
from dp_platform.db.engine import create_engine
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.workflows.bureau import CONCURRENT_BATCHES
from tests.served import free_port
from tests.world import set_password

pytestmark = [pytest.mark.cli, pytest.mark.slow]

PAS, PER_EMPLOYER = 120, 2
EMPLOYERS = PAS // PER_EMPLOYER
BATCH = 10
HELD_EMPLOYERS = CONCURRENT_BATCHES * BATCH
"""The last batches: every batch the run has in flight waits on them, so its progress stops short."""
UNHELD = EMPLOYERS - HELD_EMPLOYERS
PASSWORD = "a long enough password for the bureau"


def _start(url: str, *args: str, **environ: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DP_DATABASE_URL": url,
        "DP_LOG_LEVEL": "warning",
        "DP_WORKER_IN_APP": "false",
        "DP_JOB_HEARTBEAT_SECONDS": "1",
        "DP_JOB_STALLED_AFTER_SECONDS": "3",
        "DP_BUREAU_BATCH_EMPLOYERS": str(BATCH),
        **environ,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "dp_platform.cli", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def _until(condition, within: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await condition()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what}: not within {within} s")


async def test_a_run_started_on_one_app_is_done_by_the_workers_and_survives_losing_one(make_database):
    url = await make_database("dp_workers")
    await upgrade_to_head(url)
    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    staff_id = await populate_bureau(sessions, PAS, PER_EMPLOYER)
    await set_password(engine, staff_id, PASSWORD)

    held = await engine.connect()
    apps: list[subprocess.Popen[bytes]] = []
    workers: list[subprocess.Popen[bytes]] = []
    try:
        await held.begin()
        await held.execute(
            text(
                "SELECT mandate.id FROM platform_mandates AS mandate "
                "JOIN platform_dp_accounts AS account ON account.id = mandate.account_id "
                "ORDER BY account.reference DESC, account.id DESC LIMIT :last FOR UPDATE OF mandate"
            ),
            {"last": HELD_EMPLOYERS},
        )
        ports = [free_port(), free_port()]
        apps += [_start(url, "serve", "--port", str(port)) for port in ports]
        workers += [_start(url, "worker", "--concurrency", "1") for _ in range(2)]
        first, other = (f"http://127.0.0.1:{port}" for port in ports)
        async with httpx.AsyncClient(timeout=30) as client:

            async def both_up() -> bool:
                for base in (first, other):
                    try:
                        if (await client.get(f"{base}/health")).status_code != 200:
                            return False
                    except httpx.TransportError:
                        return False
                return True

            await _until(both_up, 60, "both app servers answering")
            login = await client.post(
                f"{first}/api/auth/login", json={"email": "bench@bureau.example", "password": PASSWORD}
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            started = await client.post(
                f"{first}/api/bureau/pay-runs",
                headers=headers,
                json={
                    "period_number": 1,
                    "period_start": START.isoformat(),
                    "period_end": date(2026, 5, 3).isoformat(),
                    "paid_on": "2026-05-01",
                    "finalise": True,
                },
            )
            assert started.status_code == 202, started.text
            href = started.headers["location"]
            seen: list[tuple[str, int, int]] = []

            async def progress_on_the_other_app() -> dict | None:
                body = (await client.get(f"{other}{href}", headers=headers)).json()
                seen.append((body["status"], body["employers_done"], body["employers"]))
                return body if body["status"] == "running" and body["employers_done"] == UNHELD else None

            await _until(progress_on_the_other_app, 90, "the run part done, as the other app server sees it")
            assert seen[-1] == ("running", UNHELD, EMPLOYERS), seen
            async with engine.connect() as connection:
                holder = (
                    await connection.execute(text("SELECT worker FROM platform_jobs WHERE kind = 'bureau_payroll'"))
                ).scalar_one()
            killed = next(worker for worker in workers if holder.endswith(f" pid {worker.pid}"))
            killed.send_signal(signal.SIGKILL)
            killed.wait(10)
            await held.rollback()  # the last batches may go on now, in the other worker

            async def finished() -> dict | None:
                body = (await client.get(f"{other}{href}", headers=headers)).json()
                seen.append((body["status"], body["employers_done"], body["employers"]))
                return body if body["status"] in ("done", "failed") else None

            done = await _until(finished, 120, "the run finished by the other worker")
        assert done["status"] == "done", done
        assert done["attempts"] == 2, "taken up again once, after the first worker stopped"
        assert done["employers_done"] == done["employers"] == EMPLOYERS
        assert len(done["outcomes"]) == EMPLOYERS
        assert {outcome["status"] for outcome in done["outcomes"]} == {"finalised"}
        assert sum(outcome["payslips"] for outcome in done["outcomes"]) == PAS
        assert any(status == "running" and 0 < done_ < EMPLOYERS for status, done_, _ in seen)
        survivor = next(worker for worker in workers if worker is not killed)
        async with engine.connect() as connection:
            holder = (await connection.execute(text("SELECT worker FROM platform_jobs"))).scalar_one()
            assert holder.endswith(f" pid {survivor.pid}")
            counts = (
                await connection.execute(
                    text(
                        "SELECT (SELECT count(*) FROM payroll_pay_runs WHERE status = 'finalised') AS runs, "
                        "(SELECT count(DISTINCT account_id) FROM payroll_pay_runs) AS employers, "
                        "(SELECT count(*) FROM payroll_pay_runs) AS all_runs, "
                        "(SELECT count(*) FROM payroll_payslips) AS payslips, "
                        "(SELECT count(*) FROM platform_audit_events WHERE action = 'payrun.finalised') "
                        "AS finalised_events"
                    )
                )
            ).one()
        assert counts.runs == counts.employers == counts.all_runs == EMPLOYERS, counts
        assert counts.payslips == PAS, counts
        assert counts.finalised_events == EMPLOYERS, counts
    finally:
        await held.close()
        for process in apps + workers:
            if process.poll() is None:
                process.terminate()
        for process in apps + workers:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        await engine.dispose()
