"""The dp-platform command: in a subprocess where the process itself is tested (exit status, serving,
Ctrl-C), otherwise its own `main` called in this process (tests/cli/running.py), reading its output."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.embedded import start_embedded
from tests.cli.running import cli_environ, run_cli, run_cli_here

pytestmark = pytest.mark.cli


def _assert_one_sentence(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dp-platform: ")
    assert fragment in lines[0]


def test_check_passes_on_a_migrated_database(database_url):
    result = run_cli("check", DP_DATABASE_URL=database_url)
    assert result.returncode == 0, result.stderr
    assert "Database: reachable, PostgreSQL" in result.stdout
    assert "Schema: current" in result.stdout


async def test_check_fails_until_migrate_brings_the_schema_up(make_database):
    url = await make_database()
    before = await asyncio.to_thread(run_cli_here, "check", DP_DATABASE_URL=url)
    assert before.returncode == 1
    assert "run 'dp-platform migrate'" in before.stdout
    migrated = await asyncio.to_thread(run_cli_here, "migrate", DP_DATABASE_URL=url)
    assert migrated.returncode == 0, migrated.stderr
    again = await asyncio.to_thread(run_cli_here, "migrate", DP_DATABASE_URL=url)
    assert again.returncode == 0, again.stderr
    after = await asyncio.to_thread(run_cli_here, "check", DP_DATABASE_URL=url)
    assert after.returncode == 0


def test_a_malformed_database_url_is_one_sentence():
    _assert_one_sentence(run_cli("check", DP_DATABASE_URL="postgresql//oops"), "DP_DATABASE_URL")


def test_serving_others_with_the_development_secret_is_refused_before_anything_starts():
    _assert_one_sentence(
        run_cli("serve", "--host", "0.0.0.0", DP_DATABASE_URL="postgresql://postgres@127.0.0.1:1/dp"),  # noqa: S104
        "Refusing to serve on 0.0.0.0 with the development secret",
    )


def test_an_unreachable_server_is_one_sentence():
    _assert_one_sentence(
        run_cli("serve", DP_DATABASE_URL="postgresql://postgres@127.0.0.1:1/dp"),
        "Cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused)",
    )


@pytest.mark.slow  # a server or the demo started in a subprocess
def test_an_unwritable_data_folder_is_one_sentence(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _assert_one_sentence(run_cli("demo", DP_DATA_DIR=str(blocker / "data")), "is not writable")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_demo_until_healthy_then_interrupt(data_dir: Path) -> tuple[dict, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dp_platform.cli", "demo"],
        env=cli_environ(DP_DATA_DIR=str(data_dir), DP_PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    health = None
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                if response.status_code == 200:
                    health = response.json()
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        output, _ = process.communicate(timeout=60)
    assert health is not None, output
    assert process.returncode in (0, 130), output  # 130: the shell's code for "ended by Ctrl-C"
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
    return health, output


async def _count(url: str, table: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return await connection.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608
    finally:
        await connection.close()


@pytest.mark.slow  # a server or the demo started in a subprocess
def test_demo_survives_ctrl_c_keeps_its_data_and_seeds_once(tmp_path: Path):
    data_dir = tmp_path / "demo-data"
    first_health, first = _run_demo_until_healthy_then_interrupt(data_dir)
    assert first_health["database"]["embedded"] is True
    assert first_health["database"]["server_version"].startswith("PostgreSQL ")
    assert "Demo data: added now" in first
    assert "finance@glenmore.example" in first
    _, second = _run_demo_until_healthy_then_interrupt(data_dir)
    assert "Demo data: already present" in second

    url = start_embedded(data_dir)
    counts = {
        table: asyncio.run(_count(url, table))
        for table in (
            "platform_authorities",
            "platform_organisations",
            "platform_dp_accounts",
            "platform_users",
            "payroll_personal_assistants",
            "platform_mandates",
            "platform_audit_events",
            "ledger_journal_entries",
        )
    }
    assert counts == {
        "platform_authorities": 1,
        "platform_organisations": 2,  # Thistle (payroll) and Braeside (managed accounts)
        "platform_dp_accounts": 3,
        "platform_users": 9,
        "payroll_personal_assistants": 3,
        "platform_mandates": 3,  # Morag's to Thistle; Isla's (for Callum) and Hamish's to Braeside
        # the mandates; per account: ledger opened (Morag's and Callum's with an opening balance);
        # Callum's interim payment; agreements: 2 drafted, Morag's signed twice and its first payment
        # received, Callum's signed by Isla; Morag's employer references and her 2 PAs' contracts;
        # 3 timesheets, 2 pay runs drafted, Morag's finalised (Callum's stays a draft: a sleepover below
        # the PA minimum); Morag's May statement imported, the council's payment on it recorded as
        # received, and an exception and an approval request opened; the council's 6 monitoring
        # thresholds and Morag's insurance recorded. Braeside's client account opened, Callum and Hamish
        # joined (in their trails and Braeside's), its statement imported, each share given out and
        # followed: Callum's council payment received, Hamish's equipment waiting for approval
        "platform_audit_events": 45,
        "ledger_journal_entries": 15,  # 6, and the client account's: 5 days of lines, 4 days given out
    }


async def test_ledger_balances_prints_what_a_person_reads(database_url, db, world):
    from datetime import date

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from ledgers.accounts import AccountCode
    from ledgers.chart import DP_BANK
    from ledgers.entries import JournalEntryDraft, Posting
    from ledgers.money import Money
    from ledgers.service import post_entry

    account = world.accounts["a1"]
    async with async_sessionmaker(db)() as session, session.begin():
        await post_entry(
            session,
            JournalEntryDraft(
                account,
                date(2026, 4, 6),
                "payment",
                (
                    Posting(DP_BANK, Money(184_000)),
                    Posting(AccountCode("income:authority:dp_payment"), Money(-184_000)),
                ),
                "k",
            ),
        )
    by_reference = await asyncio.to_thread(
        run_cli_here, "ledger", "balances", "--account", "a1", "--on", "2026-04-30", DP_DATABASE_URL=database_url
    )
    assert by_reference.returncode == 0, by_reference.stderr
    assert "Balances at the end of 2026-04-30" in by_reference.stdout
    assert "assets:bank:dp_account" in by_reference.stdout and "£1,840.00" in by_reference.stdout
    bad = await asyncio.to_thread(run_cli_here, "ledger", "balances", "--account", "nope", DP_DATABASE_URL=database_url)
    assert bad.returncode == 2 and "no account has the reference nope" in bad.stderr
    async with async_sessionmaker(db)() as session, session.begin():
        from dp_platform.tenancy.tables import DpAccountRow

        session.add(
            DpAccountRow(
                authority_id=world.authorities["B"], reference="A1", holder_name="Another", opened_on=date(2026, 1, 1)
            )
        )
    twice = await asyncio.to_thread(run_cli_here, "ledger", "balances", "--account", "A1", DP_DATABASE_URL=database_url)
    assert twice.returncode == 2 and "2 accounts have the reference A1" in twice.stderr
    by_id = await asyncio.to_thread(
        run_cli_here, "ledger", "balances", "--account", str(account), DP_DATABASE_URL=database_url
    )
    assert by_id.returncode == 0 and "£1,840.00" in by_id.stdout
    await post_entry_for(db, world.accounts["b1"], date(2026, 5, 2), 25_050)
    report = await asyncio.to_thread(
        run_cli_here, "ledger", "report", "--on", "2026-04-30", DP_DATABASE_URL=database_url
    )
    assert report.returncode == 0, report.stderr
    assert report.stdout.splitlines() == [
        "dp_account\tbook_id\tledger_account\tbalance_pence\tbalance_pounds",
        f"A1\t{account}\tassets:bank:dp_account\t184000\t1840.00",
        f"A1\t{account}\tincome:authority:dp_payment\t-184000\t-1840.00",
    ], "every book's accounts not at zero at the end of the day; b1's payment came after it"
    now = await asyncio.to_thread(run_cli_here, "ledger", "report", DP_DATABASE_URL=database_url)
    assert f"B1\t{world.accounts['b1']}\tassets:bank:dp_account\t25050\t250.50" in now.stdout.splitlines()


async def post_entry_for(db, book, on, pence):  # type: ignore[no-untyped-def]
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from ledgers.accounts import AccountCode
    from ledgers.chart import DP_BANK
    from ledgers.entries import JournalEntryDraft, Posting
    from ledgers.money import Money
    from ledgers.service import post_entry

    payment = (Posting(DP_BANK, Money(pence)), Posting(AccountCode("income:authority:dp_payment"), Money(-pence)))
    async with async_sessionmaker(db)() as session, session.begin():
        await post_entry(session, JournalEntryDraft(book, on, "payment", payment, f"k-{book}-{on}"))


async def _pa_with_hours(db, account_id, name, rate):
    from datetime import date
    from decimal import Decimal

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from payroll.tables import PersonalAssistantRow, TimesheetEntryRow

    async with async_sessionmaker(db)() as session, session.begin():
        pa = PersonalAssistantRow(
            account_id=account_id,
            full_name=name,
            started_on=date(2025, 1, 6),
            date_of_birth=date(1988, 3, 3),
            tax_code="S1257L",
        )
        session.add(pa)
        await session.flush()
        session.add_all(
            TimesheetEntryRow(
                pa_id=pa.id, worked_on=date(2026, 4, day), hours=Decimal("7.5"), kind="standard", hourly_rate_pence=rate
            )
            for day in range(6, 11)
        )


async def test_a_bureau_run_covers_only_mandated_employers_and_leaves_findings_to_a_person(database_url, db, world):
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from payroll.tables import PayRunRow
    from tests.world import email_of

    await _pa_with_hours(db, world.accounts["a1"], "Ailsa Mackay", 1400)
    await _pa_with_hours(db, world.accounts["a2"], "Bea's PA", 1400)  # bureau X's mandate over a2 was revoked
    args = [
        "payroll",
        "bureau-run",
        "--as",
        await email_of(db, world.users["bureau_x"]),
        "--period",
        "1",
        "--period-start",
        "2026-04-06",
        "--period-end",
        "2026-05-03",
        "--paid-on",
        "2026-05-01",
        "--finalise",
    ]
    done = await asyncio.to_thread(run_cli_here, *args, DP_DATABASE_URL=database_url)
    assert done.returncode == 0, done.stderr
    assert "A1             finalised    1 payslip(s)" in done.stdout
    assert "1 employer(s): 1 finalised, 0 left as drafts, 0 failed." in done.stdout
    async with async_sessionmaker(db)() as session:
        runs = dict(
            (await session.execute(select(PayRunRow.account_id, func.count()).group_by(PayRunRow.account_id))).all()
        )
    assert runs == {world.accounts["a1"]: 1}

    again = await asyncio.to_thread(run_cli_here, *args, DP_DATABASE_URL=database_url)  # the same period once more
    assert again.returncode == 0, again.stderr
    assert "1 employer(s): 0 finalised, 0 left as drafts, 1 skipped (paid already for the period), 0 failed." in (
        again.stdout
    )

    nobody = await asyncio.to_thread(
        run_cli_here, "payroll", "bureau-run", "--as", "nobody@x.example", *args[4:], DP_DATABASE_URL=database_url
    )
    assert nobody.returncode == 2 and "is not an active member of a bureau's staff" in nobody.stderr


def _children(pid: int) -> set[int]:
    """The live web worker processes uvicorn's supervisor ``pid`` started (not its helpers, not the dead)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
                command = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if int(parent) == pid and state != "Z" and "spawn_main" in command:
                found.add(int(entry.name))
    return found


def _healthy(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    return False


@pytest.mark.slow  # a server or the demo started in a subprocess
def test_serve_with_two_workers_replaces_one_that_dies(database_url):
    """Production serving: a supervisor over the web processes; one killed outright is replaced, and the
    server answers all the while."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dp_platform.cli", "serve", "--workers", "2", "--port", str(port)],
        env=cli_environ(DP_DATABASE_URL=database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert _healthy(port, time.monotonic() + 90)
        deadline = time.monotonic() + 30
        while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert len(workers) >= 2, workers
        victim = sorted(workers)[0]
        os.kill(victim, signal.SIGKILL)
        assert _healthy(port, time.monotonic() + 30)  # the other worker answers meanwhile
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _children(process.pid)
            if len(now) >= 2 and victim not in now:
                break
            time.sleep(0.5)
        assert victim not in now and len(now) >= 2, now  # replaced
        assert _healthy(port, time.monotonic() + 30)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert "Traceback" not in output, output
