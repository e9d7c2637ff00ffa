"""``dp-platform council``: the portfolio, the exception queue, resolving one, thresholds and a report,
as named members of a council's staff, each seeing only their own council."""

from __future__ import annotations

import asyncio

import pdfplumber
import pytest

from tests import statement_files as files
from tests.api.test_spending_api import MAY
from tests.api.test_statements_api import upload
from tests.cli.running import run_cli_here
from tests.world import email_of

pytestmark = pytest.mark.cli


async def test_a_council_works_its_queue_from_the_command_line(api, database_url, db, world, tmp_path):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    finance, other, worker = (
        await email_of(db, world.users["finance_a"]),
        await email_of(db, world.users["finance_b"]),
        await email_of(db, world.users["worker_a"]),
    )

    async def cli(*args: str):
        return await asyncio.to_thread(run_cli_here, "council", *args, DP_DATABASE_URL=database_url)

    queue = await cli("exceptions", "--as", finance)
    assert queue.returncode == 0, queue.stdout + queue.stderr
    assert "Ann (A1)  Spend that is not allowed" in queue.stdout and "1 exception(s)." in queue.stdout
    assert "Not run, for want of a council threshold" in queue.stdout
    elsewhere = await cli("exceptions", "--as", other)
    assert "Ann" not in elsewhere.stdout and "0 exception(s)." in elsewhere.stdout
    portfolio = await cli("portfolio", "--as", finance)
    assert "Ann" in portfolio.stdout and "Bea" in portfolio.stdout and "Cal" not in portfolio.stdout
    key = queue.stdout.split(" key ")[1].split()[0]
    refused = await cli(
        "resolve", "--as", finance, "--account", str(world.accounts["a1"]), "--key", key, "--resolution", " "
    )
    assert refused.returncode == 1 and "Refused:" in refused.stdout
    resolved = await cli(
        "resolve", "--as", finance, "--account", str(world.accounts["a1"]), "--key", key, "--resolution", "Refunded."
    )
    assert resolved.returncode == 0, resolved.stdout
    by_worker = await cli(
        "set-threshold", "--as", worker, "cash_limit_pence", "25000", "--from", "2026-04-01", "--source", "Policy s.9"
    )
    assert by_worker.returncode == 1 and "finance staff" in by_worker.stdout
    done = await cli(
        "set-threshold", "--as", finance, "cash_limit_pence", "25000", "--from", "2026-04-01", "--source", "Policy s.9"
    )
    assert done.returncode == 0, done.stdout
    assert "25000 pence from 2026-04-01 (Policy s.9)" in (await cli("thresholds", "--as", worker)).stdout
    out = tmp_path / "report.pdf"
    written = await cli("report", "--as", finance, "--from", "2026-05-01", "--to", "2026-05-31", "--out", str(out))
    assert written.returncode == 0, written.stdout + written.stderr
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Glenmore Council" in text and "Open exceptions 0" in text
