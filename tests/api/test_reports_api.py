"""Monitoring reports: the PDF read back with pdfplumber holds the summary, every open exception and the
totals; the CSV is pounds and names; a council's report holds only its own accounts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pdfplumber
import pytest

from tests import statement_files as files
from tests.api.test_spending_api import MAY
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - a report covers whole days
PERIOD = f"period_from=2026-05-01&period_to={TODAY.isoformat()}"


async def _setup(api, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    await upload(api, world, "cal", files.nationwide_csv(MAY), "may.csv", account="b1")
    added = await api.post(
        f"/api/accounts/{world.accounts['a2']}/pas",
        headers=world.headers("bea"),
        json={"full_name": "Rory Hay", "started_on": "2025-04-07", "date_of_birth": "1980-01-01"},
    )
    assert added.status_code == 201


async def test_the_council_pdf_holds_the_summary_every_exception_and_the_totals(api, world):
    await _setup(api, world)
    queue = (
        await api.get(f"/api/authorities/{world.authorities['A']}/exceptions", headers=world.headers("finance_a"))
    ).json()
    response = await api.get(
        f"/api/authorities/{world.authorities['A']}/report/pdf?{PERIOD}", headers=world.headers("finance_a")
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    summary = text.index("Summary")
    assert summary < text.index("Accounts\n") < text.index("Open exceptions\n")
    assert "Glenmore Council" in text and "1 May 2026" in text
    assert f"Open exceptions {len(queue['items'])}" in text
    for item in queue["items"]:
        assert f"{item['holder_name']} ({item['reference']}): {item['title']}" in text
    accounts = list(
        csv.reader(
            io.StringIO(
                (
                    await api.get(
                        f"/api/authorities/{world.authorities['A']}/report/accounts.csv?{PERIOD}",
                        headers=world.headers("finance_a"),
                    )
                ).text
            )
        )
    )
    total = accounts[-1]
    assert total[0] == "Total" and [row[0] for row in accounts[1:-1]] == ["Ann", "Bea"]
    bank = sum(int(row[2].replace(".", "")) for row in accounts[1:-1])
    assert int(total[2].replace(".", "")) == bank
    assert f"Held in the bank on {TODAY.day} {TODAY:%B %Y} £{bank // 100:,}.{bank % 100:02d}" in text
    assert "Cal" not in text and "B1" not in text
    exceptions = list(
        csv.reader(
            io.StringIO(
                (
                    await api.get(
                        f"/api/authorities/{world.authorities['A']}/report/exceptions.csv?{PERIOD}",
                        headers=world.headers("finance_a"),
                    )
                ).text
            )
        )
    )
    assert len(exceptions) - 1 == len(queue["items"]) and {row[0] for row in exceptions[1:]} == {"Ann", "Bea"}


async def test_reports_are_the_councils_own_and_an_accounts_is_its_viewers(api, world):
    await _setup(api, world)
    for user in ("finance_b", "ann", "bureau_x"):
        denied = await api.get(
            f"/api/authorities/{world.authorities['A']}/report/pdf?{PERIOD}", headers=world.headers(user)
        )
        assert denied.status_code == 403, user
    own = await api.get(f"/api/accounts/{world.accounts['a1']}/report/pdf?{PERIOD}", headers=world.headers("ann"))
    assert own.status_code == 200
    with pdfplumber.open(io.BytesIO(own.content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Ann (A1): Spend that is not allowed" in text and "Bea" not in text
    assert (
        await api.get(f"/api/accounts/{world.accounts['a1']}/report/pdf?{PERIOD}", headers=world.headers("finance_b"))
    ).status_code == 404
    future = f"period_from=2026-05-01&period_to={(TODAY + timedelta(days=1)).isoformat()}"
    assert (
        await api.get(f"/api/accounts/{world.accounts['a1']}/report/pdf?{future}", headers=world.headers("ann"))
    ).status_code == 400


async def test_a_council_report_is_prepared_in_the_background_and_downloaded_after(api, world, db):
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.jobs.tables import JobRow

    await _setup(api, world)
    council = f"/api/authorities/{world.authorities['A']}"
    staff = world.headers("finance_a")
    asked = await api.post(
        f"{council}/reports", headers=staff, json={"period_from": "2026-05-01", "period_to": TODAY.isoformat()}
    )
    assert asked.status_code == 202, asked.text
    followed = (await api.get(asked.headers["location"], headers=staff)).json()
    assert followed["status"] == "done", "the app server's own worker made it after answering"
    assert [file["name"] for file in followed["files"]] == ["pdf", "accounts.csv", "exceptions.csv"]
    prepared = {file["name"]: await api.get(file["href"], headers=staff) for file in followed["files"]}
    assert prepared["pdf"].content.startswith(b"%PDF")
    assert 'filename="direct-payments-report-2026-05-01-to-' in prepared["pdf"].headers["content-disposition"]
    for name in ("accounts.csv", "exceptions.csv"):
        direct = await api.get(f"{council}/report/{name}?{PERIOD}", headers=staff)
        assert prepared[name].content == direct.content, f"the prepared {name} is the one downloaded at once"
    listed = (await api.get(f"{council}/reports", headers=staff)).json()
    assert [report["id"] for report in listed] == [followed["id"]]

    other = world.headers("finance_b")
    assert (await api.get(asked.headers["location"], headers=other)).status_code == 403
    theirs = f"/api/authorities/{world.authorities['B']}/reports/{followed['id']}"
    assert (await api.get(theirs, headers=other)).status_code == 404
    assert (await api.get(f"{theirs}/files/pdf", headers=other)).status_code == 404
    assert (await api.get(asked.headers["location"], headers=world.headers("ann"))).status_code == 403
    for body, field in (
        ({"period_from": "2026-05-01", "period_to": (TODAY + timedelta(days=1)).isoformat()}, "period_to"),
        ({"period_from": "2026-05-02", "period_to": "2026-05-01"}, "period_to"),
    ):
        refused = await api.post(f"{council}/reports", headers=staff, json=body)
        assert refused.status_code == 400 and refused.json()["field"] == field, refused.text
    refused = await api.post(
        f"{council}/reports",
        headers=world.headers("ann"),
        json={"period_from": "2026-05-01", "period_to": "2026-05-02"},
    )
    assert refused.status_code == 403
    async with async_sessionmaker(db)() as session:
        assert await session.scalar(select(func.count()).select_from(JobRow)) == 1, "a refusal queues nothing"
