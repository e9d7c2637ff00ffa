"""The exception queue on pages: council finance finds an exception, reads its evidence and rule,
assigns it, comments and resolves it with words the person then reads on their own page; the
council's thresholds set on a page, refused with the field named when wrong."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import statement_files as files
from tests.api.test_spending_api import MAY
from tests.api.test_statements_api import upload

pytestmark = pytest.mark.api


async def test_finance_works_an_exception_from_the_queue_to_resolved(api, pages, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    await pages.sign_in("finance_a")
    queue = await pages.get("/exceptions")
    assert queue.status_code == 200 and "Ann" in queue.text
    assert "Cal" not in queue.text and "not run" in queue.text
    [link] = [part.split('"')[0] for part in queue.text.split('href="') if "/exceptions/spend:" in part.split('"')[0]]
    detail = await pages.get(link)
    assert detail.status_code == 200
    assert "£25.00" in detail.text and "The rule" in detail.text and "legislation.gov.uk" in detail.text
    assert (await pages.post(f"{link}/assign", {"user_id": str(world.users["worker_a"])})).status_code == 303
    refused = await pages.post(f"{link}/comments", {"body": "   "})
    assert refused.status_code == 400 and 'href="#body"' in refused.text
    assert (await pages.post(f"{link}/comments", {"body": "Phoned Ann on Tuesday."})).status_code == 303
    shown = await pages.get(link)
    assert "With worker_a" not in shown.text and "worker_a" in shown.text and "Phoned Ann on Tuesday." in shown.text
    resolved = await pages.post(f"{link}/resolve", {"resolution": "A mistake, refunded to the account."})
    assert resolved.status_code == 303 and resolved.headers["location"] == "/exceptions"
    after = await pages.get("/exceptions")
    assert link not in after.text and "No exception matches." in after.text
    assert "A mistake, refunded" in (await pages.get(link)).text
    await pages.sign_in("ann")
    own = await pages.get(f"{pages.account()}/exceptions")
    assert own.status_code == 200 and "Resolved" in own.text
    assert (await pages.post(f"{link}/resolve", {"resolution": "I say so."})).status_code == 403
    assert (await pages.get("/exceptions")).status_code == 403
    await pages.sign_in("finance_b")
    assert (await pages.get(link)).status_code == 404


async def test_finance_sets_a_threshold_on_the_page(pages, world):
    await pages.sign_in("finance_a")
    page = await pages.get("/thresholds")
    assert page.status_code == 200 and "Not set: not checked" in page.text
    bad = await pages.post("/thresholds", {"name": "cash_limit_pence", "value": "lots", "effective_from": "2026-04-01"})
    assert bad.status_code == 400 and 'href="#value"' in bad.text
    unsourced = await pages.post(
        "/thresholds", {"name": "cash_limit_pence", "value": "250", "effective_from": "2026-04-01", "source_title": ""}
    )
    assert unsourced.status_code == 400 and 'href="#source_title"' in unsourced.text
    done = await pages.post(
        "/thresholds",
        {
            "name": "cash_limit_pence",
            "value": "250",
            "effective_from": date(2026, 4, 1).isoformat(),
            "source_title": "Glenmore Council Direct Payments policy, section 9",
        },
    )
    assert done.status_code == 303
    assert "£250.00 from 1 April 2026" in (await pages.get("/thresholds")).text
    await pages.sign_in("worker_a")
    assert (
        await pages.post(
            "/thresholds",
            {"name": "cash_limit_pence", "value": "1", "effective_from": "2026-05-01", "source_title": "x"},
        )
    ).status_code == 403


async def test_the_employer_records_checks_and_insurance_on_pages(api, pages, world):
    added = await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas",
        headers=world.headers("ann"),
        json={"full_name": "Ewan Grant", "started_on": "2025-04-07", "date_of_birth": "1970-01-01"},
    )
    pa = f"{pages.account()}/pas/{added.json()['id']}"
    await pages.sign_in("ann")
    bad = await pages.post(f"{pa}/checks", {"pvg_checked_on": "31/02/2025", "relationship": "none"})
    assert bad.status_code == 400 and 'href="#pvg_checked_on"' in bad.text
    done = await pages.post(
        f"{pa}/checks",
        {
            "pvg_checked_on": "2025-03-01",
            "pvg_expires_on": "2030-03-01",
            "right_to_work_checked_on": "2025-03-01",
            "relationship": "none",
        },
    )
    assert done.status_code == 303
    shown = await pages.get(pa)
    assert "membership runs to 1 March 2030" in shown.text and "Not related" in shown.text
    wrong = await pages.post(
        f"{pages.account()}/employer", {"paye_reference": "nope", "accounts_office_reference": "123PA00012345"}
    )
    assert wrong.status_code == 400 and 'href="#paye_reference"' in wrong.text
    saved = await pages.post(
        f"{pages.account()}/employer",
        {
            "paye_reference": "123/AB45678",
            "accounts_office_reference": "123PA00012345",
            "insurance_expires_on": "2099-01-31",
        },
    )
    assert saved.status_code == 303
    checks = (await api.get(f"/api/accounts/{world.accounts['a1']}/exceptions", headers=world.headers("ann"))).json()
    assert checks["items"] == []


async def test_a_surplus_is_talked_through_then_recovered_on_pages(api, pages, world):
    from ledgers.money import Money
    from tests.api.test_recovery_api import PAYMENT, TODAY, WEEK, _surplus_account

    await _surplus_account(api, world)
    surplus = f"{pages.account()}/surplus"
    await pages.sign_in("finance_a")
    page = await pages.get(surplus)
    assert page.status_code == 200 and str(Money(PAYMENT - WEEK)) in page.text
    assert "Ask for some of it back" not in page.text  # no conversation yet
    early = await pages.post(f"{surplus}/conversations", {"held_on": "2026-01-05", "attendees": "", "outcome": "x"})
    assert early.status_code == 400 and 'href="#attendees"' in early.text
    talked = await pages.post(
        f"{surplus}/conversations",
        {
            "held_on": TODAY.isoformat(),
            "attendees": "Ann and Duncan Reid",
            "outcome": "Savings from a PA's sick leave.",
            "kept": "150.00",
            "kept_for": "a short break",
        },
    )
    assert talked.status_code == 303
    page = await pages.get(surplus)
    assert "Ask for some of it back" in page.text and "Kept: £150.00 for a short break." in page.text
    conversation = page.text.split('name="conversation_id"')[1].split('<option value="')[2].split('"')[0]
    too_much = await pages.post(
        f"{surplus}/recoveries", {"conversation_id": conversation, "amount": "1100.00", "method": "invoice"}
    )
    assert too_much.status_code == 400 and 'href="#amount"' in too_much.text
    asked = await pages.post(
        f"{surplus}/recoveries", {"conversation_id": conversation, "amount": "500.00", "method": "invoice"}
    )
    assert asked.status_code == 303
    page = await pages.get(surplus)
    assert "Invoice to pay back" in page.text and "£500.00" in page.text
    await pages.sign_in("ann")
    own = await pages.get(surplus)
    assert own.status_code == 200 and "Invoice to pay back" in own.text and "Record a conversation" not in own.text
    assert (
        await pages.post(
            f"{surplus}/recoveries", {"conversation_id": conversation, "amount": "1.00", "method": "invoice"}
        )
    ).status_code == 403


async def test_reports_are_chosen_and_downloaded_on_pages(api, pages, world):
    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    await pages.sign_in("finance_a")
    page = await pages.get("/reports?period_from=2026-05-01")
    assert page.status_code == 200 and 'value="2026-05-01"' in page.text and "Prepare the report" in page.text
    today = date.today()  # noqa: DTZ011 - a report covers whole days
    asked = await pages.post("/reports", {"period_from": "2026-05-01", "period_to": today.isoformat()})
    assert asked.status_code == 303 and asked.headers["location"].startswith("/reports/prepared/")
    progress = await pages.get(f"{asked.headers['location']}/progress")
    assert progress.headers.get("hx-refresh") == "true" and "Ready: 2 accounts" in progress.text
    prepared = await pages.get(asked.headers["location"])
    assert f"1 May 2026 to {today.day} {today:%B %Y}" in prepared.text
    links = [part.split('"')[0] for part in prepared.text.split('href="/reports/prepared/')[1:]]
    assert [link.split("/")[-1] for link in links] == ["pdf", "accounts.csv", "exceptions.csv"]
    pdf = await pages.get(f"/reports/prepared/{links[0]}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listed = await pages.get("/reports")
    assert "Reports asked for lately" in listed.text and "Ready" in listed.text
    bad = await pages.get("/reports?period_from=31/02/2026")
    assert bad.status_code == 400 and 'href="#period_from"' in bad.text
    future = (today + timedelta(days=1)).isoformat()
    refused = await pages.post("/reports", {"period_from": "2026-05-01", "period_to": future})
    assert refused.status_code == 400 and 'href="#period_to"' in refused.text
    await pages.sign_in("finance_b")
    assert (await pages.get(asked.headers["location"])).status_code == 404
    assert (await pages.get(f"/reports/prepared/{links[0]}")).status_code == 404
    await pages.sign_in("ann")
    assert (await pages.get("/reports")).status_code == 403
    own = await pages.get(f"{pages.account()}/exceptions")
    account_link = own.text.split(f'href="{pages.account()}/report/pdf?')[1].split('"')[0].replace("&amp;", "&")
    mine = await pages.get(f"{pages.account()}/report/pdf?{account_link}")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")


async def test_reviews_and_returns_on_pages(api, pages, world):
    from tests.api.test_reviews_api import STARTS, TODAY, _quarterly

    await _quarterly(api, world)
    page = f"{pages.account()}/monitoring"
    await pages.sign_in("worker_a")
    due = await pages.get("/due")
    assert due.status_code == 200 and "Ann" in due.text and "Overdue" in due.text
    shown = await pages.get(page)
    assert shown.status_code == 200 and "Record a review" in shown.text and "Send a return" not in shown.text
    bad = await pages.post(f"{page}/reviews", {"held_on": TODAY.isoformat(), "attendees": "", "outcome": "Fine."})
    assert bad.status_code == 400 and 'href="#attendees"' in bad.text
    done = await pages.post(
        f"{page}/reviews", {"held_on": TODAY.isoformat(), "attendees": "Ann", "outcome": "Support meets her outcomes."}
    )
    assert done.status_code == 303
    await pages.sign_in("ann")
    shown = await pages.get(page)
    assert "Support meets her outcomes." in shown.text and "Send a return" in shown.text
    wrong = await pages.post(
        f"{page}/returns",
        {"period_from": STARTS.isoformat(), "closing_bank": "lots", "spent": "10.00", "evidence": "x"},
    )
    assert wrong.status_code == 400 and 'href="#closing_bank"' in wrong.text
    sent = await pages.post(
        f"{page}/returns",
        {"period_from": STARTS.isoformat(), "closing_bank": "1,200.00", "spent": "4,000.00", "evidence": "Statements"},
    )
    assert sent.status_code == 303
    assert "£1,200.00 in the bank, £4,000.00 spent; Statements" in (await pages.get(page)).text
    assert (await pages.get("/due")).status_code == 403


async def test_the_accounts_checks_page_shows_spending_against_the_budget_lines(api, pages, world):
    from tests.api.test_recovery_api import STARTS, _surplus_account

    await _surplus_account(api, world)
    for key, account, pence in (
        ("wages", "expenses:pa_wages:gross", 40_000),
        ("break", "expenses:short_breaks", 12_000),
    ):
        posted = await api.post(
            f"/api/accounts/{world.accounts['a1']}/ledger/entries",
            headers=world.headers("ann"),
            json={
                "occurred_on": STARTS.isoformat(),
                "narration": key,
                "postings": [
                    {"account": account, "amount_pence": pence},
                    {"account": "assets:bank:dp_account", "amount_pence": -pence},
                ],
                "idempotency_key": key,
            },
        )
        assert posted.status_code == 201, posted.text
    await pages.sign_in("finance_a")
    page = (await pages.get(f"{pages.account()}/exceptions")).text
    since = page.split("Since the agreement started on")[1]
    # Morag's lines a year: PA hours 14,560.00 and on-costs 3,276.00; short breaks 1,500.00
    assert "Personal assistants and their employer costs" in since and "£400.00" in since
    assert "Short breaks" in since and "£120.00" in since
    assert "Spending against the budget" in page and "This payment period" in page
