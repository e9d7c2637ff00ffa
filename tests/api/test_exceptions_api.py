"""The council's exception queue through HTTP: what the checks find across its accounts and only
its accounts, assigned to its own staff, commented on and resolved with a reason (which resolves
the spend review too), every change in the account's audit trail; and the thresholds it sets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import statement_files as files
from tests.api.test_spending_api import MAY
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - thresholds are set from a day


def queue(world, key="A") -> str:
    return f"/api/authorities/{world.authorities[key]}/exceptions"


async def gambling(api, world, user="ann", account="a1") -> dict:
    """A statement whose William Hill line the rules do not allow: one exception on the account."""
    imported = await upload(api, world, user, files.nationwide_csv(MAY), "may.csv", account=account)
    assert imported.status_code == 201, imported.text
    [item] = (await api.get(f"/api/accounts/{world.accounts[account]}/exceptions", headers=world.headers(user))).json()[
        "items"
    ]
    return item


async def test_each_council_sees_only_its_own_accounts_exceptions(api, world):
    ann = await gambling(api, world)
    cal = await gambling(api, world, "cal", "b1")
    assert (ann["check"], ann["title"], ann["status"]) == ("prohibited_spend", "Spend that is not allowed", "open")
    assert ann["amount_pence"] == 2_500 and "William Hill".upper() in ann["sentence"].upper()
    assert ann["sources"] and ann["rule"]
    glenmore = (await api.get(queue(world), headers=world.headers("finance_a"))).json()
    assert [(item["reference"], item["key"]) for item in glenmore["items"]] == [("A1", ann["key"])]
    strathy = (await api.get(queue(world, "B"), headers=world.headers("finance_b"))).json()
    assert [(item["reference"], item["key"]) for item in strathy["items"]] == [("B1", cal["key"])]
    assert "cash_over_limit" in glenmore["not_run"]
    other = await api.get(
        f"/api/accounts/{world.accounts['b1']}/exceptions/{cal['key']}", headers=world.headers("finance_a")
    )
    assert other.status_code == 404


async def test_finance_assigns_comments_and_resolves_and_both_sides_read_it(api, world):
    item = await gambling(api, world)
    url = f"/api/accounts/{world.accounts['a1']}/exceptions/{item['key']}"
    finance = world.headers("finance_a")
    wrong = await api.post(f"{url}/assign", headers=finance, json={"user_id": str(world.users["finance_b"])})
    assert wrong.status_code == 400 and wrong.json()["field"] == "user_id"
    assigned = await api.post(f"{url}/assign", headers=finance, json={"user_id": str(world.users["worker_a"])})
    assert assigned.status_code == 200 and assigned.json()["assigned_to"] == "worker_a"
    for user in ("ann", "bureau_x"):
        denied = await api.post(f"{url}/comments", headers=world.headers(user), json={"body": "It was a mistake."})
        assert denied.status_code == 403
    commented = await api.post(
        f"{url}/comments", headers=finance, json={"body": "Called Ann: paid by mistake, refunded."}
    )
    assert commented.status_code == 201 and [c["body"] for c in commented.json()["comment_list"]] == [
        "Called Ann: paid by mistake, refunded."
    ]
    assert (await api.post(f"{url}/resolve", headers=finance, json={"resolution": " "})).status_code == 400
    resolved = await api.post(
        f"{url}/resolve", headers=finance, json={"resolution": "Refunded to the account on 20 May; no further action."}
    )
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolved_by"]) == ("resolved", "finance_a")
    again = await api.post(f"{url}/resolve", headers=finance, json={"resolution": "Again."})
    assert again.status_code == 409
    reviews = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews", headers=world.headers("ann"))
    ).json()
    gamble = next(review for review in reviews if review["kind"] == "exception")
    assert (gamble["status"], gamble["decision_reason"]) == (
        "resolved",
        "Refunded to the account on 20 May; no further action.",
    )
    assert (await api.get(queue(world), headers=finance)).json()["items"] == []
    resolved_list = (await api.get(f"{queue(world)}?status=resolved", headers=finance)).json()["items"]
    assert [entry["key"] for entry in resolved_list] == [item["key"]]
    trail = (
        await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("ann"))
    ).json()["items"]
    actions = [event["action"] for event in trail]
    for action in ("exception.assigned", "exception.commented", "exception.resolved", "spend.review_resolved"):
        assert action in actions


async def test_the_council_sets_dated_thresholds_with_their_source(api, world):
    url = f"/api/authorities/{world.authorities['A']}/thresholds"
    body = {
        "name": "cash_limit_pence",
        "value": 25_000,
        "effective_from": TODAY.isoformat(),
        "source_title": "Glenmore Council Direct Payments policy, section 9",
        "source_url": "https://www.glenmore.example/dp-policy",
    }
    assert (await api.post(url, headers=world.headers("worker_a"), json=body)).status_code == 403
    assert (await api.post(url, headers=world.headers("finance_b"), json=body)).status_code == 403
    created = await api.post(url, headers=world.headers("finance_a"), json=body)
    assert created.status_code == 201, created.text
    assert created.json()["unit"] == "pence"
    assert (await api.post(url, headers=world.headers("finance_a"), json=body)).status_code == 409
    unknown = await api.post(url, headers=world.headers("finance_a"), json={**body, "name": "cash_limit"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "name"
    unsourced = await api.post(
        url,
        headers=world.headers("finance_a"),
        json={**body, "source_title": "", "effective_from": str(TODAY + timedelta(days=1))},
    )
    assert unsourced.status_code == 400 and unsourced.json()["field"] == "source_title"
    listed = (await api.get(url, headers=world.headers("worker_a"))).json()
    assert [(t["name"], t["value"]) for t in listed] == [("cash_limit_pence", 25_000)]
    not_run = (await api.get(queue(world), headers=world.headers("finance_a"))).json()["not_run"]
    assert "cash_over_limit" not in not_run and "duplicate_payment" in not_run


async def test_recording_checks_and_the_councils_approval_clears_what_they_were_about(api, world):
    base = f"/api/accounts/{world.accounts['a1']}"
    ann = world.headers("ann")
    added = await api.post(
        f"{base}/pas",
        headers=ann,
        json={
            "full_name": "Ewan Grant",
            "started_on": "2025-04-07",
            "date_of_birth": "1970-01-01",
            "relationship": "family_member",
        },
    )
    assert added.status_code == 201, added.text
    pa = added.json()

    async def checks() -> list[str]:
        items = (await api.get(f"{base}/exceptions", headers=world.headers("finance_a"))).json()["items"]
        return sorted(item["check"] for item in items)

    assert await checks() == ["family_pa_unapproved", "insurance", "pvg", "right_to_work"]
    recorded = await api.put(
        f"{base}/pas/{pa['id']}/checks",
        headers=ann,
        json={
            "pvg_checked_on": "2025-03-01",
            "pvg_expires_on": "2030-03-01",
            "right_to_work_checked_on": "2025-03-01",
            "relationship": "family_member",
        },
    )
    assert recorded.status_code == 200 and recorded.json()["warnings"] == []
    employer = {"paye_reference": "123/AB45678", "accounts_office_reference": "123PA00012345"}
    insured = await api.put(
        f"{base}/payroll-employer", headers=ann, json={**employer, "insurance_expires_on": "2099-01-31"}
    )
    assert insured.status_code == 200 and insured.json()["insurance_expires_on"] == "2099-01-31"
    assert await checks() == ["family_pa_unapproved"]
    approval = f"{base}/pas/{pa['id']}/family-approval"
    agreed = {
        "ground": "availability",
        "person_agreed_on": "2025-03-01",
        "family_member_agreed_on": "2025-03-01",
        "authority_agreed_on": "2025-03-03",
        "starts_on": "2025-03-03",
        "reference": "SW-2025-114",
    }
    assert (await api.post(approval, headers=ann, json=agreed)).status_code == 403
    approved = await api.post(approval, headers=world.headers("worker_a"), json=agreed)
    assert (
        approved.status_code == 201 and approved.json()["covers_today"] and approved.json()["ground"] == "availability"
    )
    assert await checks() == []
    checked = {"pvg_checked_on": "2025-03-01", "pvg_expires_on": "2030-03-01", "right_to_work_checked_on": "2025-03-01"}
    guardian = await api.put(f"{base}/pas/{pa['id']}/checks", headers=ann, json={**checked, "relationship": "guardian"})
    assert guardian.status_code == 200
    [ended] = (await api.get(f"{base}/pas/{pa['id']}/family-approvals", headers=ann)).json()
    assert ended["withdrawn_on"] and not ended["covers_today"]  # given for the relationship recorded then
    assert await checks() == ["family_pa_unapproved"]
    refused = await api.post(approval, headers=world.headers("worker_a"), json={**agreed, "reference": "SW-2025-115"})
    assert refused.status_code == 400 and "reg 9" in refused.json()["detail"]
