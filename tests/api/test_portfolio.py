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
    assert (ann["open_exceptions"], lines["A2"]["open_exceptions"]) == (1, 0)  # the William Hill line
    assert ann["reconciled_to"] is None or ann["reconciled_to"] < "2026-05-04"  # lines wait to be matched
    assert ann["weeks_held"] is None and ann["next_review_on"] is None and ann["budget_period_pence"] is None


async def test_the_portfolio_measures_an_account_against_its_agreement(api, world):
    from datetime import date, timedelta

    from dateutil.relativedelta import relativedelta

    from tests.api.test_agreements_api import in_force
    from tests.unit.agreements.terms_example import morag

    today = date.today()  # noqa: DTZ011
    starts = today - timedelta(days=30)
    terms = morag(
        starts_on=starts.isoformat(),
        ends_on=(starts + timedelta(days=364)).isoformat(),
        cycle_starts_on=starts.isoformat(),
    )
    agreement = await in_force(api, world, terms)
    first = f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/payments/{starts.isoformat()}/received"
    assert (
        await api.post(f"{first}?received_on={starts.isoformat()}", headers=world.headers("ann"))
    ).status_code == 201
    [line] = [
        line
        for line in (await api.get(_portfolio(world), headers=world.headers("finance_a"))).json()
        if line["reference"] == "A1"
    ]
    # 1,993,600 a year over 13 payments: 153,354 a period. The second, due 2 days ago, is within the
    # 5 days' grace: expected, not missed.
    assert line["received_pence"] == 153_354 and line["not_arrived"] == 0
    assert (line["period_from"], line["budget_period_pence"]) == ((starts + timedelta(days=28)).isoformat(), 153_354)
    # £1,536 held, £383.38 a week (1,993,600 / 52): 4.0 weeks
    assert line["weeks_held"] == "4.0"
    assert line["next_review_on"] == (starts + relativedelta(months=12)).isoformat()
    assert line["open_exceptions"] == 0 and line["spent_period_pence"] == 0
    for key, on, pence in (("before", starts + timedelta(days=27), 1_000), ("in", today, 2_500)):
        spent = await api.post(
            f"/api/accounts/{world.accounts['a1']}/ledger/entries",
            headers=world.headers("ann"),
            json={
                "occurred_on": on.isoformat(),
                "narration": "Swimming",
                "postings": [
                    {"account": "expenses:activities", "amount_pence": pence},
                    {"account": "assets:bank:dp_account", "amount_pence": -pence},
                ],
                "idempotency_key": key,
            },
        )
        assert spent.status_code == 201, spent.text
    [line] = [
        line
        for line in (await api.get(_portfolio(world), headers=world.headers("finance_a"))).json()
        if line["reference"] == "A1"
    ]
    assert line["spent_period_pence"] == 2_500  # the £10.00 was the period before


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
