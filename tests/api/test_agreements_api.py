"""Agreements through HTTP: drafting refused with every problem named, the signing order and its
refusals, variations with their difference, termination, the payment schedule into the ledger,
the PDF and HTML, and an authority's own wording."""

from __future__ import annotations

import copy
import io
from datetime import date

import pdfplumber
import pytest

from agreements.template import CURRENT
from tests.unit.agreements.terms_example import MORAG

pytestmark = pytest.mark.api


def base(world, account="a1") -> str:
    return f"/api/accounts/{world.accounts[account]}/agreements"


async def draft(api, world, terms=None, user="worker_a"):
    response = await api.post(f"{base(world)}/", headers=world.headers(user), json={"terms": terms or MORAG})
    assert response.status_code == 201, response.text
    return response.json()


async def sign(api, world, agreement, number, user, content_hash=None):
    version = agreement["versions"][number - 1]
    return await api.post(
        f"{base(world)}/{agreement['id']}/versions/{number}/sign",
        headers=world.headers(user),
        json={"content_hash": content_hash or version["content_hash"]},
    )


async def in_force(api, world, terms=None):
    agreement = await draft(api, world, terms)
    assert (await sign(api, world, agreement, 1, "ann")).status_code == 200
    signed = await sign(api, world, agreement, 1, "worker_a")
    assert signed.status_code == 200, signed.text
    return signed.json()


async def test_a_draft_is_refused_with_every_problem_named(api, world):
    terms = copy.deepcopy(MORAG)
    terms["ends_on"] = "2026-04-01"
    terms["budget_lines"][0].update(hourly_rate_pence=1300, amount_pence=1_352_000)
    refused = await api.post(f"{base(world)}/", headers=world.headers("worker_a"), json={"terms": terms})
    assert refused.status_code == 422
    body = refused.json()
    assert body["type"] == "/problems/agreement-invalid"
    fields = {problem["field"] for problem in body["problems"]}
    assert fields == {"ends_on", "budget_lines", "budget_lines[1].amount_pence"}
    assert (await api.get(f"{base(world)}/", headers=world.headers("worker_a"))).json() == []


async def test_only_the_authority_drafts_and_nobody_outside_sees(api, world):
    for user, status in (("ann", 403), ("finance_a", 403), ("bureau_x", 403), ("finance_b", 404), ("bea", 404)):
        response = await api.post(f"{base(world)}/", headers=world.headers(user), json={"terms": MORAG})
        assert response.status_code == status, (user, response.text)
    agreement = await draft(api, world)
    for user, status in (("ann", 200), ("finance_a", 200), ("bureau_x", 200), ("finance_b", 404), ("bea", 404)):
        assert (await api.get(f"{base(world)}/{agreement['id']}", headers=world.headers(user))).status_code == status
    assert (await api.get(f"{base(world, 'a2')}/{agreement['id']}", headers=world.headers("bea"))).status_code == 404


async def test_signing_order_refusals_and_a_trail_both_sides_read(api, world):
    agreement = await draft(api, world)
    assert agreement["reference"] == "A1-A1" and agreement["versions"][0]["status"] == "draft"
    first_authority = await sign(api, world, agreement, 1, "worker_a")
    assert first_authority.status_code == 409 and "signs first" in first_authority.json()["detail"]
    altered = await sign(api, world, agreement, 1, "ann", content_hash="0" * 64)
    assert altered.status_code == 409 and altered.json()["field"] == "content_hash"
    for user in ("finance_a", "bureau_x"):
        assert (await sign(api, world, agreement, 1, user)).status_code == 403
    holder = await sign(api, world, agreement, 1, "ann")
    assert holder.status_code == 200 and holder.json()["versions"][0]["status"] == "signed_by_holder"
    twice = await sign(api, world, agreement, 1, "ann")
    assert twice.status_code == 409 and "already signed for the holder" in twice.json()["detail"]
    redraft = await api.put(
        f"{base(world)}/{agreement['id']}/draft", headers=world.headers("worker_a"), json={"terms": MORAG}
    )
    assert redraft.status_code == 409 and "words are fixed" in redraft.json()["detail"]
    done = await sign(api, world, agreement, 1, "worker_a")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["in_force_version"]) == ("in_force", 1)
    assert [(s["party"], s["capacity"]) for s in done.json()["versions"][0]["signatures"]] == [
        ("holder", "holder"),
        ("authority", "authority"),
    ]
    again = await sign(api, world, agreement, 1, "worker_a")
    assert again.status_code == 409 and "already in force" in again.json()["detail"]
    for user in ("ann", "finance_a"):
        events = (
            await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers(user))
        ).json()["items"]
        signed = [e for e in events if e["action"] == "agreement.signed"]
        assert [e["details"]["party"] for e in signed] == ["authority", "holder"]
        assert signed[0]["details"]["in_force"] is True
        assert any(e["action"] == "agreement.drafted" for e in events)


async def test_a_variation_shows_exactly_what_changed_and_supersedes_when_signed(api, world):
    agreement = await in_force(api, world)
    terms = copy.deepcopy(MORAG)
    terms["budget_lines"][0].update(hourly_rate_pence=1500, amount_pence=1_560_000)
    terms["budget_lines"][1]["amount_pence"] = 351_000
    terms["annual_total_pence"] = 1_993_600 + 104_000 + 23_400
    varied = await api.post(
        f"{base(world)}/{agreement['id']}/variations",
        headers=world.headers("worker_a"),
        json={"terms": terms, "reason": "PA pay rise agreed at review"},
    )
    assert varied.status_code == 201, varied.text
    v2 = varied.json()["versions"][1]
    assert (v2["number"], v2["varies_number"], v2["status"]) == (2, 1, "draft")
    assert [(c["id"], c["change"]) for c in v2["clauses_changed"]] == [("budget", "changed"), ("payments", "changed")]
    assert [t["path"] for t in v2["terms_changed"]] == [
        "annual_total_pence",
        "budget_lines[0].amount_pence",
        "budget_lines[0].hourly_rate_pence",
        "budget_lines[1].amount_pence",
    ]
    old = await sign(api, world, varied.json(), 1, "ann")
    assert old.status_code == 409 and "already in force" in old.json()["detail"]
    await sign(api, world, varied.json(), 2, "ann")
    done = await sign(api, world, varied.json(), 2, "worker_a")
    assert done.json()["in_force_version"] == 2
    assert [v["status"] for v in done.json()["versions"]] == ["superseded", "in_force"]
    superseded = await sign(api, world, done.json(), 1, "ann")
    assert superseded.status_code == 409 and "superseded" in superseded.json()["detail"]
    events = (
        await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("ann"))
    ).json()["items"]
    [variation] = [e for e in events if e["action"] == "agreement.variation_drafted"]
    assert variation["details"]["clauses_changed"] == ["budget", "payments"]


async def test_termination_needs_notice_first_and_ends_the_schedule(api, world):
    agreement = await in_force(api, world)
    url = f"{base(world)}/{agreement['id']}/terminate"
    ending = {
        "reason": "no_longer_needs_support",
        "notified_on": "2026-09-01",
        "last_day": "2026-08-31",
        "explanation": "Your needs are now met by the reablement service; we talked on 28 August.",
    }
    early = await api.post(url, headers=world.headers("worker_a"), json=ending)
    assert early.status_code == 400 and early.json()["field"] == "notified_on"
    assert (await api.post(url, headers=world.headers("ann"), json=ending)).status_code == 403
    ended = await api.post(url, headers=world.headers("worker_a"), json={**ending, "last_day": "2026-09-30"})
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["terminated_on"]) == ("terminated", "2026-09-30")
    schedule = (await api.get(f"{base(world)}/{agreement['id']}/schedule", headers=world.headers("ann"))).json()
    assert schedule[-1]["covers_to"] == "2026-09-30" and schedule[-1]["days_covered"] == 10
    again = await api.post(
        f"{base(world)}/{agreement['id']}/variations",
        headers=world.headers("worker_a"),
        json={"terms": MORAG, "reason": "too late"},
    )
    assert again.status_code == 409
    events = (
        await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("finance_a"))
    ).json()["items"]
    assert events[0]["action"] == "agreement.terminated"
    assert events[0]["details"]["reason"] == "no_longer_needs_support"


async def test_scheduled_payments_received_post_to_the_ledger_and_missed_ones_show(api, world):
    agreement = await in_force(api, world)
    url = f"{base(world)}/{agreement['id']}"
    schedule = (await api.get(f"{url}/schedule", headers=world.headers("ann"))).json()
    assert schedule[0]["due_on"] == "2026-04-15" and schedule[0]["days_covered"] == 19
    # 1,993,600 / 13 = 153,353.8 -> 153,354 a period; 19 of 28 days: 104,061.9.. -> 104,062
    assert (schedule[0]["gross_pence"], schedule[0]["net_pence"]) == (104_062, 104_062)
    received = f"{url}/payments/2026-04-15/received?received_on=2026-04-16"
    first = await api.post(received, headers=world.headers("ann"))
    assert first.status_code == 201, first.text
    assert (await api.post(received, headers=world.headers("ann"))).json() == first.json()
    assert (await api.post(received, headers=world.headers("finance_a"))).status_code == 403
    ledger = {
        a["code"]: a["natural_balance_pence"]
        for a in (await api.get(f"/api/accounts/{world.accounts['a1']}/ledger", headers=world.headers("ann"))).json()[
            "accounts"
        ]
    }
    assert ledger["income:authority:dp_payment"] == 104_062 and ledger["assets:bank:dp_account"] == 104_062
    states = {p["due_on"]: p["status"] for p in (await api.get(f"{url}/schedule", headers=world.headers("ann"))).json()}
    assert states["2026-04-15"] == "received" and states["2026-05-04"] == "missed"
    unknown = await api.post(f"{url}/payments/2026-04-16/received?received_on=2026-04-16", headers=world.headers("ann"))
    assert unknown.status_code == 400 and unknown.json()["field"] == "due_on"


async def test_the_pdf_and_html_carry_every_heading_the_version_id_and_hash(api, world):
    agreement = await in_force(api, world)
    version = agreement["versions"][0]
    pdf = await api.get(f"{base(world)}/{agreement['id']}/versions/1/pdf", headers=world.headers("ann"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        pages = [page.extract_text() for page in document.pages]
    text = "\n".join(pages)
    template = (await api.get(f"/api/agreement-templates/{CURRENT}", headers=world.headers("ann"))).json()
    for clause in template["clauses"]:
        assert clause["heading"] in text, clause["heading"]
        assert clause["sources"] and all(source["url"].startswith("https://") for source in clause["sources"])
    defaults = {default["name"]: default for default in template["defaults"]}
    assert (
        defaults["surplus_threshold_weeks"]["value"] == 8
        and "no surplus limit" in defaults["surplus_threshold_weeks"]["why"]
    )
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert version["content_hash"] in page.replace("\n", ""), number
        assert f"page {number} of {len(pages)}" in page
    assert "Morag Campbell, for the holder" not in text  # signed by the test users, by their names
    assert "ann, for the holder (holder)" in text
    html = await api.get(f"{base(world)}/{agreement['id']}/versions/1/html", headers=world.headers("finance_a"))
    assert html.status_code == 200 and '<html lang="en-GB">' in html.text
    assert html.text.index("This agreement in short") < html.text.index("The agreement in full")
    assert version["content_hash"] in html.text
    complaints = '<a href="https://www.legislation.gov.uk/asp/2002/11">Scottish Public Services Ombudsman Act 2002</a>'
    assert complaints in html.text and "Standard 5 (complaints)" in html.text  # each source an address to open
    assert "(https://www.legislation.gov.uk/ssi/2014/25/regulation/9)" in text.replace("\n", "")  # and in the PDF
    assert (
        await api.get(f"{base(world)}/{agreement['id']}/versions/1/pdf", headers=world.headers("finance_b"))
    ).status_code == 404


async def test_an_authority_words_its_localisable_clauses_for_new_agreements(api, world):
    authority = world.authorities["A"]
    url = f"/api/authorities/{authority}/agreement-wording/{CURRENT}"
    wording = {
        "summary": "Glenmore lets you keep up to {surplus_threshold_weeks} weeks.",
        "text": "Glenmore's policy on unspent money: money owed to your staff is yours to pay; we talk with you "
        "before we ask for anything back.",
    }
    national = await api.put(f"{url}/budget", headers=world.headers("worker_a"), json=wording)
    assert national.status_code == 400 and "national" in national.json()["detail"]
    for user in ("finance_a", "ann"):
        assert (await api.put(f"{url}/unspent_money", headers=world.headers(user), json=wording)).status_code == 403
    stray = await api.put(
        f"{url}/unspent_money", headers=world.headers("worker_a"), json={**wording, "text": "{unknown_term}"}
    )
    assert stray.status_code == 400 and stray.json()["field"] == "text"
    assert (await api.put(f"{url}/unspent_money", headers=world.headers("worker_a"), json=wording)).status_code == 200
    clauses = {c["id"]: c for c in (await draft(api, world))["versions"][0]["content"]["clauses"]}
    assert clauses["unspent_money"]["summary"] == "Glenmore lets you keep up to 8 weeks."
    assert clauses["unspent_money"]["localised"] is True


@pytest.mark.parametrize(
    ("clause", "text", "dropped"),
    [
        ("unspent_money", "Glenmore recovers any balance over 8 weeks at the year end; money owed is yours.", "talk"),
        ("unspent_money", "We talk with you before we ask for anything back.", "owed for wages"),
        ("contribution", "{contribution_text} The council takes it off each payment.", "personal care is free"),
        ("use_of_money", "Use it for your plan. You may pay anyone you choose, guardian or not.", "family member"),
        ("use_of_money", "A family member is paid only when you, they and we agree.", "guardian or attorney"),
    ],
)
async def test_an_authority_cannot_reword_away_a_protection_the_law_gives(api, world, clause, text, dropped):
    url = f"/api/authorities/{world.authorities['A']}/agreement-wording/{CURRENT}/{clause}"
    refused = await api.put(url, headers=world.headers("worker_a"), json={"summary": "Our words.", "text": text})
    assert refused.status_code == 400 and refused.json()["field"] == "text"
    assert "drops a protection" in refused.json()["detail"] and dropped in refused.json()["detail"]
    assert "https://www.legislation.gov.uk/" in refused.json()["detail"] or "gov.scot" in refused.json()["detail"]
    clauses = {c["id"]: c for c in (await draft(api, world))["versions"][0]["content"]["clauses"]}
    assert clauses[clause]["localised"] is False  # nothing was stored


async def test_validation_rechecks_the_latest_version(api, world):
    agreement = await draft(api, world, {**MORAG, "ends_on": "2027-04-14"})
    assert agreement["versions"][0]["warnings"] == [
        "No Scottish PA minimum is published for 2027-04-01 onwards; the PA rate could not be checked for those dates."
    ]
    checked = (await api.get(f"{base(world)}/{agreement['id']}/validation", headers=world.headers("ann"))).json()
    assert checked["problems"] == [] and len(checked["warnings"]) == 1


async def test_a_statement_showing_a_scheduled_payment_records_it_received(api, world):
    from tests import statement_files as files
    from tests.api.test_statements_api import upload

    agreement = await in_force(api, world)
    lines = [
        (date(2026, 4, 16), "GLENMORE COUNCIL DIRECT PAYMENT", 104_062),
        (date(2026, 5, 4), "GLENMORE COUNCIL DIRECT PAYMENT", 153_354),
        (date(2026, 5, 6), "REFUND FROM SHOP", 1_999),
        (date(2026, 6, 20), "GLENMORE COUNCIL DIRECT PAYMENT", 153_354),  # 19 days after 1 June: not that one
    ]
    assert (await upload(api, world, "ann", files.nationwide_csv(lines), "bank.csv")).status_code == 201
    schedule = (await api.get(f"{base(world)}/{agreement['id']}/schedule", headers=world.headers("ann"))).json()
    states = {p["due_on"]: (p["status"], p["received_on"]) for p in schedule}
    assert states["2026-04-15"] == ("received", "2026-04-16")
    assert states["2026-05-04"] == ("received", "2026-05-04")
    assert states["2026-06-01"] == ("missed", None)
    report = await api.get(
        f"/api/accounts/{world.accounts['a1']}/reconciliation",
        headers=world.headers("ann"),
        params={"occurred_from": "2026-04-01", "occurred_to": "2026-06-30"},
    )
    assert report.status_code == 200, report.text
    assert report.json()["matched"] == 2  # the import matched the payments it recorded as received
    waiting = [p["amount_pence"] for p in report.json()["problems"] if p["kind"] == "unmatched_line"]
    assert waiting == [1_999, 153_354]


async def test_a_variation_nobody_wants_is_withdrawn_and_a_new_one_can_follow(api, world):
    agreement = await in_force(api, world)
    url = f"{base(world)}/{agreement['id']}"
    first = await api.post(
        f"{url}/variations",
        headers=world.headers("worker_a"),
        json={"terms": {**MORAG, "notice_weeks": 2}, "reason": "a"},
    )
    assert first.status_code == 201
    blocked = await api.post(
        f"{url}/variations",
        headers=world.headers("worker_a"),
        json={"terms": {**MORAG, "notice_weeks": 3}, "reason": "b"},
    )
    assert blocked.status_code == 409 and "waiting to be signed or withdrawn" in blocked.json()["detail"]
    reason = {"reason": "Ann asked for 3 weeks' notice instead."}
    assert (await api.post(f"{url}/versions/2/withdraw", headers=world.headers("ann"), json=reason)).status_code == 403
    withdrawn = await api.post(f"{url}/versions/2/withdraw", headers=world.headers("worker_a"), json=reason)
    assert [v["status"] for v in withdrawn.json()["versions"]] == ["in_force", "withdrawn"]
    in_force_again = await api.post(f"{url}/versions/1/withdraw", headers=world.headers("worker_a"), json=reason)
    assert in_force_again.status_code == 409
    signing = await sign(api, world, withdrawn.json(), 2, "ann")
    assert signing.status_code == 409 and "has been withdrawn" in signing.json()["detail"]
    second = await api.post(
        f"{url}/variations",
        headers=world.headers("worker_a"),
        json={"terms": {**MORAG, "notice_weeks": 3}, "reason": "b"},
    )
    assert second.status_code == 201 and second.json()["versions"][2]["number"] == 3
    assert [t["path"] for t in second.json()["versions"][2]["terms_changed"]] == ["notice_weeks"]
