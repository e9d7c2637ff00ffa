"""The council's portfolio: its own accounts with what the records say of each, for its staff only."""

from __future__ import annotations

import csv
import io

import pytest

from tests import statement_files as files
from tests.api.test_spending_api import MAY
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api


def _portfolio(world) -> str:
    return f"/api/authorities/{world.authorities['A']}/portfolio"


async def test_the_council_sees_each_of_its_accounts_with_money_reviews_and_statements(api, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    response = await api.get(_portfolio(world), headers=world.headers("finance_a"))
    assert response.status_code == 200, response.text
    lines = {line["reference"]: line for line in response.json()}
    assert set(lines) == {"A1", "A2"}  # Strathy's B1 is not Glenmore's
    ann = lines["A1"]
    assert ann["open_reviews"] >= 1 and ann["statements_to"] == "2026-05-15"
    assert ann["free_pence"] == ann["bank_pence"] - ann["owed_pence"]
    assert ann["needs_attention"] is True
    assert lines["A2"]["statements_to"] is None and lines["A2"]["needs_attention"] is True


@pytest.mark.parametrize("user", ["finance_b", "ann", "bureau_x"])
async def test_nobody_else_reads_a_councils_portfolio(api, world, user):
    response = await api.get(_portfolio(world), headers=world.headers(user))
    assert response.status_code == 403


async def test_the_portfolio_page_sorts_narrows_and_exports(pages, world):
    await pages.sign_in("finance_a")
    assert (await pages.get("/home")).headers["location"] == "/portfolio"
    page = await pages.get("/portfolio?sort=free")
    assert page.status_code == 200 and "Ann" in page.text and "Bea" in page.text and "Cal" not in page.text
    exported = await pages.get("/portfolio/export.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["Reference", "Person", "In the bank (£)"]
    assert sorted(row[0] for row in rows[1:]) == ["A1", "A2"]
    await pages.sign_in("ann")
    assert (await pages.get("/portfolio")).status_code == 403
