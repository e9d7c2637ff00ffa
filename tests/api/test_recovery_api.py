"""Surplus recovery through HTTP: refused without a recorded conversation; never more than the surplus
above the threshold less what the person keeps for a purpose; netting pays the next scheduled payment
exactly that much less, and an invoice is paid back; the person's ledger and the council's each balance."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from ledgers.service import balances
from tests.api.test_agreements_api import in_force
from tests.unit.agreements.terms_example import morag

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - the schedule is in days
STARTS = TODAY - timedelta(days=30)
PAYMENT = 153_354
"""1,993,600 a year over 13 payments."""
WEEK = 38_338
"""1,993,600 / 52, to the penny."""


async def _surplus_account(api, world):
    """Morag's agreement in force since 30 days ago, its first payment received and nothing spent, and
    a council threshold of one week: £1,150.16 above it."""
    terms = morag(
        starts_on=STARTS.isoformat(),
        ends_on=(STARTS + timedelta(days=364)).isoformat(),
        cycle_starts_on=STARTS.isoformat(),
    )
    agreement = await in_force(api, world, terms)
    base = f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}"
    received = await api.post(
        f"{base}/payments/{STARTS.isoformat()}/received?received_on={STARTS.isoformat()}", headers=world.headers("ann")
    )
    assert received.status_code == 201, received.text
    threshold = await api.post(
        f"/api/authorities/{world.authorities['A']}/thresholds",
        headers=world.headers("finance_a"),
        json={
            "name": "surplus_weeks",
            "value": 1,
            "effective_from": STARTS.isoformat(),
            "source_title": "Glenmore Council Direct Payments policy, section 7",
        },
    )
    assert threshold.status_code == 201, threshold.text
    return base


async def _conversation(api, world, base, kept=15_016):
    response = await api.post(
        f"{base}/conversations",
        headers=world.headers("worker_a"),
        json={
            "held_on": TODAY.isoformat(),
            "attendees": "Morag Campbell; Duncan Reid, social worker",
            "outcome": "The money built up while a PA was off sick; Morag agrees most of it can go back.",
            "kept_for": "A short break booked for next month",
            "kept_pence": kept,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _book(db, book_id):
    async with async_sessionmaker(db)() as session:
        return {row.code.value: row.balance_pence for row in await balances(session, book_id)}


async def test_recovery_is_refused_without_a_recorded_conversation(api, world):
    base = await _surplus_account(api, world)
    surplus = (await api.get(f"{base}/surplus", headers=world.headers("finance_a"))).json()
    assert surplus["surplus_pence"] == PAYMENT - WEEK
    refused = await api.post(
        f"{base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": str(uuid.uuid4()), "amount_pence": 10_000, "method": "invoice"},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "conversation_id"
    assert "conversation" in refused.json()["detail"]
    assert (await api.get(f"{base}/surplus", headers=world.headers("finance_a"))).json()["recoveries"] == []


async def test_netting_pays_the_next_payment_exactly_that_much_less_and_both_ledgers_balance(api, world, db):
    base = await _surplus_account(api, world)
    conversation = await _conversation(api, world, base)
    upcoming = (await api.get(f"{base}/surplus", headers=world.headers("finance_a"))).json()["upcoming"]
    next_due = upcoming[0]["due_on"]
    assert next_due == (STARTS + timedelta(days=56)).isoformat() and upcoming[0]["net_pence"] == PAYMENT
    body = {"conversation_id": conversation["id"], "method": "netting", "net_from_due_on": next_due}
    for user, status in (("worker_a", 403), ("ann", 403), ("finance_b", 404)):
        denied = await api.post(f"{base}/recoveries", headers=world.headers(user), json={**body, "amount_pence": 1})
        assert denied.status_code == status, user
    too_much = await api.post(
        f"{base}/recoveries", headers=world.headers("finance_a"), json={**body, "amount_pence": 100_001}
    )
    assert too_much.status_code == 400 and too_much.json()["field"] == "amount_pence"  # 115,016 less 15,016 kept
    netted = await api.post(
        f"{base}/recoveries", headers=world.headers("finance_a"), json={**body, "amount_pence": 100_000}
    )
    assert netted.status_code == 201, netted.text
    again = await api.post(f"{base}/recoveries", headers=world.headers("finance_a"), json={**body, "amount_pence": 1})
    assert again.status_code == 409  # that conversation led to a recovery already
    schedule = {p["due_on"]: p for p in (await api.get(f"{base}/schedule", headers=world.headers("ann"))).json()}
    assert schedule[next_due]["net_pence"] == PAYMENT - 100_000
    person = await _book(db, world.accounts["a1"])
    assert person["liabilities:authority:surplus_repayable"] == -100_000
    received = await api.post(
        f"{base}/payments/{next_due}/received?received_on={next_due}", headers=world.headers("ann")
    )
    assert received.status_code == 201, received.text
    person = await _book(db, world.accounts["a1"])
    council = await _book(db, world.authorities["A"])
    assert person["assets:bank:dp_account"] == PAYMENT + PAYMENT - 100_000
    assert person["liabilities:authority:surplus_repayable"] == 0
    assert person["income:authority:dp_payment"] == -(2 * PAYMENT - 100_000)
    assert council == {
        "assets:receivable:dp_recoveries": 0,
        "income:dp_recoveries": -100_000,
        "assets:bank:council": 0,
        "expenses:direct_payments": 100_000,
    }
    assert sum(person.values()) == 0 and sum(council.values()) == 0
    [recovery] = (await api.get(f"{base}/surplus", headers=world.headers("ann"))).json()["recoveries"]
    assert (recovery["status"], recovery["settled_on"]) == ("settled", next_due)


async def test_an_invoice_is_paid_back_from_the_account(api, world, db):
    base = await _surplus_account(api, world)
    conversation = await _conversation(api, world, base, kept=0)
    invoiced = await api.post(
        f"{base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": conversation["id"], "amount_pence": 50_000, "method": "invoice"},
    )
    assert invoiced.status_code == 201, invoiced.text
    surplus = (await api.get(f"{base}/surplus", headers=world.headers("finance_a"))).json()
    assert surplus["surplus_pence"] == PAYMENT - WEEK - 50_000  # owed back: no longer free to spend
    paid = await api.post(
        f"{base}/recoveries/{invoiced.json()['id']}/paid",
        headers=world.headers("finance_a"),
        json={"paid_on": TODAY.isoformat()},
    )
    assert paid.status_code == 200 and paid.json()["status"] == "settled"
    person = await _book(db, world.accounts["a1"])
    council = await _book(db, world.authorities["A"])
    assert person["assets:bank:dp_account"] == PAYMENT - 50_000
    assert person["liabilities:authority:surplus_repayable"] == 0
    assert council["assets:bank:council"] == 50_000 and council["assets:receivable:dp_recoveries"] == 0
    assert sum(person.values()) == 0 and sum(council.values()) == 0
    twice = await api.post(
        f"{base}/recoveries/{invoiced.json()['id']}/paid",
        headers=world.headers("finance_a"),
        json={"paid_on": TODAY.isoformat()},
    )
    assert twice.status_code == 409
