"""The residential rule through the platform: a care home's bill is decided by the nights of the stays
recorded, 28 in 12 months by default, across stays; with no stay recorded the council decides. Each
decision names the rule and its source."""

from __future__ import annotations

from datetime import date

import pytest

from tests import statement_files as files
from tests.api.test_payroll_api import base
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api

DRAFT_REGS = (
    "https://gov.scot/publications/draft-self-directed-support-direct-payments-scotland-regulations-2013/pages/4"
)


async def _decide(api, world, on, amount=30_000):
    decided = await api.get(
        f"{base(world)}/spend-check",
        headers=world.headers("ann"),
        params={"on": on, "amount_pence": amount, "category": "residential_care", "payee": "SUNNYSIDE CARE HOME"},
    )
    assert decided.status_code == 200, decided.text
    return decided.json()


async def test_the_nights_of_recorded_stays_decide_a_care_home_bill(api, world):
    unknown = await _decide(api, world, "2026-06-01")
    assert (unknown["decision"], unknown["rule_ids"]) == ("needs_approval", ["NAT-RESIDENTIAL-LIMIT"])
    stays = f"{base(world)}/care-home-stays"
    ann = world.headers("ann")
    first = await api.post(
        stays, headers=ann, json={"first_night": "2026-05-01", "last_night": "2026-05-14", "place": "Sunnyside"}
    )
    assert first.status_code == 201 and first.json()["nights"] == 14
    second = await api.post(
        stays, headers=ann, json={"first_night": "2026-05-19", "last_night": "2026-06-02", "place": "Sunnyside"}
    )
    assert second.status_code == 201 and second.json()["nights"] == 15
    reached = await _decide(api, world, "2026-06-01")  # the 28th night in 12 months
    assert (reached["decision"], reached["rule_ids"]) == ("allowed_with_conditions", ["NAT-RESIDENTIAL-SHORT-STAY"])
    over = await _decide(api, world, "2026-06-02")  # the 29th
    assert (over["decision"], over["rule_ids"]) == ("needs_approval", ["NAT-RESIDENTIAL-LIMIT"])
    [limit] = [hit for hit in over["rules"] if hit["rule_id"] == "NAT-RESIDENTIAL-LIMIT"]
    assert not limit["statutory"] and DRAFT_REGS in [source["url"] for source in limit["sources"]]
    assert "28 nights" in over["sentence"]

    overlapping = await api.post(
        stays, headers=ann, json={"first_night": "2026-06-01", "last_night": "2026-06-03", "place": "Sunnyside"}
    )
    assert overlapping.status_code == 400 and overlapping.json()["field"] == "first_night"
    backwards = await api.post(
        stays, headers=ann, json={"first_night": "2026-07-03", "last_night": "2026-07-01", "place": "Sunnyside"}
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "last_night"
    removed = await api.post(f"{stays}/{second.json()['id']}/remove", headers=ann)
    assert removed.status_code == 200 and removed.json()["removed_at"]
    assert (await _decide(api, world, "2026-06-02"))["decision"] == "allowed_with_conditions"  # 14 nights left
    assert [s["nights"] for s in (await api.get(stays, headers=world.headers("finance_a"))).json()] == [14]
    assert (await api.get(stays, headers=world.headers("finance_b"))).status_code == 404
    assert (await api.post(stays, headers=world.headers("finance_a"), json={
        "first_night": "2026-08-01", "last_night": "2026-08-02", "place": "Sunnyside"})).status_code == 403  # fmt: skip


async def test_a_care_home_line_on_a_statement_is_checked_by_the_nights(api, world):
    ann = world.headers("ann")
    await api.post(
        f"{base(world)}/care-home-stays",
        headers=ann,
        json={"first_night": "2026-05-04", "last_night": "2026-05-08", "place": "Sunnyside Care Home"},
    )
    lines = [(date(2026, 5, 11), "SUNNYSIDE CARE HOME RESPITE", -56_000)]
    uploaded = await upload(api, world, "ann", files.nationwide_csv(lines, opening=100_000), "may.csv")
    assert uploaded.status_code == 201, uploaded.text
    reviews = (await api.get(f"{base(world)}/spend-reviews?status=open", headers=ann)).json()
    assert [r for r in reviews if r["category"] == "residential_care"] == []  # 5 nights: a short stay
    [line] = (await api.get(f"{base(world)}/spend-lines", headers=ann)).json()
    assert (line["category"], line["review_status"]) == ("residential_care", None)
    [stay] = (await api.get(f"{base(world)}/care-home-stays", headers=ann)).json()
    await api.post(f"{base(world)}/care-home-stays/{stay['id']}/remove", headers=ann)
    again = await api.post(
        f"{base(world)}/statements/lines/{line['line_id']}/category", headers=ann, json={"category": "residential_care"}
    )
    assert (again.json()["decision"], again.json()["rule_ids"]) == ("needs_approval", ["NAT-RESIDENTIAL-LIMIT"])
