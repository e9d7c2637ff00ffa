"""A large statement is answered at once (202) and imported after, with progress anyone who may see
the account can follow; a refused one says why by line and field and leaves the ledger as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from dp_platform.jobs.tables import JobInputRow
from ledgers.tables import StatementLineRow
from tests import statement_files as files
from tests.api.test_statements_api import statements, upload

pytestmark = pytest.mark.api


async def _kept_files(db) -> int:
    async with db.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(JobInputRow))).scalar_one()


async def _actions(db, account_id) -> list[str]:
    async with db.connect() as connection:
        rows = await connection.execute(
            text("SELECT action FROM platform_audit_events WHERE account_id = :a ORDER BY seq"), {"a": account_id}
        )
        return [row.action for row in rows]


async def test_a_large_statement_is_answered_at_once_then_imported_and_followed(api, world, db, monkeypatch):
    monkeypatch.setattr("dp_platform.api.statements.LARGE_STATEMENT_BYTES", 200)
    started = await upload(api, world, "ann", files.lloyds_csv(), "year.csv")
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == job["href"] == f"{statements(world)}/imports/{job['id']}"
    assert job["filename"] == "year.csv" and job["result"] is None
    followed = await api.get(job["href"], headers=world.headers("finance_a"))  # the council follows it too
    assert followed.status_code == 200, followed.text
    body = followed.json()
    assert body["status"] == "done", body
    assert body["lines_stored"] == body["lines_to_store"] == 4
    assert body["result"]["new_lines"] == 4 and body["result"]["format"] == "csv:lloyds"
    listed = (await api.get(statements(world), headers=world.headers("ann"))).json()
    assert [(s["id"], s["line_count"]) for s in listed] == [(body["result"]["statement_id"], 4)]
    assert await _kept_files(db) == 0, "the upload is not kept once imported"
    actions = await _actions(db, world.accounts["a1"])
    assert actions.index("ledger.statement_import_queued") < actions.index("ledger.statement_imported")


async def test_a_refused_large_statement_says_why_and_stores_nothing(api, world, db):
    bad = files.lloyds_csv().replace(b",450.00,", b",abc,")
    started = await api.post(
        statements(world),
        headers={**world.headers("ann"), "Prefer": "respond-async"},
        files={"file": ("bad.csv", bad)},
    )
    assert started.status_code == 202, started.text
    body = (await api.get(started.headers["location"], headers=world.headers("ann"))).json()
    assert body["status"] == "failed" and body["result"] is None
    assert body["error"] == "bad.csv, line 4, field 'Debit Amount': 'abc' is not an amount of money"
    async with db.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(StatementLineRow))).scalar_one() == 0
    assert await _kept_files(db) == 0, "a refused file is not kept"
    assert "ledger.statement_import_failed" in await _actions(db, world.accounts["a1"])


async def test_an_import_is_followed_only_by_those_who_may_see_the_account(api, world):
    started = await api.post(
        statements(world),
        headers={**world.headers("ann"), "Prefer": "respond-async"},
        files={"file": ("april.csv", files.lloyds_csv())},
    )
    href = started.json()["href"]
    assert (await api.get(href, headers=world.headers("ann"))).status_code == 200
    for outsider in ("bea", "finance_b", "bureau_y"):
        refused = await api.get(href, headers=world.headers(outsider))
        assert refused.status_code in (403, 404) and "lines_stored" not in refused.text, outsider
    elsewhere = href.replace(str(world.accounts["a1"]), str(world.accounts["a2"]))
    assert (await api.get(elsewhere, headers=world.headers("bea"))).status_code == 404


async def test_a_large_statement_on_the_page_shows_its_progress_then_the_statement(pages, monkeypatch):
    monkeypatch.setattr("dp_platform.web.statements.LARGE_STATEMENT_BYTES", 200)
    await pages.sign_in("ann")
    await pages.get(f"{pages.account()}/statements")
    sent = await pages.post(f"{pages.account()}/statements", files={"statement": ("year.csv", files.lloyds_csv())})
    assert sent.status_code == 303, sent.text
    assert "/statements/imports/" in sent.headers["location"]
    page = await pages.get(sent.headers["location"])
    assert page.status_code == 200
    assert "Reading year.csv" in page.text and "Statement uploaded: 4 new lines, 0 already known." in page.text
    assert "Go through the statement" in page.text
    fragment = await pages.get(sent.headers["location"] + "/progress")
    assert fragment.status_code == 200 and fragment.headers.get("hx-refresh") == "true"
