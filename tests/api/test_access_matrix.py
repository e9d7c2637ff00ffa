"""Every role against its own account, another employer's, another authority's, and accounts
whose mandate was revoked or has expired. Denials are 403 (seen, not allowed) or 404 (not
seen), and a 404 for someone else's account reads exactly like one for no account at all."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from dp_platform.tenancy.policy import SCOTTISH_TIME

pytestmark = pytest.mark.api

USERS = ["ann", "bea", "cal", "finance_a", "worker_a", "finance_b", "bureau_x", "bureau_y", "admin"]
ACCOUNTS = ["a1", "a2", "b1"]
VISIBLE = {
    "ann": {"a1"},
    "bea": {"a2"},
    "cal": {"b1"},
    "finance_a": {"a1", "a2"},
    "worker_a": {"a1", "a2"},
    "finance_b": {"b1"},
    "bureau_x": {"a1"},  # its mandate over a2 was revoked and the one over b1 has expired
    "bureau_y": set(),
    "admin": {"a1", "a2", "b1"},
}
MAY_MANAGE_MANDATES = {("ann", "a1"), ("bea", "a2"), ("cal", "b1")}
CASES = [(user, account) for user in USERS for account in ACCOUNTS]


def _without_ids(body: dict, *ids: uuid.UUID) -> dict:
    text = repr({key: value for key, value in body.items() if key not in {"request_id", "instance"}})
    for value in ids:
        text = text.replace(str(value), "<id>")
    return text


async def test_listing_accounts_shows_exactly_what_each_role_may_see(api, world):
    for user in USERS:
        response = await api.get("/api/accounts", headers=world.headers(user))
        assert response.status_code == 200
        seen = {account["reference"].lower() for account in response.json()}
        assert seen == VISIBLE[user], user


async def test_reading_an_account_is_allowed_or_404_without_leaking_existence(api, world):
    for user, account in CASES:
        headers = world.headers(user)
        account_id = world.accounts[account]
        response = await api.get(f"/api/accounts/{account_id}", headers=headers)
        if account in VISIBLE[user]:
            assert response.status_code == 200, (user, account)
            assert response.json()["reference"] == account.upper()
            continue
        assert response.status_code == 404, (user, account)
        nowhere = uuid.uuid4()
        missing = await api.get(f"/api/accounts/{nowhere}", headers=headers)
        assert _without_ids(response.json(), account_id) == _without_ids(missing.json(), nowhere)


async def test_reading_an_accounts_audit_trail_and_mandates_follows_the_same_rule(api, world):
    for user, account in CASES:
        headers = world.headers(user)
        account_id = world.accounts[account]
        expected = 200 if account in VISIBLE[user] else 404
        for path in (
            f"/api/audit-events?account_id={account_id}",
            f"/api/audit-events/verify?account_id={account_id}",
            f"/api/audit-events/export?account_id={account_id}",
            f"/api/mandates?account_id={account_id}",
        ):
            response = await api.get(path, headers=headers)
            assert response.status_code == expected, (user, account, path, response.text)


async def test_granting_a_mandate_is_for_the_holders_side_only(api, world):
    for user, account in CASES:
        response = await api.post(
            "/api/mandates",
            headers=world.headers(user),
            json={
                "account_id": str(world.accounts[account]),
                "organisation_id": str(world.organisations["Z"]),
                "scopes": ["view"],
                "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
            },
        )
        if (user, account) in MAY_MANAGE_MANDATES:
            assert response.status_code == 201, (user, account, response.text)
        elif account in VISIBLE[user]:
            assert response.status_code == 403, (user, account, response.text)
            assert response.json()["title"] == "Not allowed"
        else:
            assert response.status_code == 404, (user, account, response.text)


async def test_revocation_takes_effect_on_the_very_next_request(api, world):
    bureau = world.headers("bureau_x")
    account = f"/api/accounts/{world.accounts['a1']}"
    assert (await api.get(account, headers=bureau)).status_code == 200
    revoked = await api.post(
        f"/api/mandates/{world.mandates['in_force']}/revoke",
        headers=world.headers("ann"),
        json={"reason": "Moving payroll to another bureau"},
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert (await api.get(account, headers=bureau)).status_code == 404
    assert (await api.get("/api/accounts", headers=bureau)).json() == []


async def test_requests_without_a_valid_login_are_401_problems(api, world):
    for headers in (
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic abc"},
        {"X-API-Key": "dpk_0_nope"},
    ):
        response = await api.get("/api/accounts", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_accounts_exceptions_follow_the_same_rule_and_only_council_staff_act(api, world):
    for user, account in CASES:
        headers = world.headers(user)
        base = f"/api/accounts/{world.accounts[account]}/exceptions"
        listed = await api.get(base, headers=headers)
        assert listed.status_code == (200 if account in VISIBLE[user] else 404), (user, account)
        resolved = await api.post(f"{base}/statements:none/resolve", headers=headers, json={"resolution": "Seen."})
        if account not in VISIBLE[user]:
            assert resolved.status_code == 404, (user, account)
        elif user in ("finance_a", "worker_a", "finance_b"):
            assert resolved.status_code == 404 and resolved.json()["title"] == "No such exception", (user, account)
        else:
            assert resolved.status_code == 403, (user, account, resolved.text)


async def test_a_councils_queue_thresholds_portfolio_rules_and_reports_are_its_own_staffs_only(api, world):
    for user in USERS:
        for key, authority_id in world.authorities.items():
            own = user in (("finance_a", "worker_a") if key == "A" else ("finance_b",))
            for path in ("exceptions", "thresholds", "portfolio", "spend-rules", "reports"):
                response = await api.get(f"/api/authorities/{authority_id}/{path}", headers=world.headers(user))
                assert response.status_code == (200 if own else 403), (user, key, path)


async def test_reports_and_reviews_follow_the_same_rule(api, world):
    today = datetime.now(SCOTTISH_TIME).date().isoformat()
    period = f"period_from=2026-01-01&period_to={today}"
    for user, account in CASES:
        response = await api.get(
            f"/api/accounts/{world.accounts[account]}/report/pdf?{period}", headers=world.headers(user)
        )
        assert response.status_code == (200 if account in VISIBLE[user] else 404), (user, account)
    for user in USERS:
        for key, authority_id in world.authorities.items():
            own = user in (("finance_a", "worker_a") if key == "A" else ("finance_b",))
            for path in (f"report/accounts.csv?{period}", "due"):
                response = await api.get(f"/api/authorities/{authority_id}/{path}", headers=world.headers(user))
                assert response.status_code == (200 if own else 403), (user, key, path)
