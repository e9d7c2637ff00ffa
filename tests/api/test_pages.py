"""The web pages through the test client: sign-in with a cookie, CSRF on every form, refusals
that leak nothing of another tenant, the cookie worthless after sign-out and to the API, and
the page forms reaching the same workflows (with their audit) as the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.tables import AuditEventRow
from dp_platform.auth.browser import session_cookie
from dp_platform.settings import Settings
from dp_platform.tenancy.policy import SCOTTISH_TIME
from dp_platform.tenancy.tables import DpAccountRow
from ledgers.tables import StatementRow
from tests import statement_files as files
from tests.api.test_payroll_api import AILSA, PERIOD_1
from tests.api.test_spending_api import MAY

pytestmark = pytest.mark.api

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OTHER_HOLDER = "Beatrice Quinnell"


def visible_text(html: str) -> str:
    """What a person reads: the page without its tags (so ids in links and forms do not count)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


async def _name_other_holder(db, world) -> None:
    async with async_sessionmaker(db)() as session, session.begin():
        await session.execute(
            update(DpAccountRow).where(DpAccountRow.id == world.accounts["a2"]).values(holder_name=OTHER_HOLDER)
        )


async def _events(db, action: str) -> int:
    async with async_sessionmaker(db)() as session:
        return int(await session.scalar(select(func.count()).where(AuditEventRow.action == action)) or 0)


async def test_the_landing_page_needs_no_login_and_has_one_heading(api):
    response = await api.get("/")
    assert response.status_code == 200
    assert response.text.count("<h1") == 1
    assert 'href="/login"' in response.text
    assert "/static/sgds/design-system.min.css" in response.text


async def test_signing_in_sets_a_session_cookie_only_scripts_cannot_read(pages):
    response = await pages.sign_in("ann")
    cookie = next(
        value for key, value in response.headers.multi_items() if key == "set-cookie" and "dp_session=" in value
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert response.headers["location"] == "/home"
    home = await pages.get("/home")
    assert home.headers["location"] == pages.account()


def test_the_session_cookie_is_secure_outside_development():
    cookie = session_cookie(Settings(environment="production"), "token", datetime(2030, 1, 1, tzinfo=UTC))
    assert cookie.secure and cookie.httponly and cookie.samesite == "lax"


async def test_a_wrong_password_is_shown_at_the_field_and_nobody_is_signed_in(pages, world, db):
    await pages.client.get("/login")
    response = await pages.post("/login", {"email": "nobody@test.example", "password": "wrong"})
    assert response.status_code == 400
    assert 'class="ds_error-summary"' in response.text and 'href="#email"' in response.text
    assert "The email or password is wrong." in response.text
    assert "dp_session" not in pages.client.cookies


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(pages, db):
    await pages.sign_in("ann")
    response = await pages.client.post(
        f"{pages.account()}/statements",
        files={"statement": ("april.csv", files.lloyds_csv())},
        data={"_csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "This form has expired or did not come from this site." in response.text  # a page, not JSON
    async with async_sessionmaker(db)() as session:
        assert await session.scalar(select(func.count()).select_from(StatementRow)) == 0
    without = await pages.client.post("/logout", follow_redirects=False)
    assert without.status_code == 403


async def test_another_employers_pages_are_not_found_and_name_nobody(pages, world, db):
    await _name_other_holder(db, world)
    await pages.sign_in("ann")
    other = pages.account("a2")
    for path in ("", "/statements", "/pas", "/pay-runs", "/agreement", "/reviews", "/audit", "/mandates"):
        response = await pages.get(other + path)
        assert response.status_code == 404, path
        assert OTHER_HOLDER not in response.text and str(world.accounts["a2"]) not in visible_text(response.text)
    refused = await pages.post(f"{other}/statements", files={"statement": ("april.csv", files.lloyds_csv())})
    assert refused.status_code == 404
    assert OTHER_HOLDER not in refused.text


async def test_a_bureau_sees_only_clients_it_holds_a_mandate_for(pages, world, db):
    await _name_other_holder(db, world)
    await pages.sign_in("bureau_x")
    clients = await pages.get("/clients")
    assert clients.status_code == 200
    assert "Ann" in visible_text(clients.text) and OTHER_HOLDER not in clients.text  # a2's mandate was revoked
    assert (await pages.get(pages.account("a2"))).status_code == 404
    assert (await pages.get(pages.account("b1"))).status_code == 404
    await pages.sign_in("ann")
    assert (await pages.get("/clients")).status_code == 403


async def test_an_authority_sees_its_own_accounts_only(pages, world, db):
    await _name_other_holder(db, world)
    await pages.sign_in("finance_b")
    listed = await pages.get("/accounts")
    assert "Cal" in visible_text(listed.text) and OTHER_HOLDER not in listed.text
    assert (await pages.get(pages.account("a1"))).status_code == 404


async def test_after_signing_out_the_same_cookie_gets_nothing(pages):
    await pages.sign_in("ann")
    token = pages.client.cookies.get("dp_session")
    out = await pages.post("/logout")
    assert out.status_code == 303 and out.headers["location"].startswith("/login")
    assert "dp_session" not in pages.client.cookies
    pages.client.cookies.set("dp_session", token)
    again = await pages.get(pages.account())
    assert again.status_code == 303 and again.headers["location"].startswith("/login?next=")


async def test_the_api_does_not_accept_the_session_cookie(pages):
    await pages.sign_in("ann")
    response = await pages.client.get("/api/accounts")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_page_without_a_login_sends_the_browser_to_sign_in(pages):
    pages.client.cookies.clear()
    response = await pages.get(pages.account() + "/pay-runs")
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={pages.account()}/pay-runs"


async def test_unknown_pages_are_html_and_the_api_stays_json(api):
    page = await api.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text
    problem = await api.get("/api/no-such-thing")
    assert problem.status_code == 404 and problem.json()["status"] == 404


async def test_statement_lines_accepted_one_by_htmx_then_all_at_once(pages, api, world):
    await pages.sign_in("ann")
    uploaded = await pages.post(
        f"{pages.account()}/statements", files={"statement": ("may.csv", files.nationwide_csv(MAY))}
    )
    assert uploaded.status_code == 303
    statement = uploaded.headers["location"]
    page = await pages.get(statement)
    assert page.status_code == 200 and "Statement uploaded: 5 new lines" in page.text
    assert "£560.00" in page.text and "8 May 2026" in page.text and not UUID.search(visible_text(page.text))
    headers = world.headers("ann")
    waiting = [
        line
        for line in (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-lines", headers=headers)).json()
        if line["category"] and not line["confirmed"]
    ]
    assert len(waiting) >= 2
    fragment = await pages.post(f"{statement}/lines/{waiting[0]['line_id']}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<tr")
    assert "Confirmed" in fragment.text
    accepted = await pages.post(f"{statement}/accept-all")
    assert accepted.status_code == 303
    lines = (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-lines", headers=headers)).json()
    # the HMRC payment is not guessed into the books as spending: a finalised pay run clears it
    assert [line["category"] for line in lines if line["category"] and not line["confirmed"]] == ["pa_wages"]
    page = await pages.get(statement)
    assert "lines recorded in the ledger" in page.text and "In the ledger" in page.text
    assert "2 lines are not in the ledger yet" in page.text  # the HMRC payment and J SMITH, nobody can guess


async def test_a_bank_file_nobody_knows_is_described_on_the_page_then_read(pages, api, world):
    from tests.api.test_statements_api import credit_union_csv

    await pages.sign_in("ann")
    data = credit_union_csv(files.TRANSACTIONS, files.OPENING_PENCE)
    refused = await pages.post(f"{pages.account()}/statements", files={"statement": ("april.csv", data)})
    assert refused.status_code == 422 and "the first row reads Posted, Details" in refused.text
    assert '<details class="ds_details" open>' in refused.text  # the form to describe the columns is open
    form = {
        "name": "credit-union",
        "headed": "yes",
        "date_column": "Posted",
        "date_format": "YYYY-MM-DD",
        "description_columns": "Details",
        "amount_column": "",
        "paid_in_column": "In",
        "paid_out_column": "Out",
        "balance_column": "Running total",
        "skip_rows": "0",
    }
    wrong = await pages.post(f"{pages.account()}/statements/layouts", {**form, "date_format": "MM/DD/YYYY"})
    assert wrong.status_code == 400 and 'href="#date_format"' in wrong.text and 'value="Posted"' in wrong.text
    saved = await pages.post(f"{pages.account()}/statements/layouts", form)
    assert saved.status_code == 303
    uploaded = await pages.post(f"{pages.account()}/statements", files={"statement": ("april.csv", data)})
    assert uploaded.status_code == 303
    listed = await pages.get(f"{pages.account()}/statements")
    assert "your layout &#39;credit-union&#39;" in listed.text or "your layout 'credit-union'" in listed.text


async def test_the_social_worker_ticks_several_reviews_and_decides_them_with_one_reason(pages, api, world):
    from datetime import date

    fares = [(date(2026, 5, 2 + n), f"{firm} TAXIS", -1_480) for n, firm in enumerate(("CITY", "DOCKSIDE", "PERTH"))]
    await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements",
        headers=world.headers("ann"),
        files={"file": ("fares.csv", files.nationwide_csv(fares))},
    )
    reviews = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews", headers=world.headers("ann"))
    ).json()
    await pages.sign_in("worker_a")
    page = await pages.get(f"{pages.account()}/reviews")
    assert 'form="bulk-decision"' in page.text and "Approve the ticked requests" in page.text
    url = f"{pages.account()}/reviews/decide"
    nothing = await pages.post(url, {"outcome": "approved", "reason": "Agreed at the review."})
    assert nothing.status_code == 400 and 'href="#bulk-reason"' in nothing.text
    chosen = [review["id"] for review in reviews[:2]]
    decided = await pages.post(url, {"review": chosen, "outcome": "approved", "reason": "Agreed at the review."})
    assert decided.status_code == 303, decided.text
    left = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews?status=open", headers=world.headers("ann"))
    ).json()
    assert [review["id"] for review in left] == [reviews[2]["id"]]


async def test_a_new_tax_code_is_recorded_on_the_pa_page_with_its_history(pages, api, world):
    base = f"/api/accounts/{world.accounts['a1']}"
    pa = (await api.post(f"{base}/pas", headers=world.headers("ann"), json=AILSA)).json()
    await pages.sign_in("ann")
    page = f"{pages.account()}/pas/{pa['id']}"
    form = {"effective_from": "2026-05-04", "tax_code": "S1100L", "week1_month1": "false", "ni_category": "A"}
    no_reason = await pages.post(f"{page}/details", {**form, "reason": ""})
    assert no_reason.status_code == 400 and 'href="#reason"' in no_reason.text
    bad = await pages.post(f"{page}/details", {**form, "tax_code": "Q99", "reason": "P6"})
    assert bad.status_code == 400 and 'href="#tax_code"' in bad.text
    done = await pages.post(f"{page}/details", {**form, "reason": "HMRC coding notice", "bank_sort_code": "80-22-60"})
    assert done.status_code == 303, done.text
    shown = visible_text((await pages.get(page)).text)
    assert "4 May 2026 Tax code S1257L S1100L HMRC coding notice" in " ".join(shown.split())
    assert "****60" in shown and "802260" not in shown


async def test_a_bad_statement_is_named_on_the_page_and_stores_nothing(pages, db):
    await pages.sign_in("ann")
    response = await pages.post(f"{pages.account()}/statements", files={"statement": ("bad.csv", b"not,a\nstatement")})
    assert response.status_code == 422
    assert 'href="#statement"' in response.text
    async with async_sessionmaker(db)() as session:
        assert await session.scalar(select(func.count()).select_from(StatementRow)) == 0


async def test_timesheet_lines_come_off_until_a_finalised_run_pays_them(pages, api, world, db):
    headers = world.headers("ann")
    base = f"/api/accounts/{world.accounts['a1']}"
    pa = (await api.post(f"{base}/pas", headers=headers, json=AILSA)).json()
    await pages.sign_in("ann")
    page = f"{pages.account()}/pas/{pa['id']}"
    bad = await pages.post(f"{page}/timesheet", {"worked_on": "2026-04-07", "hours": "seven"})
    assert bad.status_code == 400 and 'href="#hours"' in bad.text
    # Ailsa has no contract yet, so a line without a rate is refused, with the reason, and nothing kept.
    no_rate = await pages.post(f"{page}/timesheet", {"worked_on": "2026-04-07", "hours": "7.5", "kind": "standard"})
    assert no_rate.status_code == 400 and 'class="ds_error-summary"' in no_rate.text
    assert (await api.get(f"{base}/pas/{pa['id']}/timesheet", headers=headers)).json() == []
    await api.post(
        f"{base}/pas/{pa['id']}/contract-rates",
        headers=headers,
        json={"rates": [{"kind": "standard", "hourly_rate_pence": 1400, "effective_from": "2026-04-06"}]},
    )
    for day in ("2026-04-07", "2026-04-08"):
        added = await pages.post(f"{page}/timesheet", {"worked_on": day, "hours": "7.5", "kind": "standard"})
        assert added.status_code == 303, added.text
    lines = (await api.get(f"{base}/pas/{pa['id']}/timesheet", headers=headers)).json()
    assert [line["worked_on"] for line in lines] == ["2026-04-08", "2026-04-07"]
    removed = await pages.post(f"{page}/timesheet/{lines[0]['id']}/remove")
    assert removed.status_code == 303
    assert await _events(db, "timesheet.line_removed") == 1
    drafted = await pages.post(f"{pages.account()}/pay-runs", {**PERIOD_1, "frequency": None})
    assert drafted.status_code == 303, drafted.text
    run_page = drafted.headers["location"]
    shown = await pages.get(run_page)
    assert "£105.00" in shown.text and "Ailsa Mackay" in shown.text  # 7.5 hours at £14.00
    finalised = await pages.post(f"{run_page}/finalise")
    assert finalised.status_code == 303
    paid = (await api.get(f"{base}/pas/{pa['id']}/timesheet", headers=headers)).json()
    assert [line["paid"] for line in paid] == [True]
    refused = await pages.post(f"{page}/timesheet/{paid[0]['id']}/remove")
    assert refused.status_code == 409 and "can no longer be changed" in refused.text
    payslip = await pages.get(f"{run_page}/payslips/{pa['id']}/payslip.pdf")
    assert payslip.status_code == 200 and payslip.content.startswith(b"%PDF")
    assert 'filename="payslip-Ailsa-Mackay-2026-05-01.pdf"' in payslip.headers["content-disposition"]


async def test_the_holder_gives_and_ends_an_organisations_permission_on_the_page(pages, api, world):
    await pages.sign_in("ann")
    page = f"{pages.account()}/mandates"
    missing = await pages.post(page, {"organisation_id": str(world.organisations["Y"]), "valid_from": "2020-01-01"})
    assert missing.status_code == 400
    assert 'href="#scopes"' in missing.text and "Tick at least one" in missing.text
    past = await pages.post(
        page, {"organisation_id": str(world.organisations["Y"]), "scopes": "view", "valid_from": "2020-01-01"}
    )
    assert past.status_code == 400 and "cannot start in the past" in past.text
    today = datetime.now(SCOTTISH_TIME).date().isoformat()
    granted = await pages.post(
        page, {"organisation_id": str(world.organisations["Y"]), "scopes": ["view", "run_payroll"], "valid_from": today}
    )
    assert granted.status_code == 303
    mandates = (await api.get(f"/api/mandates?account_id={world.accounts['a1']}", headers=world.headers("ann"))).json()
    given = next(m for m in mandates if m["organisation_id"] == str(world.organisations["Y"]))
    assert sorted(given["scopes"]) == ["run_payroll", "view"]
    ended = await pages.post(f"{page}/{given['id']}/revoke")
    assert ended.status_code == 303
    await pages.sign_in("bureau_y")
    assert (await pages.get(pages.account())).status_code == 404


async def test_a_bureau_cannot_give_itself_permission(pages, world):
    await pages.sign_in("bureau_x")
    response = await pages.post(
        f"{pages.account()}/mandates",
        {"organisation_id": str(world.organisations["X"]), "scopes": "run_payroll", "valid_from": "2030-01-01"},
    )
    assert response.status_code == 403


async def test_the_council_decides_a_spend_review_on_the_page_with_a_reason(pages, api, world):
    from tests.api.test_statements_api import upload

    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    headers = world.headers("ann")
    reviews = (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews", headers=headers)).json()
    approval = next(review for review in reviews if review["kind"] == "approval")
    await pages.sign_in("ann")
    page = f"{pages.account()}/reviews"
    assert "Approve" not in visible_text((await pages.get(page)).text)
    refused = await pages.post(f"{page}/{approval['id']}", {"outcome": "approved", "reason": "Mine to approve"})
    assert refused.status_code == 403
    await pages.sign_in("worker_a")
    shown = await pages.get(page)
    assert "Approve" in visible_text(shown.text) and "£560.00" in shown.text
    no_reason = await pages.post(f"{page}/{approval['id']}", {"outcome": "approved", "reason": " "})
    assert no_reason.status_code == 400 and f'href="#reason-{approval["id"]}"' in no_reason.text
    decided = await pages.post(
        f"{page}/{approval['id']}", {"outcome": "approved", "reason": "Respite agreed at review."}
    )
    assert decided.status_code == 303
    after = (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews", headers=headers)).json()
    assert next(r for r in after if r["id"] == approval["id"])["status"] == "approved"


async def test_a_bureau_follows_its_pay_run_and_no_other_bureau_can(pages, world, db):
    from datetime import timedelta

    from dp_platform.jobs.tables import JobRow

    await pages.sign_in("bureau_x")
    started = await pages.post(
        "/clients/pay-runs",
        {"period_number": "1", "period_start": "2026-04-06", "period_end": "2026-05-03", "paid_on": "2026-05-01"},
    )
    assert started.status_code == 303
    job_page = started.headers["location"]
    done = await pages.get(f"{job_page}/progress")  # the run went on after the answer, and is over
    assert done.headers.get("hx-refresh") == "true" and "Done: 0 clients." in done.text
    params = {"period_number": 1, "period_start": "2026-04-06", "period_end": "2026-05-03", "paid_on": "2026-05-01"}
    async with async_sessionmaker(db, expire_on_commit=False)() as session, session.begin():
        running = JobRow(
            kind="bureau_payroll",
            organisation_id=world.organisations["X"],
            requested_by_user_id=world.users["bureau_x"],
            status="running",
            done=3,
            total=8,
            parameters={**params, "frequency": "four_weekly", "finalise": False},
        )
        stale = JobRow(
            kind="bureau_payroll",
            organisation_id=world.organisations["X"],
            requested_by_user_id=world.users["bureau_x"],
            status="running",
            parameters={**params, "frequency": "four_weekly", "finalise": False},
            created_at=datetime.now(UTC) - timedelta(minutes=31),
        )
        waiting = JobRow(
            kind="bureau_payroll",
            organisation_id=world.organisations["X"],
            requested_by_user_id=world.users["bureau_x"],
            parameters={**params, "frequency": "four_weekly", "finalise": False},
        )
        session.add_all([running, stale, waiting])
    following = await pages.get(f"/clients/pay-runs/{running.id}/progress")
    assert 'hx-trigger="every 1s"' in following.text and 'value="3"' in following.text and "3 of 8" in following.text
    assert "taken it up" not in following.text
    queued = await pages.get(f"/clients/pay-runs/{waiting.id}/progress")
    assert "Waiting for a worker to start the run" in queued.text and 'hx-trigger="every 1s"' in queued.text
    async with async_sessionmaker(db)() as session, session.begin():
        await session.execute(update(JobRow).where(JobRow.id == running.id).values(attempts=2))
    resumed = await pages.get(f"/clients/pay-runs/{running.id}/progress")
    assert "another has taken it up where it was" in resumed.text
    assert "hx-refresh" not in following.headers
    assert "stopped without finishing" in (await pages.get(f"/clients/pay-runs/{stale.id}")).text
    await pages.sign_in("bureau_y")
    assert (await pages.get(f"/clients/pay-runs/{running.id}")).status_code == 404
    assert (await pages.get(f"/clients/pay-runs/{running.id}/payslips.zip")).status_code == 404


async def test_the_overview_says_what_is_held_owed_and_free_and_what_needs_doing(pages, api, world):
    headers = world.headers("ann")
    base = f"/api/accounts/{world.accounts['a1']}"
    opening = {
        "occurred_on": "2026-04-01",
        "narration": "Opening balance",
        "idempotency_key": "opening",
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": 100_000},
            {"account": "equity:opening_balance", "amount_pence": -100_000},
        ],
    }
    assert (await api.post(f"{base}/ledger/entries", headers=headers, json=opening)).status_code == 201
    pa = (await api.post(f"{base}/pas", headers=headers, json=AILSA)).json()
    await api.post(
        f"{base}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-04-07", "hours": "8", "hourly_rate_pence": 1400}]},
    )
    run = (await api.post(f"{base}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await pages.sign_in("ann")
    drafted = visible_text((await pages.get(pages.account())).text)
    assert "The pay run for 6 April to 3 May 2026 is a draft." in drafted
    await api.post(f"{base}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    page = visible_text((await pages.get(pages.account())).text)
    totals = run["totals"]
    owed = totals["net_pence"] + totals["tax_pence"] + totals["employee_ni_pence"] + totals["employer_ni_pence"]
    owed += totals["employee_pension_pence"] + totals["employer_pension_pence"]
    assert re.search(r"In the bank account\s+£1,000\.00", page)
    assert re.search(
        rf"Wages due to personal assistants\s+£{totals['net_pence'] // 100}\.{totals['net_pence'] % 100:02d}", page
    )
    # and the holiday Ailsa earned (12.07% of her 8 hours) at her £14.00 an hour, to be paid when she takes it
    holiday = int((Decimal(run["payslips"][0]["holiday_hours_accrued"]) * 1400).quantize(Decimal(1), ROUND_HALF_UP))
    assert re.search(rf"not yet taken\s+£{holiday // 100}\.{holiday % 100:02d}", page)
    free = 100_000 - owed - holiday
    assert re.search(rf"Free to spend\s+£{free // 100:,}\.{free % 100:02d}", page), page
    assert "is a draft" not in page
