"""Walks the app's routes: every state-changing handler must have an example here, and running
it must write at least one audit event carrying that request's id. A new POST/PUT/PATCH/DELETE
route without an example fails this test until someone shows it is audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from litestar import Litestar, post
from litestar.routes import HTTPRoute
from litestar.testing import create_test_client
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.enforcement import (
    STATE_CHANGING_METHODS,
    audit_tracking_middleware,
    require_audit_for_changes,
)
from dp_platform.audit.tables import AuditEventRow
from dp_platform.tenancy.policy import SCOTTISH_TIME
from tests.world import email_of, set_password

pytestmark = pytest.mark.api

Example = Callable[[Any, Any, Any], Awaitable[Any]]


async def _login(api, world, db):
    await set_password(db, world.users["ann"], "pw-for-the-walk")
    return await api.post(
        "/api/auth/login", json={"email": await email_of(db, world.users["ann"]), "password": "pw-for-the-walk"}
    )


async def _logout(api, world, db):
    return await api.post("/api/auth/logout", headers=world.headers("ann"))


async def _grant(api, world, db):
    return await api.post(
        "/api/mandates",
        headers=world.headers("ann"),
        json={
            "account_id": str(world.accounts["a1"]),
            "organisation_id": str(world.organisations["Z"]),
            "scopes": ["view"],
            "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
        },
    )


async def _revoke(api, world, db):
    return await api.post(
        f"/api/mandates/{world.mandates['in_force']}/revoke", headers=world.headers("ann"), json={"reason": "ended"}
    )


async def _create_key(api, world, db):
    return await api.post(
        f"/api/organisations/{world.organisations['X']}/api-keys",
        headers=world.headers("bureau_x"),
        json={"name": "walk", "scopes": ["view"]},
    )


async def _revoke_key(api, world, db):
    created = (await _create_key(api, world, db)).json()
    return await api.post(
        f"/api/organisations/{world.organisations['X']}/api-keys/{created['id']}/revoke",
        headers=world.headers("bureau_x"),
    )


def _ledger(world) -> str:
    return f"/api/accounts/{world.accounts['a1']}/ledger"


PAYMENT = {
    "occurred_on": "2026-04-06",
    "narration": "4-weekly Direct Payment",
    "postings": [
        {"account": "assets:bank:dp_account", "amount_pence": 184_000},
        {"account": "income:authority:dp_payment", "amount_pence": -184_000},
    ],
    "idempotency_key": "walk-payment",
}


async def _post_entry(api, world, db):
    return await api.post(f"{_ledger(world)}/entries", headers=world.headers("ann"), json=PAYMENT)


async def _reverse_entry(api, world, db):
    posted = (await _post_entry(api, world, db)).json()
    return await api.post(
        f"{_ledger(world)}/entries/{posted['id']}/reverse",
        headers=world.headers("ann"),
        json={"reason": "posted to the wrong account", "idempotency_key": "walk-reversal"},
    )


async def _import_statement(api, world, db):
    from tests.statement_files import lloyds_csv

    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements",
        headers=world.headers("ann"),
        files={"file": ("april.csv", lloyds_csv())},
    )


async def _reconcile_setup(api, world, db):
    from tests.api.test_reconciliation_api import _setup

    headers = await _setup(api, world)
    lines = (await api.get(f"/api/accounts/{world.accounts['a1']}/statements/lines", headers=headers)).json()
    return headers, {line["amount_pence"]: line["id"] for line in lines}


async def _auto_reconcile(api, world, db):
    from tests.api.test_reconciliation_api import entry

    headers, _ = await _reconcile_setup(api, world, db)
    invoice = entry("acme-apr", "2026-04-10", "Acme Care invoice 2291", -45_000, "expenses:agency")
    assert (await api.post(f"{_ledger(world)}/entries", headers=headers, json=invoice)).status_code == 201
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/reconciliation/auto",
        headers=headers,
        json={"occurred_from": "2026-04-01", "occurred_to": "2026-04-30"},
    )


async def _match(api, world, db):
    headers, lines = await _reconcile_setup(api, world, db)
    entries = (await api.get(f"/api/accounts/{world.accounts['a1']}/ledger/entries", headers=headers)).json()
    wages = next(e["id"] for e in entries if e["idempotency_key"] == "wages-apr")
    # the import matched the wages already: undo that, to pair them by hand
    await api.post(
        f"/api/accounts/{world.accounts['a1']}/reconciliation/matches/{lines[-61_250]}/unmatch", headers=headers
    )
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/reconciliation/matches",
        headers=headers,
        json={"statement_line_id": lines[-61_250], "entry_id": wages},
    )


async def _unmatch(api, world, db):
    matched = await _match(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/reconciliation/matches/{matched.json()['statement_line_id']}/unmatch",
        headers=world.headers("ann"),
    )


async def _accept_suggestions(api, world, db):
    statement = (await _import_statement(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements/{statement['statement_id']}/accept-suggestions",
        headers=world.headers("ann"),
    )


async def _describe_bank_layout(api, world, db):
    from tests.api.test_statements_api import CREDIT_UNION

    return await api.put(
        f"/api/accounts/{world.accounts['a1']}/statements/layouts/credit-union",
        headers=world.headers("ann"),
        json=CREDIT_UNION,
    )


async def _post_line(api, world, db):
    headers, lines = await _reconcile_setup(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements/lines/{lines[-45_000]}/post",
        headers=headers,
        json={"account": "expenses:agency"},
    )


async def _open_ledger_account(api, world, db):
    return await api.post(
        f"{_ledger(world)}/accounts",
        headers=world.headers("ann"),
        json={"code": "expenses:activities:art", "name": "Art club", "opened_on": "2026-04-01"},
    )


async def _close_ledger_account(api, world, db):
    await _open_ledger_account(api, world, db)
    return await api.post(
        f"{_ledger(world)}/accounts/close",
        headers=world.headers("ann"),
        json={"code": "expenses:activities:art", "closed_on": "2026-04-30"},
    )


async def _add_pa(api, world, db):
    from tests.api.test_payroll_api import AILSA

    return await api.post(f"/api/accounts/{world.accounts['a1']}/pas", headers=world.headers("ann"), json=AILSA)


async def _timesheet(api, world, db):
    pa = (await _add_pa(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas/{pa['id']}/timesheet",
        headers=world.headers("ann"),
        json={"entries": [{"worked_on": "2026-04-07", "hours": "8", "hourly_rate_pence": 1400}]},
    )


async def _contract_rates(api, world, db):
    pa = (await _add_pa(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas/{pa['id']}/contract-rates",
        headers=world.headers("ann"),
        json={"rates": [{"kind": "standard", "hourly_rate_pence": 1400, "effective_from": "2026-04-06"}]},
    )


async def _sickness(api, world, db):
    pa = (await _add_pa(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas/{pa['id']}/sickness",
        headers=world.headers("ann"),
        json={"first_day": "2026-04-14", "last_day": "2026-04-15"},
    )


async def _leaver(api, world, db):
    pa = (await _add_pa(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas/{pa['id']}/leave",
        headers=world.headers("ann"),
        json={"left_on": "2026-06-30"},
    )


async def _draft_agreement(api, world, db):
    from tests.unit.agreements.terms_example import MORAG

    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements", headers=world.headers("worker_a"), json={"terms": MORAG}
    )


async def _redraft_agreement(api, world, db):
    from tests.unit.agreements.terms_example import morag

    agreement = (await _draft_agreement(api, world, db)).json()
    return await api.put(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/draft",
        headers=world.headers("worker_a"),
        json={"terms": morag(bank_account_name="Another account")},
    )


async def _agreement_in_force(api, world, db):
    from tests.api.test_agreements_api import in_force

    return await in_force(api, world)


async def _sign_agreement(api, world, db):
    agreement = (await _draft_agreement(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/versions/1/sign",
        headers=world.headers("ann"),
        json={"content_hash": agreement["versions"][0]["content_hash"]},
    )


async def _vary_agreement(api, world, db):
    from tests.unit.agreements.terms_example import morag

    agreement = await _agreement_in_force(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/variations",
        headers=world.headers("worker_a"),
        json={"terms": morag(notice_weeks=2), "reason": "shorter notice agreed"},
    )


async def _withdraw_version(api, world, db):
    varied = (await _vary_agreement(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{varied['id']}/versions/2/withdraw",
        headers=world.headers("worker_a"),
        json={"reason": "not needed after all"},
    )


async def _terminate_agreement(api, world, db):
    agreement = await _agreement_in_force(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/terminate",
        headers=world.headers("worker_a"),
        json={
            "reason": "person_chose_to_end",
            "notified_on": "2026-06-01",
            "last_day": "2026-06-28",
            "explanation": "You asked to move to Option 2.",
        },
    )


async def _agreement_payment(api, world, db):
    agreement = await _agreement_in_force(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement['id']}/payments/2026-04-15/received"
        "?received_on=2026-04-15",
        headers=world.headers("ann"),
    )


async def _authority_wording(api, world, db):
    return await api.put(
        f"/api/authorities/{world.authorities['A']}/agreement-wording/scotland-model@2026.1/complaints",
        headers=world.headers("worker_a"),
        json={"summary": "Ask us, or an independent adviser.", "text": "Glenmore's complaints route."},
    )


async def _spend_statement(api, world, db):
    from tests import statement_files as files
    from tests.api.test_spending_api import MAY
    from tests.api.test_statements_api import upload

    await upload(api, world, "ann", files.nationwide_csv(MAY), "may.csv")
    return (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-reviews", headers=world.headers("ann"))).json()


async def _decide_spend(api, world, db):
    exception, _ = await _spend_statement(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/spend-reviews/{exception['id']}/decide",
        headers=world.headers("worker_a"),
        json={"outcome": "resolved", "reason": "Refunded."},
    )


async def _decide_spend_many(api, world, db):
    exception, _ = await _spend_statement(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/spend-reviews/decide",
        headers=world.headers("worker_a"),
        json={"review_ids": [exception["id"]], "outcome": "resolved", "reason": "Refunded."},
    )


async def _exception_url(api, world, db) -> str:
    await _spend_statement(api, world, db)
    [item] = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/exceptions", headers=world.headers("finance_a"))
    ).json()["items"]
    return f"/api/accounts/{world.accounts['a1']}/exceptions/{item['key']}"


async def _assign_exception(api, world, db):
    url = await _exception_url(api, world, db)
    return await api.post(f"{url}/assign", headers=world.headers("finance_a"), json={"user_id": None})


async def _comment_on_exception(api, world, db):
    url = await _exception_url(api, world, db)
    return await api.post(f"{url}/comments", headers=world.headers("finance_a"), json={"body": "Asked Ann."})


async def _resolve_exception(api, world, db):
    url = await _exception_url(api, world, db)
    return await api.post(f"{url}/resolve", headers=world.headers("finance_a"), json={"resolution": "Refunded."})


async def _set_threshold(api, world, db):
    return await api.post(
        f"/api/authorities/{world.authorities['A']}/thresholds",
        headers=world.headers("finance_a"),
        json={
            "name": "cash_limit_pence",
            "value": 10_000,
            "effective_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
            "source_title": "Glenmore Council Direct Payments policy, section 9",
        },
    )


async def _confirm_category(api, world, db):
    exception, _ = await _spend_statement(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/statements/lines/{exception['subject_id']}/category",
        headers=world.headers("ann"),
        json={"category": "activities", "outcome": "O2"},
    )


async def _spend_rule(api, world, db):
    return await api.put(
        f"/api/authorities/{world.authorities['A']}/spend-rules/GLN-EQUIP-OVER-500",
        headers=world.headers("worker_a"),
        json={
            "definition": {
                "categories": ["equipment"],
                "over_pence": 50000,
                "versions": [
                    {
                        "effective_from": "2026-07-01",
                        "decision": "needs_approval",
                        "sentence": "Glenmore approves equipment over £500 first.",
                        "sources": [{"title": "Glenmore DP policy", "url": "https://glenmore.example/dp"}],
                    }
                ],
            }
        },
    )


async def _payroll_employer(api, world, db):
    return await api.put(
        f"/api/accounts/{world.accounts['a1']}/payroll-employer",
        headers=world.headers("ann"),
        json={"paye_reference": "123/AB45678", "accounts_office_reference": "123PA00012345"},
    )


async def _draft_pay_run(api, world, db):
    from tests.api.test_payroll_api import PERIOD_1

    await _timesheet(api, world, db)
    return await api.post(f"/api/accounts/{world.accounts['a1']}/pay-runs", headers=world.headers("ann"), json=PERIOD_1)


async def _finalise_pay_run(api, world, db):
    run = (await _draft_pay_run(api, world, db)).json()
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pay-runs/{run['id']}/finalise", headers=world.headers("ann"), json={}
    )


async def _remove_timesheet_line(api, world, db):
    await _timesheet(api, world, db)
    base = f"/api/accounts/{world.accounts['a1']}"
    pa = (await api.get(f"{base}/pas", headers=world.headers("ann"))).json()[0]
    line = (await api.get(f"{base}/pas/{pa['id']}/timesheet", headers=world.headers("ann"))).json()[0]
    return await api.delete(f"{base}/pas/{pa['id']}/timesheet/{line['id']}", headers=world.headers("ann"))


def _pages(api, world, db):
    from tests.pages import Pages

    return Pages(api, world, db)


async def _page_login(api, world, db):
    return await _pages(api, world, db).sign_in("ann")


async def _page_logout(api, world, db):
    pages = _pages(api, world, db)
    await pages.sign_in("ann")
    return await pages.post("/logout")


async def _page_upload(api, world, db):
    from tests.statement_files import lloyds_csv

    pages = _pages(api, world, db)
    await pages.sign_in("ann")
    return await pages.post(f"{pages.account()}/statements", files={"statement": ("april.csv", lloyds_csv())})


async def _page_statement(api, world, db):
    """Ann's May statement uploaded through the page; its first money-out line with a suggestion."""
    from tests import statement_files as files
    from tests.api.test_spending_api import MAY

    pages = _pages(api, world, db)
    await pages.sign_in("ann")
    uploaded = await pages.post(
        f"{pages.account()}/statements", files={"statement": ("may.csv", files.nationwide_csv(MAY))}
    )
    return pages, uploaded.headers["location"]


async def _page_accept_all(api, world, db):
    pages, statement = await _page_statement(api, world, db)
    return await pages.post(f"{statement}/accept-all")


async def _page_line(api, world, db):
    pages, statement = await _page_statement(api, world, db)
    lines = (await api.get(f"/api/accounts/{world.accounts['a1']}/spend-lines", headers=world.headers("ann"))).json()
    return await pages.post(f"{statement}/lines/{lines[0]['line_id']}", {"category": "activities"})


async def _signed_in(api, world, db, user="ann"):
    pages = _pages(api, world, db)
    await pages.sign_in(user)
    return pages


async def _page_sign_agreement(api, world, db):
    agreement = (await _draft_agreement(api, world, db)).json()
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/agreement/{agreement['id']}/versions/1/sign",
        {"content_hash": agreement["versions"][0]["content_hash"]},
    )


async def _page_revoke_mandate(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(f"{pages.account()}/mandates/{world.mandates['in_force']}/revoke", {"reason": "ended"})


async def _page_add_pa(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/pas",
        {"full_name": "Ailsa Mackay", "started_on": "2024-04-08", "date_of_birth": "1990-05-01"},
    )


async def _page_timesheet_with_rate(api, world, db):
    await _contract_rates(api, world, db)
    base = f"/api/accounts/{world.accounts['a1']}"
    [pa] = (await api.get(f"{base}/pas", headers=world.headers("ann"))).json()
    pages = await _signed_in(api, world, db)
    response = await pages.post(
        f"{pages.account()}/pas/{pa['id']}/timesheet", {"worked_on": "2026-04-07", "hours": "8", "kind": "standard"}
    )
    return response, pages, pa


async def _page_add_hours(api, world, db):
    response, _, _ = await _page_timesheet_with_rate(api, world, db)
    return response


async def _page_remove_hours(api, world, db):
    _, pages, pa = await _page_timesheet_with_rate(api, world, db)
    base = f"/api/accounts/{world.accounts['a1']}"
    [line] = (await api.get(f"{base}/pas/{pa['id']}/timesheet", headers=world.headers("ann"))).json()
    return await pages.post(f"{pages.account()}/pas/{pa['id']}/timesheet/{line['id']}/remove")


async def _page_draft_pay_run(api, world, db):
    from tests.api.test_payroll_api import PERIOD_1

    await _timesheet(api, world, db)
    pages = await _signed_in(api, world, db)
    return await pages.post(f"{pages.account()}/pay-runs", {**PERIOD_1, "frequency": None})


async def _page_finalise_pay_run(api, world, db):
    drafted = await _page_draft_pay_run(api, world, db)
    return await _pages(api, world, db).post(f"{drafted.headers['location']}/finalise")


async def _page_bureau_run(api, world, db):
    from tests.api.test_payroll_api import PERIOD_1

    pages = await _signed_in(api, world, db, "bureau_x")
    return await pages.post("/clients/pay-runs", {**PERIOD_1, "frequency": None})


async def _api_bureau_run(api, world, db):
    from tests.api.test_payroll_api import PERIOD_1

    return await api.post(
        "/api/bureau/pay-runs",
        headers=world.headers("bureau_x"),
        json={**{k: v for k, v in PERIOD_1.items() if k != "frequency"}, "finalise": False},
    )


async def _api_council_report(api, world, db):
    return await api.post(
        f"/api/authorities/{world.authorities['A']}/reports",
        headers=world.headers("finance_a"),
        json={"period_from": "2026-05-01", "period_to": "2026-05-31"},
    )


async def _page_council_report(api, world, db):
    pages = await _signed_in(api, world, db, "finance_a")
    return await pages.post("/reports", {"period_from": "2026-05-01", "period_to": "2026-05-31"})


async def _page_bureau_statements(api, world, db):
    from tests.statement_files import lloyds_csv

    granted = await api.post(
        "/api/mandates",
        headers=world.headers("ann"),
        json={
            "account_id": str(world.accounts["a1"]),
            "organisation_id": str(world.organisations["X"]),
            "scopes": ["import_statements"],
            "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
        },
    )
    assert granted.status_code == 201, granted.text
    pages = await _signed_in(api, world, db, "bureau_x")
    return await pages.post("/clients/statements", files={f"statement-{world.accounts['a1']}": ("a.csv", lloyds_csv())})


async def _page_grant_mandate(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/mandates",
        {
            "organisation_id": str(world.organisations["Z"]),
            "scopes": "view",
            "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
        },
    )


async def _page_decide_review(api, world, db):
    exception, _ = await _spend_statement(api, world, db)
    pages = await _signed_in(api, world, db, "worker_a")
    return await pages.post(
        f"{pages.account()}/reviews/{exception['id']}", {"outcome": "resolved", "reason": "Refunded."}
    )


async def _page_decide_reviews(api, world, db):
    exception, _ = await _spend_statement(api, world, db)
    pages = await _signed_in(api, world, db, "worker_a")
    form = {"review": [exception["id"]], "outcome": "resolved", "reason": "Refunded."}
    return await pages.post(f"{pages.account()}/reviews/decide", form)


async def _page_describe_layout(api, world, db):
    pages = await _signed_in(api, world, db)
    form = {
        "name": "credit-union",
        "headed": "yes",
        "date_column": "Posted",
        "date_format": "YYYY-MM-DD",
        "description_columns": "Details",
        "amount_column": "Amount",
        "skip_rows": "0",
    }
    return await pages.post(f"{pages.account()}/statements/layouts", form)


async def _page_exception(api, world, db, action: str, form: dict[str, str]):
    url = await _exception_url(api, world, db)
    pages = await _signed_in(api, world, db, "finance_a")
    return await pages.post(url.removeprefix("/api") + action, form)


async def _page_assign_exception(api, world, db):
    return await _page_exception(api, world, db, "/assign", {"user_id": str(world.users["worker_a"])})


async def _page_comment_exception(api, world, db):
    return await _page_exception(api, world, db, "/comments", {"body": "Asked Ann."})


async def _page_resolve_exception(api, world, db):
    return await _page_exception(api, world, db, "/resolve", {"resolution": "Refunded."})


async def _page_set_threshold(api, world, db):
    pages = await _signed_in(api, world, db, "finance_a")
    return await pages.post(
        "/thresholds",
        {
            "name": "duplicate_within_days",
            "value": "3",
            "effective_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
            "source_title": "Glenmore Council Direct Payments policy, section 9",
        },
    )


async def _family_pa(api, world, db) -> str:
    added = await api.post(
        f"/api/accounts/{world.accounts['a1']}/pas",
        headers=world.headers("ann"),
        json={
            "full_name": "Ewan Grant",
            "started_on": "2025-04-07",
            "date_of_birth": "1970-01-01",
            "relationship": "family_member",
        },
    )
    return f"/api/accounts/{world.accounts['a1']}/pas/{added.json()['id']}"


async def _pa_checks(api, world, db):
    pa = await _family_pa(api, world, db)
    return await api.put(
        f"{pa}/checks",
        headers=world.headers("ann"),
        json={"pvg_checked_on": "2025-03-01", "relationship": "family_member"},
    )


AGREED = {
    "ground": "intimate_support",
    "person_agreed_on": "2025-04-01",
    "family_member_agreed_on": "2025-04-01",
    "authority_agreed_on": "2025-04-03",
    "starts_on": "2025-04-07",
    "reference": "SW-1",
}


async def _family_approval(api, world, db):
    pa = await _family_pa(api, world, db)
    return await api.post(f"{pa}/family-approval", headers=world.headers("worker_a"), json=AGREED)


async def _withdraw_family_approval(api, world, db):
    pa = await _family_pa(api, world, db)
    agreed = await api.post(f"{pa}/family-approval", headers=world.headers("worker_a"), json=AGREED)
    return await api.post(
        f"{pa}/family-approvals/{agreed.json()['id']}/withdraw",
        headers=world.headers("worker_a"),
        json={"on": "2026-01-05", "reason": "The council found undue pressure (reg 9)."},
    )


async def _page_withdraw_family_approval(api, world, db):
    pa = await _family_pa(api, world, db)
    agreed = await api.post(f"{pa}/family-approval", headers=world.headers("worker_a"), json=AGREED)
    pages = await _signed_in(api, world, db, "worker_a")
    return await pages.post(
        f"{pa.removeprefix('/api')}/family-approvals/{agreed.json()['id']}/withdraw",
        {"withdrawn_on": "2026-01-05", "reason": "The ground no longer applies."},
    )


async def _page_pa_checks(api, world, db):
    pa = await _family_pa(api, world, db)
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pa.removeprefix('/api')}/checks", {"pvg_checked_on": "2025-03-01", "relationship": "family_member"}
    )


async def _pa_details(api, world, db):
    pa = await _family_pa(api, world, db)
    body = {"effective_from": "2026-05-04", "reason": "HMRC coding notice", "tax_code": "S1100L"}
    return await api.post(f"{pa}/details", headers=world.headers("ann"), json=body)


async def _page_pa_details(api, world, db):
    pa = await _family_pa(api, world, db)
    pages = await _signed_in(api, world, db)
    body = {"effective_from": "2026-05-04", "reason": "HMRC coding notice", "tax_code": "S1100L"}
    return await pages.post(f"{pa.removeprefix('/api')}/details", body)


async def _invite(api, world, db, kind="representative", email="rhona@example.org"):
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/people",
        headers=world.headers("ann"),
        json={"kind": kind, "display_name": "Rhona Grant", "email": email},
    )


async def _legal_power(api, world, db):
    rhona = (await _invite(api, world, db)).json()["user_id"]
    return await api.put(
        f"/api/accounts/{world.accounts['a1']}/people/{rhona}/legal-power",
        headers=world.headers("worker_a"),
        json={"legal_power": "welfare_attorney"},
    )


async def _choose_password(api, world, db):
    token = (await _invite(api, world, db)).json()["link_token"]
    body = {"password": "a long enough password", "repeated": "a long enough password"}
    return await api.post(f"/api/invitations/{token}/password", json=body)


async def _page_invite(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/people",
        {"kind": "supported_person", "display_name": "Ann's son", "email": "son@example.org"},
    )


async def _page_legal_power(api, world, db):
    rhona = (await _invite(api, world, db)).json()["user_id"]
    pages = await _signed_in(api, world, db, "worker_a")
    return await pages.post(f"{pages.account()}/people/{rhona}/legal-power", {f"legal_power-{rhona}": "guardian"})


async def _page_choose_password(api, world, db):
    token = (await _invite(api, world, db)).json()["link_token"]
    pages = _pages(api, world, db)
    pages.client.cookies.clear()
    await pages.get(f"/welcome/{token}")
    return await pages.post(
        f"/welcome/{token}", {"password": "a long enough password", "repeated": "a long enough password"}
    )


STAY = {"first_night": "2026-05-04", "last_night": "2026-05-08", "place": "Sunnyside Care Home"}


async def _record_stay(api, world, db):
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/care-home-stays", headers=world.headers("ann"), json=STAY
    )


async def _remove_stay(api, world, db):
    stay = (await _record_stay(api, world, db)).json()["id"]
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/care-home-stays/{stay}/remove", headers=world.headers("ann")
    )


async def _page_record_stay(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(f"{pages.account()}/spend-rules/stays", STAY)


async def _page_remove_stay(api, world, db):
    stay = (await _record_stay(api, world, db)).json()["id"]
    pages = await _signed_in(api, world, db)
    return await pages.post(f"{pages.account()}/spend-rules/stays/{stay}/remove")


async def _page_family_approval(api, world, db):
    pa = await _family_pa(api, world, db)
    pages = await _signed_in(api, world, db, "worker_a")
    return await pages.post(f"{pa.removeprefix('/api')}/family-approval", AGREED)


async def _page_employer(api, world, db):
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/employer",
        {
            "paye_reference": "123/AB45678",
            "accounts_office_reference": "123PA00012345",
            "insurance_expires_on": "2099-01-31",
        },
    )


async def _conversation(api, world, db) -> tuple[str, dict]:
    from tests.api.test_recovery_api import _conversation as held
    from tests.api.test_recovery_api import _surplus_account

    base = await _surplus_account(api, world)
    return base, await held(api, world, base, kept=0)


async def _record_conversation(api, world, db):
    from tests.api.test_recovery_api import _surplus_account

    base = await _surplus_account(api, world)
    return await api.post(
        f"{base}/conversations",
        headers=world.headers("finance_a"),
        json={"held_on": datetime.now(SCOTTISH_TIME).date().isoformat(), "attendees": "Ann", "outcome": "Agreed."},
    )


async def _recover(api, world, db):
    base, conversation = await _conversation(api, world, db)
    return await api.post(
        f"{base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": conversation["id"], "amount_pence": 100, "method": "invoice"},
    )


async def _recovery_paid(api, world, db):
    base, conversation = await _conversation(api, world, db)
    raised = await api.post(
        f"{base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": conversation["id"], "amount_pence": 100, "method": "invoice"},
    )
    return await api.post(
        f"{base}/recoveries/{raised.json()['id']}/paid",
        headers=world.headers("finance_a"),
        json={"paid_on": datetime.now(SCOTTISH_TIME).date().isoformat()},
    )


async def _page_conversation(api, world, db):
    from tests.api.test_recovery_api import _surplus_account

    await _surplus_account(api, world)
    pages = await _signed_in(api, world, db, "worker_a")
    today = datetime.now(SCOTTISH_TIME).date().isoformat()
    return await pages.post(
        f"{pages.account()}/surplus/conversations", {"held_on": today, "attendees": "Ann", "outcome": "Agreed."}
    )


async def _page_recover(api, world, db):
    _, conversation = await _conversation(api, world, db)
    pages = await _signed_in(api, world, db, "finance_a")
    return await pages.post(
        f"{pages.account()}/surplus/recoveries",
        {"conversation_id": conversation["id"], "amount": "1.00", "method": "invoice"},
    )


async def _page_recovery_paid(api, world, db):
    base, conversation = await _conversation(api, world, db)
    raised = await api.post(
        f"{base}/recoveries",
        headers=world.headers("finance_a"),
        json={"conversation_id": conversation["id"], "amount_pence": 100, "method": "invoice"},
    )
    pages = await _signed_in(api, world, db, "finance_a")
    today = datetime.now(SCOTTISH_TIME).date().isoformat()
    return await pages.post(f"{pages.account()}/surplus/recoveries/{raised.json()['id']}/paid", {"paid_on": today})


async def _review(api, world, db):
    from tests.api.test_reviews_api import TODAY, _quarterly

    agreement = await _quarterly(api, world)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement}/reviews",
        headers=world.headers("worker_a"),
        json={"held_on": TODAY.isoformat(), "attendees": "Ann", "outcome": "All well."},
    )


async def _return(api, world, db):
    from tests.api.test_reviews_api import STARTS, _quarterly

    agreement = await _quarterly(api, world)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement}/returns",
        headers=world.headers("ann"),
        json={"period_from": STARTS.isoformat(), "closing_bank_pence": 1, "spent_pence": 1, "evidence": "Statements"},
    )


async def _page_review(api, world, db):
    from tests.api.test_reviews_api import TODAY, _quarterly

    await _quarterly(api, world)
    pages = await _signed_in(api, world, db, "worker_a")
    return await pages.post(
        f"{pages.account()}/monitoring/reviews", {"held_on": TODAY.isoformat(), "attendees": "Ann", "outcome": "Fine."}
    )


async def _page_return(api, world, db):
    from tests.api.test_reviews_api import STARTS, _quarterly

    await _quarterly(api, world)
    pages = await _signed_in(api, world, db)
    return await pages.post(
        f"{pages.account()}/monitoring/returns",
        {"period_from": STARTS.isoformat(), "closing_bank": "1.00", "spent": "1.00", "evidence": "Statements"},
    )


async def _finalised_run(api, world, db) -> str:
    from tests.api.test_payroll_api import PERIOD_1, add_ailsa

    await add_ailsa(api, world)
    url = f"/api/accounts/{world.accounts['a1']}/pay-runs"
    run = (await api.post(url, headers=world.headers("ann"), json=PERIOD_1)).json()
    await api.post(f"{url}/{run['id']}/finalise", headers=world.headers("ann"), json={})
    return run["id"]


async def _reverse_run(api, world, db):
    run = await _finalised_run(api, world, db)
    return await api.post(
        f"/api/accounts/{world.accounts['a1']}/pay-runs/{run}/reverse",
        headers=world.headers("ann"),
        json={"reason": "hours"},
    )


async def _page_reverse_run(api, world, db):
    run = await _finalised_run(api, world, db)
    pages = await _signed_in(api, world, db)
    return await pages.post(f"{pages.account()}/pay-runs/{run}/reverse", {"reason": "hours"})


EXAMPLES: dict[tuple[str, str], Example] = {
    ("POST", "/api/accounts/{account_id:uuid}/pay-runs/{run_id:uuid}/reverse"): _reverse_run,
    ("POST", "/accounts/{account_id:uuid}/pay-runs/{run_id:uuid}/reverse"): _page_reverse_run,
    ("POST", "/accounts/{account_id:uuid}/monitoring/reviews"): _page_review,
    ("POST", "/accounts/{account_id:uuid}/monitoring/returns"): _page_return,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/reviews"): _review,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/returns"): _return,
    ("POST", "/accounts/{account_id:uuid}/surplus/conversations"): _page_conversation,
    ("POST", "/accounts/{account_id:uuid}/surplus/recoveries"): _page_recover,
    ("POST", "/accounts/{account_id:uuid}/surplus/recoveries/{recovery_id:uuid}/paid"): _page_recovery_paid,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/conversations"): _record_conversation,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/recoveries"): _recover,
    (
        "POST",
        "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/recoveries/{recovery_id:uuid}/paid",
    ): _recovery_paid,
    ("POST", "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/checks"): _page_pa_checks,
    ("POST", "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/family-approval"): _page_family_approval,
    ("POST", "/accounts/{account_id:uuid}/people"): _page_invite,
    ("POST", "/accounts/{account_id:uuid}/spend-rules/stays"): _page_record_stay,
    ("POST", "/accounts/{account_id:uuid}/spend-rules/stays/{stay_id:uuid}/remove"): _page_remove_stay,
    ("POST", "/api/accounts/{account_id:uuid}/care-home-stays"): _record_stay,
    ("POST", "/api/accounts/{account_id:uuid}/care-home-stays/{stay_id:uuid}/remove"): _remove_stay,
    ("POST", "/accounts/{account_id:uuid}/people/{user_id:uuid}/legal-power"): _page_legal_power,
    ("POST", "/welcome/{token:str}"): _page_choose_password,
    ("POST", "/api/accounts/{account_id:uuid}/people"): _invite,
    ("PUT", "/api/accounts/{account_id:uuid}/people/{user_id:uuid}/legal-power"): _legal_power,
    ("POST", "/api/invitations/{token:str}/password"): _choose_password,
    (
        "POST",
        "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/family-approvals/{approval_id:uuid}/withdraw",
    ): _page_withdraw_family_approval,
    ("POST", "/accounts/{account_id:uuid}/employer"): _page_employer,
    ("PUT", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/checks"): _pa_checks,
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/details"): _pa_details,
    ("POST", "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/details"): _page_pa_details,
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/family-approval"): _family_approval,
    (
        "POST",
        "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/family-approvals/{approval_id:uuid}/withdraw",
    ): _withdraw_family_approval,
    ("POST", "/accounts/{account_id:uuid}/exceptions/{key:str}/assign"): _page_assign_exception,
    ("POST", "/accounts/{account_id:uuid}/exceptions/{key:str}/comments"): _page_comment_exception,
    ("POST", "/accounts/{account_id:uuid}/exceptions/{key:str}/resolve"): _page_resolve_exception,
    ("POST", "/thresholds"): _page_set_threshold,
    ("POST", "/accounts/{account_id:uuid}/reviews/{review_id:uuid}"): _page_decide_review,
    ("POST", "/accounts/{account_id:uuid}/reviews/decide"): _page_decide_reviews,
    ("POST", "/accounts/{account_id:uuid}/statements/layouts"): _page_describe_layout,
    ("POST", "/accounts/{account_id:uuid}/mandates"): _page_grant_mandate,
    ("POST", "/accounts/{account_id:uuid}/agreement/{agreement_id:uuid}/versions/{number:int}/sign"): (
        _page_sign_agreement
    ),
    ("POST", "/accounts/{account_id:uuid}/mandates/{mandate_id:uuid}/revoke"): _page_revoke_mandate,
    ("POST", "/accounts/{account_id:uuid}/pas"): _page_add_pa,
    ("POST", "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/timesheet"): _page_add_hours,
    ("POST", "/accounts/{account_id:uuid}/pas/{pa_id:uuid}/timesheet/{entry_id:uuid}/remove"): _page_remove_hours,
    ("POST", "/accounts/{account_id:uuid}/pay-runs"): _page_draft_pay_run,
    ("POST", "/accounts/{account_id:uuid}/pay-runs/{run_id:uuid}/finalise"): _page_finalise_pay_run,
    ("POST", "/clients/pay-runs"): _page_bureau_run,
    ("POST", "/api/bureau/pay-runs"): _api_bureau_run,
    ("POST", "/api/authorities/{authority_id:uuid}/reports"): _api_council_report,
    ("POST", "/reports"): _page_council_report,
    ("POST", "/clients/statements"): _page_bureau_statements,
    ("DELETE", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/timesheet/{entry_id:uuid}"): _remove_timesheet_line,
    ("POST", "/login"): _page_login,
    ("POST", "/logout"): _page_logout,
    ("POST", "/accounts/{account_id:uuid}/statements"): _page_upload,
    ("POST", "/accounts/{account_id:uuid}/statements/{statement_id:uuid}/accept-all"): _page_accept_all,
    ("POST", "/accounts/{account_id:uuid}/statements/{statement_id:uuid}/lines/{line_id:uuid}"): _page_line,
    ("POST", "/api/accounts/{account_id:uuid}/pas"): _add_pa,
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/timesheet"): _timesheet,
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/contract-rates"): _contract_rates,
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/sickness"): _sickness,
    ("PUT", "/api/accounts/{account_id:uuid}/payroll-employer"): _payroll_employer,
    ("POST", "/api/accounts/{account_id:uuid}/spend-reviews/{review_id:uuid}/decide"): _decide_spend,
    ("POST", "/api/accounts/{account_id:uuid}/spend-reviews/decide"): _decide_spend_many,
    ("POST", "/api/accounts/{account_id:uuid}/exceptions/{key:str}/assign"): _assign_exception,
    ("POST", "/api/accounts/{account_id:uuid}/exceptions/{key:str}/comments"): _comment_on_exception,
    ("POST", "/api/accounts/{account_id:uuid}/exceptions/{key:str}/resolve"): _resolve_exception,
    ("POST", "/api/authorities/{authority_id:uuid}/thresholds"): _set_threshold,
    ("POST", "/api/accounts/{account_id:uuid}/statements/lines/{line_id:uuid}/category"): _confirm_category,
    ("PUT", "/api/authorities/{authority_id:uuid}/spend-rules/{rule_id:str}"): _spend_rule,
    ("POST", "/api/accounts/{account_id:uuid}/agreements"): _draft_agreement,
    ("PUT", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/draft"): _redraft_agreement,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/versions/{number:int}/sign"): (
        _sign_agreement
    ),
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/variations"): _vary_agreement,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/terminate"): _terminate_agreement,
    ("POST", "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/versions/{number:int}/withdraw"): (
        _withdraw_version
    ),
    (
        "POST",
        "/api/accounts/{account_id:uuid}/agreements/{agreement_id:uuid}/payments/{due_on:date}/received",
    ): _agreement_payment,
    ("PUT", "/api/authorities/{authority_id:uuid}/agreement-wording/{template_key:str}/{clause_id:str}"): (
        _authority_wording
    ),
    ("POST", "/api/accounts/{account_id:uuid}/pas/{pa_id:uuid}/leave"): _leaver,
    ("POST", "/api/accounts/{account_id:uuid}/pay-runs"): _draft_pay_run,
    ("POST", "/api/accounts/{account_id:uuid}/pay-runs/{run_id:uuid}/finalise"): _finalise_pay_run,
    ("POST", "/api/accounts/{account_id:uuid}/ledger/accounts"): _open_ledger_account,
    ("POST", "/api/accounts/{account_id:uuid}/ledger/accounts/close"): _close_ledger_account,
    ("POST", "/api/accounts/{account_id:uuid}/reconciliation/auto"): _auto_reconcile,
    ("POST", "/api/accounts/{account_id:uuid}/reconciliation/matches"): _match,
    ("POST", "/api/accounts/{account_id:uuid}/reconciliation/matches/{line_id:uuid}/unmatch"): _unmatch,
    ("POST", "/api/accounts/{account_id:uuid}/statements/lines/{line_id:uuid}/post"): _post_line,
    ("POST", "/api/accounts/{account_id:uuid}/statements/{statement_id:uuid}/accept-suggestions"): _accept_suggestions,
    ("PUT", "/api/accounts/{account_id:uuid}/statements/layouts/{name:str}"): _describe_bank_layout,
    ("POST", "/api/accounts/{account_id:uuid}/statements"): _import_statement,
    ("POST", "/api/accounts/{account_id:uuid}/ledger/entries"): _post_entry,
    ("POST", "/api/accounts/{account_id:uuid}/ledger/entries/{entry_id:uuid}/reverse"): _reverse_entry,
    ("POST", "/api/auth/login"): _login,
    ("POST", "/api/auth/logout"): _logout,
    ("POST", "/api/mandates"): _grant,
    ("POST", "/api/mandates/{mandate_id:uuid}/revoke"): _revoke,
    ("POST", "/api/organisations/{organisation_id:uuid}/api-keys"): _create_key,
    ("POST", "/api/organisations/{organisation_id:uuid}/api-keys/{key_id:uuid}/revoke"): _revoke_key,
}


async def _open_client_account(api, world, db):
    from tests.api.test_client_accounts_api import OPENED, _provider

    await _provider(db, world)
    return await api.post(
        f"/api/organisations/{world.organisations['Y']}/client-accounts",
        headers=world.headers("bureau_y"),
        json={"name": "Walk client account", "opened_on": OPENED.isoformat()},
    )


async def _client_account_with_ann(api, world, db) -> str:
    from tests.api.test_client_accounts_api import _join, _mandate

    await _mandate(api, world, "ann", "a1")
    pool = f"/api/client-accounts/{(await _open_client_account(api, world, db)).json()['id']}"
    assert (await _join(api, world, pool, "a1", "GLN-A1")).status_code == 201
    return pool


async def _add_client(api, world, db):
    from tests.api.test_client_accounts_api import _join, _mandate

    await _mandate(api, world, "ann", "a1")
    pool = f"/api/client-accounts/{(await _open_client_account(api, world, db)).json()['id']}"
    return await _join(api, world, pool, "a1", "GLN-A1")


async def _import_client_statement(api, world, db):
    from tests.api.test_client_accounts_api import MONTH
    from tests.statement_files import lloyds_csv

    pool = await _client_account_with_ann(api, world, db)
    return await api.post(
        f"{pool}/statements", headers=world.headers("bureau_y"), files={"file": ("c.csv", lloyds_csv(MONTH, opening=0))}
    )


async def _assign_client_line(api, world, db):
    pool = (await _import_client_statement(api, world, db)).request.url.path.rsplit("/", 1)[0]
    waiting = (await api.get(f"{pool}/waiting", headers=world.headers("bureau_y"))).json()
    return await api.post(
        f"{pool}/lines/{waiting[0]['id']}/assign",
        headers=world.headers("bureau_y"),
        json={"account_id": str(world.accounts["a1"])},
    )


async def _assign_waiting(api, world, db):
    from tests.api.test_client_accounts_api import MONTH, _join, _mandate
    from tests.statement_files import lloyds_csv

    pool = await _client_account_with_ann(api, world, db)
    await api.post(
        f"{pool}/statements", headers=world.headers("bureau_y"), files={"file": ("c.csv", lloyds_csv(MONTH, opening=0))}
    )
    await _mandate(api, world, "bea", "a2")
    assert (await _join(api, world, pool, "a2", "GLN-A2")).status_code == 201
    return await api.post(f"{pool}/assign-waiting", headers=world.headers("bureau_y"))


async def _page_open_client_account(api, world, db):
    from tests.api.test_client_account_pages import client_account_page

    pages = _pages(api, world, db)
    address = await client_account_page(pages, world, db)
    return (
        await pages.post("/client-accounts", {"name": "Second client account", "opened_on": "2026-10-01"})
        if (address)
        else None
    )


async def _page_join_client(api, world, db):
    from tests.api.test_client_account_pages import client_account_page

    pages = _pages(api, world, db)
    address = await client_account_page(pages, world, db)
    from tests.api.test_client_accounts_api import OPENED, _mandate

    await _mandate(api, world, "ann", "a1")
    await pages.get(address)
    return await pages.post(
        f"{address}/clients",
        {"account_id": str(world.accounts["a1"]), "reference": "GLN-A1", "joined_on": OPENED.isoformat()},
    )


async def _page_client_statement(api, world, db):
    from tests.api.test_client_account_pages import joined
    from tests.api.test_client_accounts_api import MONTH
    from tests.statement_files import lloyds_csv

    pages = _pages(api, world, db)
    address = await joined(pages, world, db)
    return await pages.post(f"{address}/statements", files={"statement": ("c.csv", lloyds_csv(MONTH, opening=0))})


async def _page_give_client_line(api, world, db):
    pages = _pages(api, world, db)
    address = (await _page_client_statement(api, world, db)).headers["location"]
    waiting = await api.get(f"/api{address}/waiting", headers=world.headers("bureau_y"))
    return await pages.post(f"{address}/lines/{waiting.json()[0]['id']}", {"for": "provider"})


async def _page_assign_waiting(api, world, db):
    from tests.api.test_client_accounts_api import _join, _mandate

    pages = _pages(api, world, db)
    address = (await _page_client_statement(api, world, db)).headers["location"]
    await _mandate(api, world, "bea", "a2")  # a client joins after the statement named her
    assert (await _join(api, world, f"/api{address}", "a2", "GLN-A2")).status_code == 201
    return await pages.post(f"{address}/assign-waiting")


async def _end_client(api, world, db):
    pool = await _client_account_with_ann(api, world, db)
    return await api.post(
        f"{pool}/clients/{world.accounts['a1']}/leave",
        headers=world.headers("bureau_y"),
        json={"left_on": "2026-10-02"},
    )


async def _page_end_client(api, world, db):
    from tests.api.test_client_account_pages import joined

    pages = _pages(api, world, db)
    address = await joined(pages, world, db)
    return await pages.post(f"{address}/leave", {"leaving": str(world.accounts["a1"]), "left_on": "2026-10-02"})


async def _charge_fees(api, world, db):
    from tests.api.test_agreements_api import in_force
    from tests.unit.agreements.terms_example import MORAG

    third_party = {"managed_by": "third_party", "third_party_name": "Y", "third_party_requested_on": "2026-04-01"}
    await in_force(api, world, {**MORAG, **third_party, "third_party_setup_fee_pence": 18_900})
    pool = await _client_account_with_ann(api, world, db)
    return await api.post(f"{pool}/fees", headers=world.headers("bureau_y"), json={"on": "2026-12-31"})


async def _page_charge_fees(api, world, db):
    from tests.api.test_agreements_api import in_force
    from tests.api.test_client_account_pages import joined
    from tests.unit.agreements.terms_example import MORAG

    third_party = {"managed_by": "third_party", "third_party_name": "Y", "third_party_requested_on": "2026-04-01"}
    await in_force(api, world, {**MORAG, **third_party, "third_party_setup_fee_pence": 18_900})
    pages = _pages(api, world, db)
    address = await joined(pages, world, db)
    return await pages.post(f"{address}/fees", {"fees_on": "2026-12-31"})


EXAMPLES.update(
    {
        ("POST", "/api/client-accounts/{pool_id:uuid}/fees"): _charge_fees,
        ("POST", "/client-accounts/{pool_id:uuid}/fees"): _page_charge_fees,
        ("POST", "/client-accounts/{pool_id:uuid}/leave"): _page_end_client,
        ("POST", "/api/client-accounts/{pool_id:uuid}/clients/{account_id:uuid}/leave"): _end_client,
        ("POST", "/client-accounts"): _page_open_client_account,
        ("POST", "/client-accounts/{pool_id:uuid}/clients"): _page_join_client,
        ("POST", "/client-accounts/{pool_id:uuid}/statements"): _page_client_statement,
        ("POST", "/client-accounts/{pool_id:uuid}/lines/{line_id:uuid}"): _page_give_client_line,
        ("POST", "/client-accounts/{pool_id:uuid}/assign-waiting"): _page_assign_waiting,
        ("POST", "/api/organisations/{organisation_id:uuid}/client-accounts"): _open_client_account,
        ("POST", "/api/client-accounts/{pool_id:uuid}/clients"): _add_client,
        ("POST", "/api/client-accounts/{pool_id:uuid}/statements"): _import_client_statement,
        ("POST", "/api/client-accounts/{pool_id:uuid}/lines/{line_id:uuid}/assign"): _assign_client_line,
        ("POST", "/api/client-accounts/{pool_id:uuid}/assign-waiting"): _assign_waiting,
    }
)


def state_changing_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method in sorted(route.methods & STATE_CHANGING_METHODS):
                found.append((method, route.path))
    return found


def test_every_state_changing_route_has_an_audited_example(app):
    routes = state_changing_routes(app)
    assert routes, "the app has no state-changing routes?"
    missing = sorted(set(routes) - set(EXAMPLES))
    assert not missing, f"state-changing routes with no audited example in this test: {missing}"


@pytest.mark.parametrize("route", sorted(EXAMPLES), ids=lambda route: f"{route[0]} {route[1]}")
async def test_each_state_changing_route_writes_an_audit_event_in_its_request(api, world, db, route):
    response = await EXAMPLES[route](api, world, db)
    # A page form answers 303 to the page showing its result; being sent to sign in is a failure.
    assert 200 <= response.status_code < 400, response.text
    assert not response.headers.get("location", "").startswith("/login?next"), "the example was not signed in"
    request_id = response.headers["x-request-id"]
    async with async_sessionmaker(db)() as session:
        written = await session.scalar(
            select(func.count()).select_from(AuditEventRow).where(AuditEventRow.request_id == request_id)
        )
    assert written >= 1


def test_a_change_that_writes_no_audit_event_is_refused():
    @post("/forgetful", status_code=201)
    async def forgetful() -> dict[str, str]:
        return {"saved": "yes"}

    with create_test_client(
        route_handlers=[forgetful], after_request=require_audit_for_changes, logging_config=None
    ) as client:
        client.app.asgi_handler = audit_tracking_middleware(client.app.asgi_handler)
        response = client.post("/forgetful")
    assert response.status_code == 500
    assert response.json()["type"] == "/problems/unaudited-change"


async def test_a_replayed_request_changes_nothing_and_writes_nothing(api, world, db):
    first = await _post_entry(api, world, db)
    again = await _post_entry(api, world, db)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    async with async_sessionmaker(db)() as session:
        written = await session.scalar(
            select(func.count())
            .select_from(AuditEventRow)
            .where(AuditEventRow.request_id == again.headers["x-request-id"])
        )
    assert written == 0


CARDS: dict[str, Any] = {}
"""The app with the Stripe settings (the walk's own app has none), set for the examples below."""


@pytest.fixture(autouse=True)
def _card_client(card_client, stripe_fake):
    CARDS["client"], CARDS["fake"] = card_client, stripe_fake
    yield
    card_client.cookies.clear()


async def _issue_card(api, world, db):
    from tests.api.test_cards_api import _issue

    return await _issue(CARDS["client"], world)


def _card_change(to):
    async def example(api, world, db):
        from tests.api.test_cards_api import _issue

        card = (await _issue(CARDS["client"], world)).json()
        if to == "unfreeze":
            await CARDS["client"].post(
                f"/api/accounts/{world.accounts['a1']}/cards/{card['id']}/freeze", headers=world.headers("ann"), json={}
            )
        user = "finance_a" if to == "cancel" else "ann"
        return await CARDS["client"].post(
            f"/api/accounts/{world.accounts['a1']}/cards/{card['id']}/{to}", headers=world.headers(user), json={}
        )

    return example


async def _webhook(api, world, db):
    from tests.api.test_cards_api import _issue, _stripe_card_id
    from tests.stripe_fakes import authorisation_request, signed

    card = (await _issue(CARDS["client"], world)).json()
    body, headers = signed(authorisation_request(await _stripe_card_id(db, card["id"]), 500, "8099", "Care Ltd"))
    return await CARDS["client"].post("/api/stripe/webhooks", content=body, headers=headers)


async def _stripe_payer(world):
    import stripe

    from tests.stripe_fakes import SECRET_KEY

    client = stripe.StripeClient(SECRET_KEY, base_addresses={"api": CARDS["fake"].localstripe})
    customer = client.v1.customers.create({"email": "ann@example.org"})
    method = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(method.id, {"customer": customer.id})
    return customer.id, method.id


async def _set_payer(api, world, db):
    customer, method = await _stripe_payer(world)
    return await CARDS["client"].put(
        f"/api/accounts/{world.accounts['a1']}/payer",
        headers=world.headers("finance_a"),
        json={"customer": customer, "payment_method": method},
    )


async def _ask_payment(api, world, db):
    await _set_payer(api, world, db)
    return await CARDS["client"].post(
        f"/api/accounts/{world.accounts['a1']}/card-payments",
        headers=world.headers("finance_a"),
        json={"purpose": "contribution", "amount_pence": 1_000, "idempotency_key": "walk"},
    )


def _card_pages(world, db):
    from tests.pages import Pages

    return Pages(CARDS["client"], world, db)


async def _page_issue_card(api, world, db):
    pages = _card_pages(world, db)
    await pages.sign_in("finance_a")
    await pages.get(f"{pages.account()}/cards")
    return await pages.post(
        f"{pages.account()}/cards",
        {
            "cardholder_name": "Ann",
            "line1": "4 Harbour Road",
            "city": "Inverness",
            "postal_code": "IV1 1AA",
            "card_type": "virtual",
        },
    )


def _page_card_change(to):
    async def example(api, world, db):
        from tests.api.test_cards_api import _issue

        card = (await _issue(CARDS["client"], world)).json()
        pages = _card_pages(world, db)
        await pages.sign_in("finance_a")
        await pages.get(f"{pages.account()}/cards")
        if to == "unfreeze":
            await pages.post(f"{pages.account()}/cards/{card['id']}/freeze")
        return await pages.post(f"{pages.account()}/cards/{card['id']}/{to}", {"lost_or_stolen": ""})

    return example


async def _page_set_payer(api, world, db):
    customer, method = await _stripe_payer(world)
    pages = _card_pages(world, db)
    await pages.sign_in("finance_a")
    await pages.get(f"{pages.account()}/card-payments")
    return await pages.post(f"{pages.account()}/card-payments/payer", {"customer": customer, "payment_method": method})


async def _page_ask_payment(api, world, db):
    await _set_payer(api, world, db)
    pages = _card_pages(world, db)
    await pages.sign_in("finance_a")
    await pages.get(f"{pages.account()}/card-payments")
    return await pages.post(f"{pages.account()}/card-payments", {"purpose": "contribution", "amount": "10.00"})


EXAMPLES.update(
    {
        ("POST", "/api/accounts/{account_id:uuid}/cards"): _issue_card,
        ("POST", "/api/accounts/{account_id:uuid}/cards/{card_id:uuid}/freeze"): _card_change("freeze"),
        ("POST", "/api/accounts/{account_id:uuid}/cards/{card_id:uuid}/unfreeze"): _card_change("unfreeze"),
        ("POST", "/api/accounts/{account_id:uuid}/cards/{card_id:uuid}/cancel"): _card_change("cancel"),
        ("PUT", "/api/accounts/{account_id:uuid}/payer"): _set_payer,
        ("POST", "/api/accounts/{account_id:uuid}/card-payments"): _ask_payment,
        ("POST", "/api/stripe/webhooks"): _webhook,
        ("POST", "/accounts/{account_id:uuid}/cards"): _page_issue_card,
        ("POST", "/accounts/{account_id:uuid}/cards/{card_id:uuid}/freeze"): _page_card_change("freeze"),
        ("POST", "/accounts/{account_id:uuid}/cards/{card_id:uuid}/unfreeze"): _page_card_change("unfreeze"),
        ("POST", "/accounts/{account_id:uuid}/cards/{card_id:uuid}/cancel"): _page_card_change("cancel"),
        ("POST", "/accounts/{account_id:uuid}/card-payments/payer"): _page_set_payer,
        ("POST", "/accounts/{account_id:uuid}/card-payments"): _page_ask_payment,
    }
)
