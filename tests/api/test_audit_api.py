"""Employer, bureau and authority read the same audit events, page them, export and verify them."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from sqlalchemy import text

from dp_platform.audit.chain import event_payload, link_hash
from dp_platform.tenancy.policy import SCOTTISH_TIME

pytestmark = pytest.mark.api


def _today() -> str:
    return datetime.now(SCOTTISH_TIME).date().isoformat()


async def _share_some_history(api, world) -> None:
    """Ann grants Z a mandate; bureau X then relinquishes its own: two hands on one account."""
    granted = await api.post(
        "/api/mandates",
        headers=world.headers("ann"),
        json={
            "account_id": str(world.accounts["a1"]),
            "organisation_id": str(world.organisations["Z"]),
            "scopes": ["view", "import_statements"],
            "valid_from": _today(),
        },
    )
    assert granted.status_code == 201, granted.text
    relinquished = await api.post(
        f"/api/mandates/{world.mandates['in_force']}/revoke",
        headers=world.headers("bureau_x"),
        json={"reason": "Contract ended"},
    )
    assert relinquished.status_code == 200, relinquished.text


async def test_holder_and_authority_read_the_same_events_including_the_bureaus(api, world):
    await _share_some_history(api, world)
    path = f"/api/audit-events?account_id={world.accounts['a1']}"
    holder = (await api.get(path, headers=world.headers("ann"))).json()
    authority = (await api.get(path, headers=world.headers("finance_a"))).json()
    assert holder == authority
    actions = [item["action"] for item in holder["items"]]
    assert actions == ["mandate.relinquished", "mandate.granted"]  # newest first
    by_bureau = holder["items"][0]
    assert by_bureau["actor_role"] == "bureau_staff"
    assert by_bureau["actor_organisation_id"] == str(world.organisations["X"])
    assert by_bureau["mandate_id"] == str(world.mandates["in_force"])
    assert by_bureau["details"]["reason"] == "Contract ended"
    # The bureau's mandate has ended, so the account and its trail are gone from its view.
    assert (await api.get(path, headers=world.headers("bureau_x"))).status_code == 404
    # Another authority sees none of it.
    assert (await api.get(path, headers=world.headers("finance_b"))).status_code == 404


async def test_events_page_newest_first_and_filter(api, world):
    await _share_some_history(api, world)
    headers = world.headers("ann")
    first = (await api.get("/api/audit-events?limit=1", headers=headers)).json()
    assert len(first["items"]) == 1 and first["next_before"] == first["items"][0]["id"]
    second = (await api.get(f"/api/audit-events?limit=1&before={first['next_before']}", headers=headers)).json()
    assert second["items"][0]["id"] < first["items"][0]["id"]
    assert second["next_before"] is None
    only_grants = (await api.get("/api/audit-events?action=mandate.granted", headers=headers)).json()
    assert [item["action"] for item in only_grants["items"]] == ["mandate.granted"]
    by_actor = (await api.get(f"/api/audit-events?actor_user_id={world.users['bureau_x']}", headers=headers)).json()
    assert [item["action"] for item in by_actor["items"]] == ["mandate.relinquished"]
    nothing = (await api.get("/api/audit-events?occurred_from=2099-01-01T00:00:00Z", headers=headers)).json()
    assert nothing["items"] == []


async def test_exports_carry_both_hashes_and_rebuild_the_chain(api, world):
    await _share_some_history(api, world)
    headers = world.headers("finance_a")
    account = world.accounts["a1"]
    as_csv = await api.get(f"/api/audit-events/export?format=csv&account_id={account}", headers=headers)
    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [row["action"] for row in rows] == ["mandate.granted", "mandate.relinquished"]
    as_jsonl = await api.get(f"/api/audit-events/export?format=jsonl&account_id={account}", headers=headers)
    records = [json.loads(line) for line in as_jsonl.text.splitlines()]
    assert [record["id"] for record in records] == [row["id"] for row in rows]
    for record in records:  # an auditor can recompute every hash from the export alone
        record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
        assert link_hash(record["prev_hash"], event_payload(record)) == record["hash"]
    assert records[1]["prev_hash"] == records[0]["hash"]


async def test_verify_endpoint_reports_a_clean_chain_and_then_the_broken_event(api, world, db):
    await _share_some_history(api, world)
    account = world.accounts["a1"]
    clean = (await api.get(f"/api/audit-events/verify?account_id={account}", headers=world.headers("ann"))).json()
    assert clean["ok"] is True and clean["events_checked"] == 2
    authority_wide = (await api.get("/api/audit-events/verify?full=true", headers=world.headers("finance_a"))).json()
    assert authority_wide["ok"] is True and authority_wide["events_checked"] == 2
    assert (await api.get("/api/audit-events/verify", headers=world.headers("ann"))).status_code == 403

    async with db.begin() as connection:
        await connection.execute(text("ALTER TABLE platform_audit_events DISABLE TRIGGER USER"))
        event_id = await connection.scalar(
            text(
                "UPDATE platform_audit_events SET subject_id = subject_id || 'x' "
                "WHERE account_id = :account AND seq = 1 RETURNING id"
            ),
            {"account": account},
        )
        await connection.execute(text("ALTER TABLE platform_audit_events ENABLE TRIGGER USER"))
    since = (await api.get(f"/api/audit-events/verify?account_id={account}", headers=world.headers("ann"))).json()
    assert since["full"] is False and since["events_checked"] == 1, "the first event is behind the checkpoint"
    broken = (
        await api.get(f"/api/audit-events/verify?account_id={account}&full=true", headers=world.headers("ann"))
    ).json()
    assert broken["ok"] is False and broken["full"] is True
    assert broken["first_break"]["event_id"] == str(event_id)
    assert str(event_id) in broken["first_break"]["sentence"]
