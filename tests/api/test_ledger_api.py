"""The ledger through HTTP: post, retry, conflict, reverse, balances, spend, export, and who may."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from dp_platform.tenancy.policy import SCOTTISH_TIME

pytestmark = pytest.mark.api


def ledger(world, account="a1") -> str:
    return f"/api/accounts/{world.accounts[account]}/ledger"


def payment(key="pay-1", pence=184_000, on="2026-04-06"):
    return {
        "occurred_on": on,
        "narration": "4-weekly Direct Payment",
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": pence},
            {"account": "income:authority:dp_payment", "amount_pence": -pence},
        ],
        "idempotency_key": key,
    }


def wages(key="wages-1", pence=61_250, on="2026-04-24"):
    return {
        "occurred_on": on,
        "narration": "Net wages, Ailsa",
        "postings": [
            {"account": "expenses:pa_wages:gross", "amount_pence": pence},
            {"account": "assets:bank:dp_account", "amount_pence": -pence},
        ],
        "idempotency_key": key,
    }


async def test_post_retry_and_conflict(api, world):
    headers = world.headers("ann")
    first = await api.post(f"{ledger(world)}/entries", headers=headers, json=payment())
    assert first.status_code == 201, first.text
    body = first.json()
    assert [p["balance_after_pence"] for p in body["postings"]] == [184_000, -184_000]
    again = await api.post(f"{ledger(world)}/entries", headers=headers, json=payment())
    assert again.status_code == 200 and again.json() == body
    other = await api.post(f"{ledger(world)}/entries", headers=headers, json=payment(pence=184_001))
    assert other.status_code == 409
    assert other.json()["field"] == "idempotency_key"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        (
            {
                "postings": [
                    {"account": "assets:bank:dp_account", "amount_pence": 100},
                    {"account": "income:authority:dp_payment", "amount_pence": -99},
                ]
            },
            "postings",
            "sum to £0.01",
        ),
        (
            {
                "postings": [
                    {"account": "assets:bank:dp_account", "amount_pence": 100},
                    {"account": "expenses:yachts", "amount_pence": -100},
                ]
            },
            "postings",
            "no account expenses:yachts",
        ),
        (
            {
                "postings": [
                    {"account": "bank", "amount_pence": 100},
                    {"account": "income:authority:dp_payment", "amount_pence": -100},
                ]
            },
            "account",
            "not an account code",
        ),
    ],
)
async def test_bad_entries_are_400s_naming_the_problem(api, world, change, field, fragment):
    response = await api.post(f"{ledger(world)}/entries", headers=world.headers("ann"), json={**payment(), **change})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize("amount", ["1840.00", 18.5, True, None])
async def test_amounts_must_be_whole_pence(api, world, amount):
    body = payment()
    body["postings"][0]["amount_pence"] = amount
    response = await api.post(f"{ledger(world)}/entries", headers=world.headers("ann"), json=body)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_balances_trial_balance_spend_and_export(api, world):
    headers = world.headers("ann")
    await api.post(f"{ledger(world)}/entries", headers=headers, json=payment())
    paid = (await api.post(f"{ledger(world)}/entries", headers=headers, json=wages())).json()
    reversal = await api.post(
        f"{ledger(world)}/entries/{paid['id']}/reverse",
        headers=headers,
        json={"reason": "paid twice by mistake", "idempotency_key": "undo-wages"},
    )
    assert reversal.status_code == 201
    assert reversal.json()["reverses_entry_id"] == paid["id"]
    await api.post(f"{ledger(world)}/entries", headers=headers, json=wages(key="wages-2"))

    accounts = {a["code"]: a for a in (await api.get(ledger(world), headers=headers)).json()["accounts"]}
    assert accounts["assets:bank:dp_account"]["natural_balance_pence"] == 184_000 - 61_250
    assert accounts["income:authority:dp_payment"]["balance_pence"] == -184_000
    assert accounts["income:authority:dp_payment"]["natural_balance_pence"] == 184_000
    before = {
        a["code"]: a for a in (await api.get(f"{ledger(world)}?on=2026-04-10", headers=headers)).json()["accounts"]
    }
    assert before["assets:bank:dp_account"]["balance_pence"] == 184_000

    trial = (await api.get(f"{ledger(world)}/trial-balance", headers=headers)).json()
    assert trial["balanced"] is True and trial["total_debit_pence"] == trial["total_credit_pence"] == 184_000

    spend = (
        await api.get(f"{ledger(world)}/spend?occurred_from=2026-04-01&occurred_to=2026-04-30", headers=headers)
    ).json()
    assert spend["total_pence"] == 61_250
    assert spend["lines"] == [{"account": "expenses:pa_wages:gross", "name": "PA gross wages", "spent_pence": 61_250}]

    exported = await api.get(f"{ledger(world)}/export.csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 8
    assert sum(int(row["amount_pence"]) for row in rows) == 0

    listed = (await api.get(f"{ledger(world)}/entries?occurred_from=2026-04-20", headers=headers)).json()
    assert listed[0]["narration"] == "Net wages, Ailsa"


async def test_who_may_post(api, world):
    today = datetime.now(SCOTTISH_TIME).date().isoformat()
    # bureau X's mandate covers payroll and viewing, not bookkeeping
    refused = await api.post(f"{ledger(world)}/entries", headers=world.headers("bureau_x"), json=payment())
    assert refused.status_code == 403
    assert "import_statements" in refused.json()["detail"]
    assert (
        await api.post(f"{ledger(world)}/entries", headers=world.headers("finance_a"), json=payment())
    ).status_code == 403
    assert (await api.post(f"{ledger(world)}/entries", headers=world.headers("cal"), json=payment())).status_code == 404
    assert (await api.get(ledger(world), headers=world.headers("finance_b"))).status_code == 404

    # Ann gives bureau Y bookkeeping rights; what Y posts carries the mandate and Ann sees it.
    granted = await api.post(
        "/api/mandates",
        headers=world.headers("ann"),
        json={
            "account_id": str(world.accounts["a1"]),
            "organisation_id": str(world.organisations["Y"]),
            "scopes": ["import_statements"],
            "valid_from": today,
        },
    )
    assert granted.status_code == 201
    posted = await api.post(f"{ledger(world)}/entries", headers=world.headers("bureau_y"), json=payment(key="by-y"))
    assert posted.status_code == 201, posted.text
    events = (
        await api.get(
            f"/api/audit-events?account_id={world.accounts['a1']}&action=ledger.entry_posted",
            headers=world.headers("ann"),
        )
    ).json()["items"]
    assert events[0]["mandate_id"] == granted.json()["id"]
    assert events[0]["details"]["postings"] == [
        ["assets:bank:dp_account", 184_000],
        ["income:authority:dp_payment", -184_000],
    ]


async def test_accounts_open_and_close(api, world):
    headers = world.headers("ann")
    opened = await api.post(
        f"{ledger(world)}/accounts",
        headers=headers,
        json={"code": "expenses:activities:swimming", "name": "Swimming lessons", "opened_on": "2026-04-01"},
    )
    assert opened.status_code == 201, opened.text
    again = await api.post(
        f"{ledger(world)}/accounts",
        headers=headers,
        json={"code": "expenses:activities:swimming", "name": "Swimming", "opened_on": "2026-04-01"},
    )
    assert again.status_code == 409
    lesson = {
        "occurred_on": "2026-04-08",
        "narration": "Swimming, 4 lessons",
        "idempotency_key": "swim-1",
        "postings": [
            {"account": "expenses:activities:swimming", "amount_pence": 3_200},
            {"account": "assets:bank:dp_account", "amount_pence": -3_200},
        ],
    }
    assert (await api.post(f"{ledger(world)}/entries", headers=headers, json=lesson)).status_code == 201
    close = {"code": "expenses:activities:swimming", "closed_on": "2026-04-30"}
    refused = await api.post(f"{ledger(world)}/accounts/close", headers=headers, json=close)
    assert refused.status_code == 409 and "stands at £32.00" in refused.json()["detail"]
    moved = {
        "occurred_on": "2026-04-30",
        "narration": "Move to activities",
        "idempotency_key": "swim-move",
        "postings": [
            {"account": "expenses:activities", "amount_pence": 3_200},
            {"account": "expenses:activities:swimming", "amount_pence": -3_200},
        ],
    }
    assert (await api.post(f"{ledger(world)}/entries", headers=headers, json=moved)).status_code == 201
    closed = await api.post(f"{ledger(world)}/accounts/close", headers=headers, json=close)
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-04-30"
    late = {**lesson, "occurred_on": "2026-05-06", "idempotency_key": "swim-2"}
    after = await api.post(f"{ledger(world)}/entries", headers=headers, json=late)
    assert after.status_code == 409 and "closed on 2026-04-30" in after.json()["detail"]


def _pair(pence: int) -> list[dict]:
    return [
        {"account": "assets:bank:dp_account", "amount_pence": pence},
        {"account": "income:authority:dp_payment", "amount_pence": -pence},
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_on": "9999-12-31"}, "occurred_on"),
        ({"occurred_on": "0001-01-01"}, "occurred_on"),
        ({"postings": _pair(2**63 - 1)}, "postings"),
        ({"postings": _pair(10_000_000_001)}, "postings"),
        ({"idempotency_key": "   "}, "idempotency_key"),
    ],
)
async def test_far_dates_huge_amounts_and_blank_keys_are_400s_naming_the_field(api, world, change, field):
    response = await api.post(f"{ledger(world)}/entries", headers=world.headers("ann"), json={**payment(), **change})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


async def test_pence_written_as_1e3_or_past_64_bits_are_refused(api, world):
    text = '{"occurred_on": "2026-04-06", "narration": "x", "idempotency_key": "k", "postings": ['
    for amount in ("1e3", str(2**64)):
        body = text + f'{{"account": "assets:bank:dp_account", "amount_pence": {amount}}}, '
        body += f'{{"account": "income:authority:dp_payment", "amount_pence": -{amount}}}]}}'
        response = await api.post(
            f"{ledger(world)}/entries",
            headers={**world.headers("ann"), "content-type": "application/json"},
            content=body,
        )
        assert response.status_code == 400, (amount, response.text)
