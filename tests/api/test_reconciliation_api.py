"""From statement to reconciled: import, auto-match, match by hand, post bank-only lines, report."""

from __future__ import annotations

import pytest

from tests import statement_files as files

pytestmark = pytest.mark.api


def base(world) -> str:
    return f"/api/accounts/{world.accounts['a1']}"


def entry(key, on, narration, bank_pence, other):
    return {
        "occurred_on": on,
        "narration": narration,
        "idempotency_key": key,
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": bank_pence},
            {"account": other, "amount_pence": -bank_pence},
        ],
    }


async def _setup(api, world):
    headers = world.headers("ann")
    for body in (
        entry("open", "2026-04-01", "Opening balance", 50_000, "equity:opening_balance"),
        entry("dp-apr", "2026-04-06", "Glenmore Council direct payment", 184_000, "income:authority:dp_payment"),
        entry("wages-apr", "2026-04-23", "Net wages Ailsa Mackay", -61_250, "liabilities:wages:net_due"),
    ):
        assert (await api.post(f"{base(world)}/ledger/entries", headers=headers, json=body)).status_code == 201
    upload = await api.post(
        f"{base(world)}/statements", headers=headers, files={"file": ("apr.csv", files.lloyds_csv())}
    )
    assert upload.status_code == 201
    return headers


async def test_import_auto_match_post_the_rest_and_reconcile(api, world):
    """The import itself matches the lines the ledger already records; what is left is posted by hand."""
    headers = await _setup(api, world)
    period = {"occurred_from": "2026-04-01", "occurred_to": "2026-04-30"}
    [event] = (
        await api.get(
            f"/api/audit-events?account_id={world.accounts['a1']}&action=ledger.auto_reconciled", headers=headers
        )
    ).json()["items"]
    assert sorted(explanation for _, _, explanation in event["details"]["matches"]) == [
        "same amount -£612.50; 1 day apart; both mention MACKAY, WAGES",
        "same amount £1,840.00; same day; both mention COUNCIL, DIRECT, GLENMORE, PAYMENT",
    ]
    again = await api.post(f"{base(world)}/reconciliation/auto", json=period, headers=headers)
    assert again.status_code == 200 and again.json() == []

    report = (await api.get(f"{base(world)}/reconciliation", params=period, headers=headers)).json()
    unmatched = [p for p in report["problems"] if p["kind"] == "unmatched_line"]
    assert sorted(p["amount_pence"] for p in unmatched) == [-45_000, -8_130]
    lines = {
        line["amount_pence"]: line["id"]
        for line in (await api.get(f"{base(world)}/statements/lines", headers=headers)).json()
    }
    posted = await api.post(
        f"{base(world)}/statements/lines/{lines[-45_000]}/post", headers=headers, json={"account": "expenses:agency"}
    )
    assert posted.status_code == 201 and posted.json()["source"] == "statement"
    assert posted.json()["idempotency_key"].startswith("stmt:")
    await api.post(
        f"{base(world)}/statements/lines/{lines[-8_130]}/post",
        headers=headers,
        json={"account": "liabilities:hmrc:paye_ni", "narration": "PAYE for March"},
    )

    report = (await api.get(f"{base(world)}/reconciliation", params=period, headers=headers)).json()
    assert report == {
        "occurred_from": "2026-04-01",
        "occurred_to": "2026-04-30",
        "reconciled": True,
        "matched": 4,
        "problems": [],
    }


async def test_manual_matching_checks_amounts_and_unmatching_is_audited(api, world):
    headers = await _setup(api, world)
    lines = {
        line["amount_pence"]: line["id"]
        for line in (await api.get(f"{base(world)}/statements/lines", headers=headers)).json()
    }
    entries = {
        e["idempotency_key"]: e["id"] for e in (await api.get(f"{base(world)}/ledger/entries", headers=headers)).json()
    }
    wrong = await api.post(
        f"{base(world)}/reconciliation/matches",
        headers=headers,
        json={"statement_line_id": lines[-45_000], "entry_id": entries["wages-apr"]},
    )
    assert wrong.status_code == 400 and "-£450.00" in wrong.json()["detail"]
    # the import matched the wages already; undone, they can be paired by hand
    assert (
        await api.post(f"{base(world)}/reconciliation/matches/{lines[-61_250]}/unmatch", headers=headers)
    ).is_success
    right = await api.post(
        f"{base(world)}/reconciliation/matches",
        headers=headers,
        json={"statement_line_id": lines[-61_250], "entry_id": entries["wages-apr"]},
    )
    assert right.status_code == 201 and right.json()["matched_by"] == "manual"
    twice = await api.post(
        f"{base(world)}/reconciliation/matches",
        headers=headers,
        json={"statement_line_id": lines[-61_250], "entry_id": entries["wages-apr"]},
    )
    assert twice.status_code == 409
    undone = await api.post(f"{base(world)}/reconciliation/matches/{lines[-61_250]}/unmatch", headers=headers)
    assert undone.status_code == 200
    actions = [
        e["action"]
        for e in (
            await api.get(
                f"/api/audit-events?account_id={world.accounts['a1']}&action=ledger.line_unmatched",
                headers=world.headers("finance_a"),
            )
        ).json()["items"]
    ]
    assert actions == ["ledger.line_unmatched", "ledger.line_unmatched"]


async def test_a_statement_that_disagrees_with_the_ledger_shows_the_difference(api, world):
    headers = await _setup(api, world)
    period = {"occurred_from": "2026-04-01", "occurred_to": "2026-04-30"}
    await api.post(f"{base(world)}/reconciliation/auto", json=period, headers=headers)
    report = (await api.get(f"{base(world)}/reconciliation", params=period, headers=headers)).json()
    [mismatch] = [p for p in report["problems"] if p["kind"] == "balance_mismatch"]
    assert mismatch["detail"] == (
        "the statement closes at £1,196.20 on 2026-04-24 but the ledger's DP bank account "
        "stands at £1,727.50 (difference £531.30)"
    )


async def test_reconciling_needs_bookkeeping_rights(api, world):
    await _setup(api, world)
    period = {"occurred_from": "2026-04-01", "occurred_to": "2026-04-30"}
    assert (
        await api.post(f"{base(world)}/reconciliation/auto", json=period, headers=world.headers("bureau_x"))
    ).status_code == 403
    assert (
        await api.get(f"{base(world)}/reconciliation", params=period, headers=world.headers("finance_a"))
    ).status_code == 200
    assert (
        await api.get(f"{base(world)}/reconciliation", params=period, headers=world.headers("finance_b"))
    ).status_code == 404
