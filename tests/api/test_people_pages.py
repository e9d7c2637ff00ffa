"""The people of an account on pages: the holder gives a PA a sign-in and hands over the link once; the
PA chooses a password on the welcome page, signs in, lands on their own pay and opens their payslip;
every page of the account is "not found" to them. The council records a representative's powers."""

from __future__ import annotations

import re

import pytest

from tests.api.test_payroll_api import PERIOD_1, add_ailsa, base

pytestmark = pytest.mark.api


async def test_a_pa_is_given_a_sign_in_and_reads_only_their_own_pay(api, pages, world):
    ailsa = await add_ailsa(api, world)
    ann = world.headers("ann")
    run = (await api.post(f"{base(world)}/pay-runs", headers=ann, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=ann, json={})
    await pages.sign_in("ann")
    people = f"{pages.account()}/people"
    page = await pages.get(people)
    assert page.status_code == 200 and "Ailsa Mackay: no sign-in" in page.text
    refused = await pages.post(people, {"kind": "personal_assistant", "display_name": "Ailsa", "email": "nope"})
    assert refused.status_code == 400 and 'href="#email"' in refused.text
    made = await pages.post(
        people,
        {
            "kind": "personal_assistant",
            "display_name": "Ailsa Mackay",
            "email": "ailsa@example.org",
            "pa_id": ailsa["id"],
        },
    )
    assert made.status_code == 200 and "Give Ailsa Mackay this link" in made.text
    assert made.headers["cache-control"] == "no-store"  # the link is on this page only
    [link] = re.findall(r"http://[^<\s]+/welcome/([\w-]+)", made.text)

    pages.client.cookies.clear()
    welcome = await pages.get(f"/welcome/{link}")
    assert welcome.status_code == 200 and "ailsa@example.org" in welcome.text
    assert welcome.headers["referrer-policy"] == "no-referrer"  # no other site is told the link
    csrf = pages.csrf
    mismatch = await pages.post(
        f"/welcome/{link}", {"password": "a long enough password", "repeated": "another one", "_csrf_token": csrf}
    )
    assert mismatch.status_code == 400 and 'href="#repeated"' in mismatch.text
    chosen = await pages.post(
        f"/welcome/{link}", {"password": "a long enough password", "repeated": "a long enough password"}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/login"
    assert (await pages.get(f"/welcome/{link}")).status_code == 404

    await pages.get("/login")
    signed = await pages.post(
        "/login", {"email": "ailsa@example.org", "password": "a long enough password", "next": "/home"}
    )
    assert signed.status_code == 303
    home = await pages.get("/home")
    assert home.headers["location"] == "/my-pay"
    mine = await pages.get("/my-pay")
    assert mine.status_code == 200 and "Working for Ann" in mine.text and "£" in mine.text
    pdf = await pages.get(f"/my-pay/{ailsa['id']}/payslips/{run['id']}/payslip.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for path in ("", "/pas", f"/pas/{ailsa['id']}", "/pay-runs", "/statements", "/people", "/audit", "/spend-rules"):
        assert (await pages.get(f"{pages.account()}{path}")).status_code == 404, path
    assert "Ann" not in (await pages.get("/accounts")).text


async def test_the_council_records_a_representatives_powers_on_the_page(api, pages, world):
    invited = await api.post(
        f"{base(world)}/people",
        headers=world.headers("ann"),
        json={"kind": "representative", "display_name": "Rhona Grant", "email": "rhona@example.org"},
    )
    rhona = invited.json()["user_id"]
    await pages.sign_in("ann")
    assert "legal_power-" not in (await pages.get(f"{pages.account()}/people")).text  # the council records them
    await pages.sign_in("worker_a")
    page = await pages.get(f"{pages.account()}/people")
    assert f"legal_power-{rhona}" in page.text and "Link given, not used yet" in page.text
    field = f"legal_power-{rhona}"  # one select a representative, each named for them
    wrong = await pages.post(f"{pages.account()}/people/{rhona}/legal-power", {field: "godparent"})
    assert wrong.status_code == 400 and f'href="#{field}"' in wrong.text
    done = await pages.post(f"{pages.account()}/people/{rhona}/legal-power", {field: "guardian"})
    assert done.status_code == 303
    assert "Guardian" in (await pages.get(f"{pages.account()}/people")).text
