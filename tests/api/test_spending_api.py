"""Spend checks through HTTP: a statement with a disallowed and a needs-approval spend opens one
exception and one approval request, audited and seen by both sides; the council decides; the person
confirms a line's category; a family member approved once stays approved; local rules by date."""

from __future__ import annotations

from datetime import date

import pytest

from tests import statement_files as files
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api

MAY = [
    (date(2026, 5, 4), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
    (date(2026, 5, 6), "WILLIAM HILL 0412 GLASGOW", -2_500),
    (date(2026, 5, 8), "SUNNYSIDE CARE HOME RESPITE STAY", -56_000),
    (date(2026, 5, 12), "HMRC PAYE 120PA0001234", -8_130),
    (date(2026, 5, 15), "J SMITH", -40_000),
]


def base(world, account="a1") -> str:
    return f"/api/accounts/{world.accounts[account]}"


async def events(api, world, user, account="a1"):
    page = await api.get(f"/api/audit-events?account_id={world.accounts[account]}", headers=world.headers(user))
    return page.json()["items"]


async def test_a_statement_opens_one_exception_and_one_approval_request_both_sides_see(api, world):
    imported = await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    assert imported.status_code == 201, imported.text
    for user in ("ann", "finance_a", "worker_a"):
        reviews = (await api.get(f"{base(world)}/spend-reviews", headers=world.headers(user))).json()
        assert [(r["kind"], r["category"], r["rule_ids"], r["status"]) for r in reviews] == [
            ("exception", "gambling", ["NAT-EXCL-GAMBLING"], "open"),
            ("approval", "residential_care", ["NAT-RESIDENTIAL-LIMIT"], "open"),
        ]
        trail = await events(api, world, user)
        raised = [e for e in trail if e["action"] in ("spend.exception_raised", "spend.approval_requested")]
        assert sorted(e["action"] for e in raised) == ["spend.approval_requested", "spend.exception_raised"]
        assert {e["request_id"] for e in raised} == {imported.headers["x-request-id"]}
    assert (await api.get(f"{base(world)}/spend-reviews", headers=world.headers("finance_b"))).status_code == 404
    lines = {
        line["description"].removeprefix("Payment "): line
        for line in (await api.get(f"{base(world)}/spend-lines", headers=world.headers("ann"))).json()
    }
    assert (
        lines["HMRC PAYE 120PA0001234"]["category"] == "pa_wages"
        and lines["HMRC PAYE 120PA0001234"]["review_status"] is None
    )
    assert lines["J SMITH"]["category"] is None  # nothing to go on: it waits for the person
    assert lines["WILLIAM HILL 0412 GLASGOW"]["suggested_by"] == "keywords"


async def test_the_council_decides_with_a_reason_and_only_the_council(api, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    exception, approval = (await api.get(f"{base(world)}/spend-reviews", headers=world.headers("ann"))).json()
    decide = f"{base(world)}/spend-reviews/{approval['id']}/decide"
    for user, status in (("ann", 403), ("finance_a", 403), ("bureau_x", 403), ("finance_b", 404)):
        response = await api.post(decide, headers=world.headers(user), json={"outcome": "approved", "reason": "ok"})
        assert response.status_code == status, user
    wrong = await api.post(decide, headers=world.headers("worker_a"), json={"outcome": "resolved", "reason": "x"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "outcome"
    approved = await api.post(
        decide,
        headers=world.headers("worker_a"),
        json={"outcome": "approved", "reason": "Planned respite week, in the plan."},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = await api.post(decide, headers=world.headers("worker_a"), json={"outcome": "declined", "reason": "no"})
    assert again.status_code == 409
    resolved = await api.post(
        f"{base(world)}/spend-reviews/{exception['id']}/decide",
        headers=world.headers("worker_a"),
        json={"outcome": "resolved", "reason": "Paid back into the account on 20 May after a card mix-up."},
    )
    assert resolved.json()["status"] == "resolved"
    trail = [e["action"] for e in await events(api, world, "ann")]
    assert "spend.review_approved" in trail and "spend.review_resolved" in trail


async def test_confirming_a_family_member_asks_once_and_the_approval_stands(api, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    lines = {
        line["description"].removeprefix("Payment "): line
        for line in (await api.get(f"{base(world)}/spend-lines", headers=world.headers("ann"))).json()
    }
    smith = lines["J SMITH"]["line_id"]
    url = f"{base(world)}/statements/lines/{smith}/category"
    decided = await api.post(
        url, headers=world.headers("ann"), json={"category": "pa_wages", "relationship": "family_member"}
    )
    assert decided.status_code == 200, decided.text
    assert (decided.json()["decision"], decided.json()["rule_ids"]) == ("needs_approval", ["NAT-REG7-FAMILY"])
    [request] = [
        r
        for r in (await api.get(f"{base(world)}/spend-reviews?status=open", headers=world.headers("worker_a"))).json()
        if r["category"] == "pa_wages"
    ]
    await api.post(
        f"{base(world)}/spend-reviews/{request['id']}/decide",
        headers=world.headers("worker_a"),
        json={"outcome": "approved", "reason": "Jean is Ann's sister; reg 8(c) ground: availability at night."},
    )
    june = [(date(2026, 6, 1), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000), (date(2026, 6, 12), "J SMITH", -40_000)]
    await upload(api, world, "ann", files.nationwide_csv(june, opening=50_000 + sum(p for _, _, p in MAY)), "june.csv")
    june_line = next(
        line
        for line in (await api.get(f"{base(world)}/spend-lines", headers=world.headers("ann"))).json()
        if line["value_on"] == "2026-06-12"
    )
    assert (june_line["category"], june_line["confirmed"], june_line["suggested_by"]) == (
        "pa_wages",
        True,
        "payee_history",
    )
    # the history knows the payee, not the relationship; said again, the standing approval holds
    june_check = await api.post(
        f"{base(world)}/statements/lines/{june_line['line_id']}/category",
        headers=world.headers("ann"),
        json={"category": "pa_wages", "relationship": "family_member"},
    )
    assert june_check.json()["decision"] == "allowed"
    assert "NAT-REG7-FAMILY approved by the council" not in june_check.json()["sentence"]
    assert any(
        r["rule_id"] == "NAT-REG7-FAMILY" and r["set_aside"] == "approved by the council"
        for r in june_check.json()["rules"]
    )
    unknown = await api.post(url, headers=world.headers("ann"), json={"category": "sweets"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "category"


async def test_a_proposed_spend_is_decided_without_storing_anything(api, world):
    check = await api.get(
        f"{base(world)}/spend-check",
        headers=world.headers("bureau_x"),
        params={"on": "2026-06-01", "amount_pence": 2000, "mcc": "5921"},
    )
    assert check.status_code == 200
    assert (check.json()["decision"], check.json()["category"]) == ("not_allowed", "alcohol_tobacco")
    assert check.json()["rules"][0]["sources"][0]["url"].startswith("https://")
    assert (await api.get(f"{base(world)}/spend-reviews", headers=world.headers("ann"))).json() == []


async def test_a_local_rule_version_changes_decisions_only_from_its_date(api, world):
    authority = world.authorities["A"]
    rule = {
        "categories": ["cash"],
        "replaces": "NAT-CASH",
        "versions": [
            {
                "effective_from": "2026-07-01",
                "decision": "allowed_with_conditions",
                "conditions": ["no more than £100 in 4 weeks"],
                "sentence": "Glenmore allows small amounts of cash.",
                "sources": [{"title": "Glenmore DP policy 2026", "url": "https://glenmore.example/dp"}],
            }
        ],
    }
    url = f"/api/authorities/{authority}/spend-rules/GLN-CASH"
    assert (await api.put(url, headers=world.headers("finance_a"), json={"definition": rule})).status_code == 403
    saved = await api.put(url, headers=world.headers("worker_a"), json={"definition": rule})
    assert saved.status_code == 200, saved.text

    async def cash_on(day: str) -> str:
        response = await api.get(
            f"{base(world)}/spend-check",
            headers=world.headers("ann"),
            params={"on": day, "amount_pence": 5000, "category": "cash"},
        )
        return response.json()["decision"]

    assert (await cash_on("2026-06-30"), await cash_on("2026-07-01")) == ("needs_approval", "allowed_with_conditions")
    other_authority = await api.get(
        f"{base(world, 'b1')}/spend-check",
        headers=world.headers("cal"),
        params={"on": "2026-07-01", "amount_pence": 5000, "category": "cash"},
    )
    assert other_authority.json()["decision"] == "needs_approval"
    statutory = await api.put(
        f"/api/authorities/{authority}/spend-rules/GLN-FAMILY",
        headers=world.headers("worker_a"),
        json={"definition": {**rule, "categories": ["pa_wages"], "replaces": "NAT-REG7-FAMILY"}},
    )
    assert statutory.status_code == 400 and "comes from the law" in statutory.json()["detail"]


async def test_small_taxi_fares_under_a_standing_approval_open_one_review_not_eight(api, world):
    """A taxi is transport, allowed for an agreed outcome; this account's agreement links none, so the
    first fare needs the council's approval. Approved, it stands for later fares to the same firm up to
    the council's limit (£30.00 each): eight more open nothing; a £45.00 fare asks again."""
    limit = await api.post(
        f"/api/authorities/{world.authorities['A']}/thresholds",
        headers=world.headers("finance_a"),
        json={
            "name": "standing_approval_limit_pence",
            "value": 3_000,
            "effective_from": "2026-01-01",
            "source_title": "Glenmore Council Direct Payments policy, section 5",
        },
    )
    assert limit.status_code == 201, limit.text
    await upload(api, world, "ann", files.nationwide_csv([(date(2026, 5, 2), "CITY CABS PERTH", -1_480)]), "first.csv")
    [first] = (await api.get(f"{base(world)}/spend-reviews", headers=world.headers("ann"))).json()
    assert (first["kind"], first["category"], first["rule_ids"]) == ("approval", "transport", ["NAT-OUTCOME-LINK"])
    approved = await api.post(
        f"{base(world)}/spend-reviews/{first['id']}/decide",
        headers=world.headers("worker_a"),
        json={"outcome": "approved", "reason": "Taxis to the day centre, agreed at the review."},
    )
    assert approved.status_code == 200, approved.text
    fares = [(date(2026, 5, 4 + day), "CITY CABS PERTH", -1_480) for day in range(8)]
    imported = await upload(api, world, "ann", files.nationwide_csv(fares), "fares.csv")
    assert imported.status_code == 201, imported.text
    reviews = (await api.get(f"{base(world)}/spend-reviews", headers=world.headers("ann"))).json()
    assert [review["id"] for review in reviews] == [first["id"]]
    dearer = [(date(2026, 5, 20), "CITY CABS PERTH", -4_500)]
    await upload(api, world, "ann", files.nationwide_csv(dearer), "dearer.csv")
    reviews = (await api.get(f"{base(world)}/spend-reviews?status=open", headers=world.headers("ann"))).json()
    assert [(review["amount_pence"], review["rule_ids"]) for review in reviews] == [(4_500, ["NAT-OUTCOME-LINK"])]


async def test_the_council_decides_several_reviews_at_once_or_none(api, world):
    """Three fares to different firms, each asking the council, approved together with one reason; a
    batch holding one review decided already changes nothing."""
    fares = [(date(2026, 5, 2 + n), f"{firm} TAXIS", -1_480) for n, firm in enumerate(("CITY", "DOCKSIDE", "PERTH"))]
    await upload(api, world, "ann", files.nationwide_csv(fares), "fares.csv")
    waiting = (await api.get(f"{base(world)}/spend-reviews?status=open", headers=world.headers("ann"))).json()
    assert len(waiting) == 3
    url = f"{base(world)}/spend-reviews/decide"
    reason = "Taxis to the day centre, agreed at the review."
    first = waiting[0]["id"]
    single = await api.post(
        f"{base(world)}/spend-reviews/{first}/decide",
        headers=world.headers("worker_a"),
        json={"outcome": "declined", "reason": "Not to this firm."},
    )
    assert single.status_code == 200
    ids = [review["id"] for review in waiting]
    refused = await api.post(
        url, headers=world.headers("worker_a"), json={"review_ids": ids, "outcome": "approved", "reason": reason}
    )
    assert refused.status_code == 409 and "declined already" in refused.json()["detail"]
    assert len((await api.get(f"{base(world)}/spend-reviews?status=open", headers=world.headers("ann"))).json()) == 2
    assert (
        await api.post(
            url, headers=world.headers("ann"), json={"review_ids": ids[1:], "outcome": "approved", "reason": reason}
        )
    ).status_code == 403
    done = await api.post(
        url, headers=world.headers("worker_a"), json={"review_ids": ids[1:], "outcome": "approved", "reason": reason}
    )
    assert done.status_code == 200, done.text
    assert [(review["status"], review["decision_reason"]) for review in done.json()] == [("approved", reason)] * 2
    trail = (
        await api.get(
            f"/api/audit-events?account_id={world.accounts['a1']}&action=spend.review_approved",
            headers=world.headers("ann"),
        )
    ).json()
    assert len(trail["items"]) == 2
