"""``dp-platform agreement``: check a terms file offline; draft, sign and print a PDF as named users."""

from __future__ import annotations

import asyncio
import copy
import json
import re

import pdfplumber
import pytest

from tests.cli.running import run_cli_here
from tests.unit.agreements.terms_example import MORAG
from tests.world import email_of

pytestmark = pytest.mark.cli


def test_check_prints_every_problem_or_the_schedule(tmp_path):
    good = tmp_path / "terms.json"
    good.write_text(json.dumps(MORAG))
    result = run_cli_here("agreement", "check", str(good))
    assert result.returncode == 0, result.stderr
    assert "The terms hold together." in result.stdout
    assert "2026-04-15  2026-04-15 to 2026-05-03  19/28  £1,040.62" in result.stdout
    bad_terms = copy.deepcopy(MORAG)
    bad_terms["budget_lines"][0]["hourly_rate_pence"] = 1200
    bad_terms["starts_on"] = "2026-03-01"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_terms))
    refused = run_cli_here("agreement", "check", str(bad))
    assert refused.returncode == 1
    assert "support_plan_dated: the support plan is dated 2026-03-20" in refused.stdout
    assert "budget_lines[0].hourly_rate_pence: from 2026-03-01 to 2026-03-31 the Scottish PA minimum is £12.60" in (
        refused.stdout
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"holder_name": ')
    unreadable = run_cli_here("agreement", "check", str(broken))
    assert unreadable.returncode == 2 and "broken.json line 1: not JSON" in unreadable.stderr


async def test_draft_sign_and_print_as_named_users(database_url, db, world, tmp_path):
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps(MORAG))
    account = str(world.accounts["a1"])
    worker, ann = await email_of(db, world.users["worker_a"]), await email_of(db, world.users["ann"])

    async def cli(*args: str):
        return await asyncio.to_thread(run_cli_here, "agreement", *args, DP_DATABASE_URL=database_url)

    drafted = await cli("draft", "--as", worker, "--account", account, str(terms))
    assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    agreement_id = re.search(r"\(([0-9a-f-]{36})\)", drafted.stdout).group(1)
    content_hash = re.search(r"content hash ([0-9a-f]{64})", drafted.stdout).group(1)
    refused = await cli("draft", "--as", ann, "--account", account, str(terms))
    assert refused.returncode == 1 and "Refused: You may not issue agreement" in refused.stdout
    signed = await cli(
        "sign", "--as", ann, "--account", account, "--agreement", agreement_id, "--version", "1", "--hash", content_hash
    )
    assert signed.returncode == 0 and "version 1: signed by holder" in signed.stdout
    out = tmp_path / "agreement.pdf"
    printed = await cli("pdf", "--as", ann, "--account", account, "--agreement", agreement_id, "--out", str(out))
    assert printed.returncode == 0, printed.stdout + printed.stderr
    with pdfplumber.open(out) as document:
        assert content_hash in document.pages[0].extract_text().replace("\n", "")
