"""The person reads their council's statement of what the money may pay for (issue #17: employers
could not read their council's local rules): the national rules, the council's own in place of one,
dated, each with its source; another person's account stays out of sight."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - rules are dated in days

CASH_RULE = {
    "categories": ["cash"],
    "replaces": "NAT-CASH",
    "versions": [
        {
            "effective_from": (TODAY - timedelta(days=3)).isoformat(),
            "decision": "allowed_with_conditions",
            "conditions": ["no more than £100 in 4 weeks"],
            "sentence": "Glenmore allows small amounts of cash.",
            "sources": [{"title": "Glenmore DP policy 2026, section 4", "url": "https://glenmore.example/dp#4"}],
        }
    ],
}


def _base(world, account="a1"):
    return f"/api/accounts/{world.accounts[account]}"


async def test_the_holder_reads_the_councils_rules_with_its_own_rule_in_place_of_the_national_one(api, world):
    saved = await api.put(
        f"/api/authorities/{world.authorities['A']}/spend-rules/GLN-CASH",
        headers=world.headers("worker_a"),
        json={"definition": CASH_RULE},
    )
    assert saved.status_code == 200, saved.text
    answer = await api.get(f"{_base(world)}/spend-rules", headers=world.headers("ann"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["authority_name"] == "Glenmore Council" and body["on"] == TODAY.isoformat()
    by_code = {category["code"]: category for category in body["categories"]}
    assert by_code["gambling"]["decision"] == "not_allowed"
    assert by_code["pa_wages"]["decision"] == "allowed"
    family = [rule for rule in by_code["pa_wages"]["special"] if "family member" in rule["when"]]
    assert family and family[0]["statutory"] and family[0]["decision"] == "needs_approval"
    cash = by_code["cash"]
    assert cash["decision"] == "allowed_with_conditions"
    [rule] = cash["rules"]
    assert (rule["id"], rule["layer"]) == ("GLN-CASH", "local")
    assert rule["sources"] == [{"title": "Glenmore DP policy 2026, section 4", "url": "https://glenmore.example/dp#4"}]
    assert all(r["sources"] for c in body["categories"] for r in c["rules"])  # every rule says where it comes from
    before = await api.get(
        f"{_base(world)}/spend-rules",
        params={"on": (TODAY - timedelta(days=4)).isoformat()},
        headers=world.headers("ann"),
    )
    assert {c["code"]: c for c in before.json()["categories"]}["cash"]["decision"] == "needs_approval"
    # the other council's holder reads their own council's rules, never these
    other = {
        c["code"]: c
        for c in (await api.get(f"{_base(world, 'b1')}/spend-rules", headers=world.headers("cal"))).json()["categories"]
    }
    assert other["cash"]["decision"] == "needs_approval"
    for user in ("cal", "finance_b"):
        assert (await api.get(f"{_base(world)}/spend-rules", headers=world.headers(user))).status_code == 404
    assert (await api.get(f"{_base(world)}/spend-rules", headers=world.headers("bureau_x"))).status_code == 200


async def test_the_page_lists_what_the_money_may_and_may_not_pay_for_dated(pages, world, api):
    await api.put(
        f"/api/authorities/{world.authorities['A']}/spend-rules/GLN-CASH",
        headers=world.headers("worker_a"),
        json={"definition": CASH_RULE},
    )
    await pages.sign_in("ann")
    page = await pages.get(f"{pages.account()}/spend-rules")
    assert page.status_code == 200
    text = page.text
    for heading in ("What it pays for", "What it may not pay for", "What needs the council&#39;s approval first"):
        assert heading in text, heading
    assert f"{TODAY.day} {TODAY:%B %Y}" in text
    assert "Glenmore allows small amounts of cash." in text and "Glenmore Council's own rule." in text
    assert 'href="https://glenmore.example/dp#4"' in text
    assert "What it may pay for" in text  # in the account's menu
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}", re.sub(r'href="[^"]*"|action="[^"]*"', "", text))


async def test_stays_are_recorded_and_taken_off_on_the_page_naming_the_field_when_wrong(api, pages, world):
    await pages.sign_in("ann")
    page = f"{pages.account()}/spend-rules"
    assert "No stays are recorded." in (await pages.get(page)).text
    wrong = await pages.post(
        f"{page}/stays", {"place": "Sunnyside", "first_night": "2026-05-08", "last_night": "2026-05-04"}
    )
    assert wrong.status_code == 400 and 'href="#last_night"' in wrong.text
    done = await pages.post(
        f"{page}/stays", {"place": "Sunnyside", "first_night": "2026-05-04", "last_night": "2026-05-08"}
    )
    assert done.status_code == 303
    shown = (await pages.get(page)).text
    assert "Sunnyside" in shown and "4 May 2026 to 8 May 2026" in shown and "Take off" in shown
    await pages.sign_in("finance_a")
    assert "Record the stay" not in (await pages.get(page)).text  # the council reads them; the holder's side records
