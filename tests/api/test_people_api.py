"""People see their own records (SDS Standard 9.10): the person and their representative each sign in and
see the same account; a PA signs in to their own payslips, holiday, rates, P45 and P60 and sees nothing
else of the account. A representative the council records as guardian or attorney cannot be paid as a PA
(2014 Regulations reg 9), whichever is recorded first."""

from __future__ import annotations

import pytest

from tests.api.test_payroll_api import PERIOD_1, add_ailsa, base

pytestmark = pytest.mark.api

PASSWORD = "heather on the hill"


async def _invite(api, world, body, user="ann"):
    invited = await api.post(f"{base(world)}/people", headers=world.headers(user), json=body)
    assert invited.status_code == 201, invited.text
    return invited.json()


async def _sign_in(api, email, token):
    chosen = await api.post(f"/api/invitations/{token}/password", json={"password": PASSWORD, "repeated": PASSWORD})
    assert chosen.status_code == 204, chosen.text
    logged = await api.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert logged.status_code == 200, logged.text
    return {"Authorization": f"Bearer {logged.json()['access_token']}"}


async def test_the_person_and_their_representative_each_sign_in_and_see_the_same_account(api, world):
    rhona = await _invite(
        api, world, {"kind": "representative", "display_name": "Rhona Grant", "email": "Rhona@Example.org"}
    )
    assert rhona["link_token"] and rhona["expires_at"]
    short = await api.post(
        f"/api/invitations/{rhona['link_token']}/password", json={"password": "short", "repeated": "short"}
    )
    assert short.status_code == 400 and short.json()["field"] == "password"
    rhona_signs_in = await _sign_in(api, "rhona@example.org", rhona["link_token"])
    again = await api.post(
        f"/api/invitations/{rhona['link_token']}/password", json={"password": PASSWORD, "repeated": PASSWORD}
    )
    assert again.status_code == 404  # the link works once
    mine = (await api.get("/api/me", headers=world.headers("ann"))).json()["account_ids"]
    theirs = (await api.get("/api/me", headers=rhona_signs_in)).json()["account_ids"]
    assert mine == theirs == [str(world.accounts["a1"])]
    assert (await api.get(base(world), headers=rhona_signs_in)).json() == (
        await api.get(base(world), headers=world.headers("ann"))
    ).json()
    people = (await api.get(f"{base(world)}/people", headers=world.headers("finance_a"))).json()
    assert [(m["display_name"], m["capacity"], m["signs_in"]) for m in people["members"]] == [
        ("ann", "holder", False),  # the test world's users hold no password: they use tokens
        ("Rhona Grant", "representative", True),
    ]
    taken = await api.post(
        f"{base(world, 'a2')}/people",
        headers=world.headers("bea"),
        json={"kind": "supported_person", "display_name": "Rhona", "email": "rhona@example.org"},
    )
    assert taken.status_code == 201 and taken.json()["link_token"] is None  # she already signs in: linked
    before = (await api.get(f"{base(world)}/people", headers=world.headers("ann"))).json()
    for body, field in (
        ({"kind": "representative", "display_name": "  ", "email": "someone@example.org"}, "display_name"),
        ({"kind": "representative", "display_name": "Someone", "email": "no at sign"}, "email"),
        ({"kind": "personal_assistant", "display_name": "Someone", "email": "pa@example.org"}, "pa_id"),
    ):
        refused = await api.post(f"{base(world)}/people", headers=world.headers("ann"), json=body)
        assert refused.status_code == 400 and refused.json()["field"] == field, refused.text
    assert (await api.get(f"{base(world)}/people", headers=world.headers("ann"))).json() == before  # nothing added
    for user, status in (("bureau_x", 403), ("finance_a", 403), ("finance_b", 404), ("bea", 404)):
        denied = await api.post(
            f"{base(world)}/people",
            headers=world.headers(user),
            json={"kind": "representative", "display_name": "Someone", "email": f"{user}@example.org"},
        )
        assert denied.status_code == status, user


async def test_a_pa_sees_their_own_pay_and_nothing_else_of_the_account(api, world):
    ann = world.headers("ann")
    ailsa = await add_ailsa(api, world)
    other = await api.post(
        f"{base(world)}/pas",
        headers=ann,
        json={"full_name": "Rory Hay", "started_on": "2024-04-08", "date_of_birth": "1985-02-01"},
    )
    await api.post(
        f"{base(world)}/pas/{other.json()['id']}/timesheet",
        headers=ann,
        json={"entries": [{"worked_on": "2026-04-07", "hours": "6", "hourly_rate_pence": 1400}]},
    )
    run = (await api.post(f"{base(world)}/pay-runs", headers=ann, json=PERIOD_1)).json()
    assert (await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=ann, json={})).status_code == 200
    invited = await _invite(
        api,
        world,
        {
            "kind": "personal_assistant",
            "display_name": "Ailsa Mackay",
            "email": "ailsa@example.org",
            "pa_id": ailsa["id"],
        },
    )
    pa = await _sign_in(api, "ailsa@example.org", invited["link_token"])

    [job] = (await api.get("/api/me/jobs", headers=pa)).json()
    assert job["pa_id"] == ailsa["id"] and job["employer"] == "Ann (Direct Payment A1)"
    [slip] = job["payslips"]
    assert slip["run_id"] == run["id"] and slip["net_pence"] > 0
    assert job["holiday"]["accrued_hours"] != "0" and job["contract_rates"] == []
    pdf = await api.get(f"/api/me/jobs/{ailsa['id']}/payslips/{run['id']}/pdf", headers=pa)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    p45 = await api.get(f"/api/me/jobs/{ailsa['id']}/p45", headers=pa)
    assert p45.status_code == 400 and p45.json()["field"] == "left_on"  # she has not left
    p60 = await api.get(f"/api/me/jobs/{ailsa['id']}/p60?tax_year=2026-04-06", headers=pa)
    assert p60.status_code == 400 and "has not ended" in p60.json()["detail"]

    # the access matrix: nothing of the account, nor another PA's pay, nor a draft
    rory = other.json()["id"]
    account = base(world)
    for path in (
        account,
        f"{account}/pas",
        f"{account}/pas/{ailsa['id']}",
        f"{account}/pas/{ailsa['id']}/timesheet",
        f"{account}/pay-runs",
        f"{account}/pay-runs/{run['id']}",
        f"{account}/pay-runs/{run['id']}/payslips/{ailsa['id']}/pdf",
        f"{account}/statements",
        f"{account}/people",
        f"{account}/spend-rules",
        f"/api/audit-events?account_id={world.accounts['a1']}",
        f"/api/me/jobs/{rory}/payslips/{run['id']}/pdf",
        f"/api/me/jobs/{rory}/p45",
    ):
        assert (await api.get(path, headers=pa)).status_code == 404, path
    assert (await api.get("/api/me", headers=pa)).json()["account_ids"] == []
    assert (await api.get("/api/accounts", headers=pa)).json() == []
    written = await api.post(f"{account}/pas/{ailsa['id']}/timesheet", headers=pa, json={"entries": [
        {"worked_on": "2026-05-05", "hours": "40", "hourly_rate_pence": 9999}]})  # fmt: skip
    assert written.status_code == 404
    await api.post(
        f"{account}/pas/{ailsa['id']}/timesheet",
        headers=ann,
        json={"entries": [{"worked_on": "2026-05-05", "hours": "7", "hourly_rate_pence": 1350}]},
    )
    second = {**PERIOD_1, "period_number": 2, "period_start": "2026-05-04", "period_end": "2026-05-31"}
    draft = (await api.post(f"{account}/pay-runs", headers=ann, json={**second, "paid_on": "2026-05-29"})).json()
    assert (await api.get(f"/api/me/jobs/{ailsa['id']}/payslips/{draft['id']}/pdf", headers=pa)).status_code == 404
    assert len((await api.get("/api/me/jobs", headers=pa)).json()[0]["payslips"]) == 1
    assert (await api.get("/api/me/jobs", headers=ann)).status_code == 403  # an employer has no PA pay here


@pytest.mark.parametrize("order", ["power_first", "link_first"])
async def test_a_representative_recorded_as_guardian_is_never_paid_as_their_pa(api, world, order):
    worker, ann = world.headers("worker_a"), world.headers("ann")
    rhona = await _invite(
        api, world, {"kind": "representative", "display_name": "Rhona Grant", "email": f"rhona-{order}@example.org"}
    )
    power = f"{base(world)}/people/{rhona['user_id']}/legal-power"
    assert (await api.put(power, headers=ann, json={"legal_power": "guardian"})).status_code == 403
    if order == "power_first":
        assert (await api.put(power, headers=worker, json={"legal_power": "welfare_attorney"})).status_code == 200
    pa = await add_ailsa(api, world, full_name="Rhona Grant", relationship="family_member")
    linked = await _invite(
        api,
        world,
        {
            "kind": "personal_assistant",
            "display_name": "Rhona",
            "email": f"rhona-{order}@example.org",
            "pa_id": pa["id"],
        },
    )
    assert linked["link_token"] is None and linked["user_id"] == rhona["user_id"]
    if order == "link_first":
        assert (await api.put(power, headers=worker, json={"legal_power": "welfare_attorney"})).status_code == 200
    record = (await api.get(f"{base(world)}/pas", headers=ann)).json()
    assert [p["relationship"] for p in record if p["id"] == pa["id"]] == ["welfare_attorney"]
    run = (await api.post(f"{base(world)}/pay-runs", headers=ann, json=PERIOD_1)).json()
    [finding] = [f for slip in run["payslips"] for f in slip["findings"]]
    assert finding["rule"] == "NAT-REG9-GUARDIAN" and finding["decision"] == "not_allowed"
    undone = await api.put(
        f"{base(world)}/pas/{pa['id']}/checks",
        headers=ann,
        json={"pvg_checked_on": "2024-03-20", "right_to_work_checked_on": "2024-03-20", "relationship": "none"},
    )
    assert undone.status_code == 400 and "reg 9" in undone.json()["detail"]
