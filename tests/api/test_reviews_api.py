"""Reviews and monitoring returns through HTTP: what the agreement makes due, overdue ones raised as
exceptions, the council recording a review and the person sending a return clearing them, and the
council's list of what is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from tests.api.test_agreements_api import in_force
from tests.unit.agreements.terms_example import morag

pytestmark = pytest.mark.api

TODAY = date.today()  # noqa: DTZ011 - reviews and returns are due on days
STARTS = TODAY - timedelta(days=200)


async def _quarterly(api, world) -> str:
    terms = morag(
        starts_on=STARTS.isoformat(),
        ends_on=(STARTS + timedelta(days=364)).isoformat(),
        cycle_starts_on=STARTS.isoformat(),
        monitoring="quarterly",
        review_months=6,
    )
    agreement = await in_force(api, world, terms)
    return agreement["id"]


async def _checks(api, world) -> list[str]:
    items = (await api.get(f"/api/accounts/{world.accounts['a1']}/exceptions", headers=world.headers("ann"))).json()
    return sorted(item["check"] for item in items["items"] if item["check"] in ("review_overdue", "return_overdue"))


async def test_reviews_and_returns_fall_due_and_are_cleared_by_what_is_recorded(api, world):
    agreement = await _quarterly(api, world)
    base = f"/api/accounts/{world.accounts['a1']}"
    state = (await api.get(f"{base}/monitoring", headers=world.headers("finance_a"))).json()
    first_end = STARTS + relativedelta(months=3) - timedelta(days=1)
    second_end = STARTS + relativedelta(months=6) - timedelta(days=1)
    assert state["review_due_on"] == (STARTS + relativedelta(months=6)).isoformat()
    assert [(r["period_to"], r["status"]) for r in state["returns"]] == [
        (first_end.isoformat(), "overdue"),
        (second_end.isoformat(), "overdue" if second_end + timedelta(days=28) < TODAY else "due"),
    ]
    assert await _checks(api, world) == ["return_overdue", "review_overdue"]
    due = (await api.get(f"/api/authorities/{world.authorities['A']}/due", headers=world.headers("finance_a"))).json()
    assert {(item["what"], item["overdue"]) for item in due} >= {("review", True), ("return", True)}
    assert (
        await api.get(f"/api/authorities/{world.authorities['A']}/due", headers=world.headers("finance_b"))
    ).status_code == 403

    review = {"held_on": TODAY.isoformat(), "attendees": "Ann; Duncan Reid", "outcome": "Support meets Ann's outcomes."}
    assert (
        await api.post(f"{base}/agreements/{agreement}/reviews", headers=world.headers("ann"), json=review)
    ).status_code == 403
    recorded = await api.post(f"{base}/agreements/{agreement}/reviews", headers=world.headers("worker_a"), json=review)
    assert recorded.status_code == 201, recorded.text
    sent = {
        "period_from": STARTS.isoformat(),
        "closing_bank_pence": 120_000,
        "spent_pence": 400_000,
        "evidence": "Bank statements for the quarter uploaded; timesheets",
    }
    wrong = await api.post(
        f"{base}/agreements/{agreement}/returns",
        headers=world.headers("ann"),
        json={**sent, "period_from": TODAY.isoformat()},
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "period_from"
    for user in ("finance_a", "bureau_x"):  # the bureau's mandate has no submit_returns scope
        assert (
            await api.post(f"{base}/agreements/{agreement}/returns", headers=world.headers(user), json=sent)
        ).status_code == 403
    done = await api.post(f"{base}/agreements/{agreement}/returns", headers=world.headers("ann"), json=sent)
    assert done.status_code == 201, done.text
    assert done.json()["returns"][0]["status"] == "sent"
    again = await api.post(f"{base}/agreements/{agreement}/returns", headers=world.headers("ann"), json=sent)
    assert again.status_code == 409
    remaining = ["return_overdue"] if second_end + timedelta(days=28) < TODAY else []
    assert await _checks(api, world) == remaining
    state = (await api.get(f"{base}/monitoring", headers=world.headers("ann"))).json()
    assert state["review_due_on"] == (TODAY + relativedelta(months=6)).isoformat()
