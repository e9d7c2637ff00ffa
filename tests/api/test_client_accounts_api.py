"""A managed-account provider's pooled client account through the API: clients join under their
``manage_money`` mandate, a pooled statement is given out line by line, each person sees only their
own share, and the client-money check balances."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import text

from dp_platform.tenancy.policy import SCOTTISH_TIME
from tests import statement_files as files

pytestmark = pytest.mark.api

OPENED = date(2026, 10, 1)
MONTH = [
    (date(2026, 10, 1), "GLENMORE COUNCIL DP GLN-A1", 150_000),
    (date(2026, 10, 1), "GLENMORE COUNCIL DP GLN-A2", 90_000),
    (date(2026, 10, 3), "PA WAGES GLN A1 WEEK 1", -45_000),
    (date(2026, 10, 5), "MOBILITY SHOP ONLINE", -12_000),
    (date(2026, 10, 6), "FEES TO PROVIDER OFFICE", -4_500),
]


async def _provider(db, world) -> None:
    """Organisation Y becomes a managed-account provider (bureau_y is its staff)."""
    async with db.begin() as connection:
        await connection.execute(
            text("UPDATE platform_organisations SET kind = 'managed_account_provider' WHERE id = :id"),
            {"id": world.organisations["Y"]},
        )


async def _mandate(api, world, holder: str, account: str, scopes=("manage_money",)) -> dict:
    granted = await api.post(
        "/api/mandates",
        headers=world.headers(holder),
        json={
            "account_id": str(world.accounts[account]),
            "organisation_id": str(world.organisations["Y"]),
            "scopes": list(scopes),
            "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
        },
    )
    assert granted.status_code == 201, granted.text
    return granted.json()


async def _pool(api, world, opened_on: date = OPENED) -> str:
    opened = await api.post(
        f"/api/organisations/{world.organisations['Y']}/client-accounts",
        headers=world.headers("bureau_y"),
        json={"name": "Thistle Support client account", "opened_on": opened_on.isoformat()},
    )
    assert opened.status_code == 201, opened.text
    return f"/api/client-accounts/{opened.json()['id']}"


async def _join(api, world, pool: str, account: str, reference: str):
    return await api.post(
        f"{pool}/clients",
        headers=world.headers("bureau_y"),
        json={"account_id": str(world.accounts[account]), "reference": reference, "joined_on": OPENED.isoformat()},
    )


async def test_a_pooled_statement_is_given_out_and_the_client_money_check_balances(api, world, db):
    await _provider(db, world)
    await _mandate(api, world, "ann", "a1")
    await _mandate(api, world, "bea", "a2")
    pool = await _pool(api, world)
    assert (await _join(api, world, pool, "a1", "GLN-A1")).status_code == 201
    assert (await _join(api, world, pool, "a2", "GLN-A2")).status_code == 201
    imported = await api.post(
        f"{pool}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("client-october.csv", files.lloyds_csv(MONTH, opening=0))},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["assigned"] == {"by_reference": 3, "by_memory": 0, "by_hand": 0, "waiting": 2}
    waiting = (await api.get(f"{pool}/waiting", headers=world.headers("bureau_y"))).json()
    assert [line["description"] for line in waiting] == ["MOBILITY SHOP ONLINE", "FEES TO PROVIDER OFFICE"]
    before = (await api.get(f"{pool}/check", headers=world.headers("bureau_y"))).json()
    assert before["balanced"] is False and before["unassigned_lines"] == 2 and before["difference_pence"] == 0
    for line, account in zip(waiting, (str(world.accounts["a2"]), None), strict=True):
        given = await api.post(
            f"{pool}/lines/{line['id']}/assign", headers=world.headers("bureau_y"), json={"account_id": account}
        )
        assert given.status_code == 200, given.text
    again = await api.post(
        f"{pool}/lines/{waiting[0]['id']}/assign", headers=world.headers("bureau_y"), json={"account_id": None}
    )
    assert again.status_code == 422 or again.status_code == 400, again.text
    check = (await api.get(f"{pool}/check", headers=world.headers("bureau_y"))).json()
    assert check["bank_pence"] == 150_000 + 90_000 - 45_000 - 12_000 - 4_500
    assert check["clients_pence"] == (150_000 - 45_000) + (90_000 - 12_000)
    assert check["own_money_pence"] == -4_500 and check["difference_pence"] == 0
    assert check["balanced"] is False, "the provider took out fees it has not charged anyone: clients' money"
    assert check["problems"] == [
        "The provider has taken out £45.00 more than its own money in the account: that is clients' money, "
        "to be paid back (or the fees it covers charged to the clients first)."
    ]
    by_name = {client["name"]: client for client in check["clients"]}
    assert by_name["Ann"]["sub_ledger_pence"] == by_name["Ann"]["own_records_pence"] == 105_000
    assert by_name["Bea"]["sub_ledger_pence"] == by_name["Bea"]["own_records_pence"] == 78_000
    # Ann sees her share as a statement of her own, and none of Bea's lines.
    mine = f"/api/accounts/{world.accounts['a1']}/statements"
    statements = (await api.get(mine, headers=world.headers("ann"))).json()
    assert [(s["filename"], s["line_count"]) for s in statements] == [("Client account: client-october.csv", 2)]
    lines = (await api.get(f"{mine}/lines", headers=world.headers("ann"))).json()
    assert sorted(line["amount_pence"] for line in lines) == [-45_000, 150_000]
    trail = (await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("ann"))).json()
    actions = [event["action"] for event in trail["items"]]
    assert "client_money.client_joined" in actions and "client_money.lines_assigned" in actions


async def test_only_the_providers_staff_work_the_client_account(api, world, db):
    await _provider(db, world)
    await _mandate(api, world, "ann", "a1")
    pool = await _pool(api, world)
    assert (await _join(api, world, pool, "a1", "GLN-A1")).status_code == 201
    for outsider in ("ann", "bea", "bureau_x", "finance_a", "worker_a", "finance_b", "admin"):
        for path in ("", "/clients", "/waiting", "/check"):
            response = await api.get(pool + path, headers=world.headers(outsider))
            if path == "/check" and outsider in ("finance_a", "worker_a"):  # Ann's council reads the check
                assert response.status_code == 200, (outsider, response.text)
                continue
            assert response.status_code == 404, (outsider, path, response.text)
        refused = await api.post(
            f"{pool}/statements", headers=world.headers(outsider), files={"file": ("x.csv", files.lloyds_csv())}
        )
        assert refused.status_code == 404, (outsider, refused.text)
    listed = await api.get(
        f"/api/organisations/{world.organisations['Y']}/client-accounts", headers=world.headers("bureau_x")
    )
    assert listed.status_code == 404
    # A bureau (not a managed-account provider) cannot open one.
    refused = await api.post(
        f"/api/organisations/{world.organisations['X']}/client-accounts",
        headers=world.headers("bureau_x"),
        json={"name": "Ours", "opened_on": OPENED.isoformat()},
    )
    assert refused.status_code == 403, refused.text


async def test_a_client_joins_only_under_a_manage_money_mandate_in_force(api, world, db):
    await _provider(db, world)
    await _mandate(api, world, "bea", "a2", scopes=("view", "run_payroll"))
    pool = await _pool(api, world)
    without = await _join(api, world, pool, "a2", "GLN-A2")
    assert without.status_code == 403, without.text
    nobody = await _join(api, world, pool, "b1", "GLN-B1")
    assert nobody.status_code == 404, nobody.text
    mandate = await _mandate(api, world, "ann", "a1")
    assert (await _join(api, world, pool, "a1", "GLN-A1")).status_code == 201
    twin = await _join(api, world, pool, "a1", "GLN A1")
    assert twin.status_code == 400 and twin.json()["field"] == "reference"
    revoked = await api.post(
        f"/api/mandates/{mandate['id']}/revoke", headers=world.headers("ann"), json={"reason": "Managing it myself"}
    )
    assert revoked.status_code == 200, revoked.text
    imported = await api.post(
        f"{pool}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("client-october.csv", files.lloyds_csv(MONTH[:1], opening=0))},
    )
    assert imported.json()["assigned"]["waiting"] == 1, "nothing is given to a person whose mandate ended"


async def test_money_in_for_a_client_not_yet_joined_waits_for_them(api, world, db):
    """The council pays every client: its name alone never places a payment in, however often seen."""
    await _provider(db, world)
    await _mandate(api, world, "ann", "a1")
    pool = await _pool(api, world)
    assert (await _join(api, world, pool, "a1", "GLN-A1")).status_code == 201
    imported = await api.post(
        f"{pool}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("october.csv", files.lloyds_csv([MONTH[0], (date(2026, 10, 2), *MONTH[1][1:])], opening=0))},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["assigned"] == {"by_reference": 1, "by_memory": 0, "by_hand": 0, "waiting": 1}
    await _mandate(api, world, "bea", "a2")
    assert (await _join(api, world, pool, "a2", "GLN-A2")).status_code == 201
    again = await api.post(f"{pool}/assign-waiting", headers=world.headers("bureau_y"))
    assert again.json() == {"by_reference": 1, "by_memory": 0, "by_hand": 0, "waiting": 0}
    check = (await api.get(f"{pool}/check", headers=world.headers("bureau_y"))).json()
    assert check["balanced"] and {c["name"]: c["sub_ledger_pence"] for c in check["clients"]} == {
        "Ann": 150_000,
        "Bea": 90_000,
    }


async def test_the_person_and_their_council_see_who_holds_the_money_and_how_the_check_stands(api, world, db):
    await _provider(db, world)
    await _mandate(api, world, "ann", "a1")
    await _mandate(api, world, "bea", "a2")
    await _mandate(api, world, "cal", "b1")
    pool = await _pool(api, world)
    for account, reference in (("a1", "GLN-A1"), ("a2", "GLN-A2"), ("b1", "STR-B1")):
        assert (await _join(api, world, pool, account, reference)).status_code == 201
    imported = await api.post(
        f"{pool}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("client-october.csv", files.lloyds_csv(MONTH, opening=0))},
    )
    assert imported.status_code == 201, imported.text
    held = await api.get(f"/api/accounts/{world.accounts['a1']}/client-account", headers=world.headers("ann"))
    assert held.status_code == 200, held.text
    body = held.json()
    assert body["reference"] == "GLN-A1" and body["held_pence"] == 150_000 - 45_000
    assert body["balanced"] is False and body["problems"] == ["2 bank lines (-£165.00) not yet given to a client."]
    for user in ("finance_a", "worker_a", "bureau_y"):
        assert (
            await api.get(f"/api/accounts/{world.accounts['a1']}/client-account", headers=world.headers(user))
        ).status_code == 200, user
    assert (
        await api.get(f"/api/accounts/{world.accounts['a1']}/client-account", headers=world.headers("bea"))
    ).status_code == 404
    # Council A reads the check for the account holding its residents, naming only them; council B
    # sees its own resident; Ann (a client, not the provider) does not read the pool's check at all.
    council_a = (await api.get(f"{pool}/check", headers=world.headers("finance_a"))).json()
    assert sorted(client["name"] for client in council_a["clients"]) == ["Ann", "Bea"]
    council_b = (await api.get(f"{pool}/check", headers=world.headers("finance_b"))).json()
    assert [client["name"] for client in council_b["clients"]] == ["Cal"]
    assert council_b["bank_pence"] == council_a["bank_pence"]
    assert (await api.get(f"{pool}/check", headers=world.headers("ann"))).status_code == 404
    assert (await api.get(f"{pool}/clients", headers=world.headers("finance_a"))).status_code == 404


async def test_money_in_its_own_bank_account_is_not_held_by_a_provider(api, world):
    answer = await api.get(f"/api/accounts/{world.accounts['a1']}/client-account", headers=world.headers("ann"))
    assert answer.status_code == 404 and answer.json()["title"] == "Not held by a provider"


async def test_moving_to_another_provider_loses_no_money_and_leaves_both_checks_balanced(api, world, db):
    """Ann moves from Y's client account to Z's: Y pays her money across, each side gives the line to
    her, Y ends the arrangement settled; her money is the same, and both client-money checks balance."""
    await _provider(db, world)
    async with db.begin() as connection:
        await connection.execute(
            text("UPDATE platform_organisations SET kind = 'managed_account_provider' WHERE id = :id"),
            {"id": world.organisations["X"]},
        )
    await _mandate(api, world, "ann", "a1")
    first = await _pool(api, world)
    assert (await _join(api, world, first, "a1", "GLN-A1")).status_code == 201
    october = [MONTH[0], MONTH[2]]
    assert (
        await api.post(
            f"{first}/statements",
            headers=world.headers("bureau_y"),
            files={"file": ("y-october.csv", files.lloyds_csv(october, opening=0))},
        )
    ).status_code == 201
    held_before = 150_000 - 45_000
    # Ann asks X to hold her money instead; X opens its account and takes her in.
    granted = await api.post(
        "/api/mandates",
        headers=world.headers("ann"),
        json={
            "account_id": str(world.accounts["a1"]),
            "organisation_id": str(world.organisations["X"]),
            "scopes": ["manage_money"],
            "valid_from": datetime.now(SCOTTISH_TIME).date().isoformat(),
        },
    )
    assert granted.status_code == 201, granted.text
    opened = await api.post(
        f"/api/organisations/{world.organisations['X']}/client-accounts",
        headers=world.headers("bureau_x"),
        json={"name": "X client account", "opened_on": OPENED.isoformat()},
    )
    second = f"/api/client-accounts/{opened.json()['id']}"
    joined = await api.post(
        f"{second}/clients",
        headers=world.headers("bureau_x"),
        json={"account_id": str(world.accounts["a1"]), "reference": "GLN-A1", "joined_on": "2026-11-01"},
    )
    assert joined.status_code == 201, joined.text
    # Ending with money still held is refused, naming it.
    early = await api.post(
        f"{first}/clients/{world.accounts['a1']}/leave",
        headers=world.headers("bureau_y"),
        json={"left_on": "2026-11-02"},
    )
    assert early.status_code == 400 and "£1,050.00 is still held for Ann" in early.json()["detail"]
    out = [*october, (date(2026, 11, 2), "TRANSFER TO X CLIENT ACCOUNT GLN-A1", -held_before)]
    into = [(date(2026, 11, 2), "TRANSFER FROM Y CLIENT ACCOUNT GLN-A1", held_before)]
    for pool, staff, lines, name in ((first, "bureau_y", out, "y-november.csv"), (second, "bureau_x", into, "x.csv")):
        sent = await api.post(
            f"{pool}/statements",
            headers=world.headers(staff),
            files={"file": (name, files.lloyds_csv(lines, opening=0))},
        )
        assert sent.status_code == 201 and sent.json()["assigned"]["waiting"] == 0, sent.text
    ended = await api.post(
        f"{first}/clients/{world.accounts['a1']}/leave",
        headers=world.headers("bureau_y"),
        json={"left_on": "2026-11-02"},
    )
    assert ended.status_code == 200 and ended.json()["left_on"] == "2026-11-02", ended.text
    for pool, staff, held in ((first, "bureau_y", 0), (second, "bureau_x", held_before)):
        check = (await api.get(f"{pool}/check", headers=world.headers(staff))).json()
        assert check["balanced"] is True and check["problems"] == [], check
        assert [(c["name"], c["sub_ledger_pence"], c["own_records_pence"]) for c in check["clients"]] == [
            ("Ann", held, held)
        ]
    lines = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/statements/lines", headers=world.headers("ann"))
    ).json()
    assert sum(line["amount_pence"] for line in lines) == held_before, "her money is the same, now held by X"
    # In her records each side is money moving between her accounts, neither spending nor income.
    ledger = {
        row["code"]: row["balance_pence"]
        for row in (await api.get(f"/api/accounts/{world.accounts['a1']}/ledger", headers=world.headers("ann"))).json()[
            "accounts"
        ]
    }
    assert ledger["assets:transfers:in_transit"] == 0
    moved = [line for line in lines if "TRANSFER" in line["description"]]
    assert sorted(line["amount_pence"] for line in moved) == [-held_before, held_before]
    entries = await api.get(f"/api/accounts/{world.accounts['a1']}/ledger/entries", headers=world.headers("ann"))
    in_transit = [
        posting["amount_pence"]
        for entry in entries.json()
        for posting in entry["postings"]
        if posting["account"] == "assets:transfers:in_transit"
    ]
    assert sorted(in_transit) == [-held_before, held_before], "each side recorded, leaving nothing in transit"
    now_held = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/client-account", headers=world.headers("ann"))
    ).json()
    assert now_held["client_account"] == "X client account" and now_held["held_pence"] == held_before


async def test_fees_follow_the_agreement_to_the_penny_into_the_statement_and_the_councils_report(api, world, db):
    from agreements.schedule import payment_schedule
    from agreements.terms import parse_terms
    from tests.api.test_agreements_api import in_force
    from tests.unit.agreements.terms_example import MORAG

    terms = {
        **MORAG,
        "managed_by": "third_party",
        "third_party_name": "Thistle Support",
        "third_party_requested_on": "2026-04-01",
        "third_party_setup_fee_pence": 18_900,
        "third_party_fee_per_payment_pence": 4_500,
    }
    await in_force(api, world, terms)
    await _provider(db, world)
    await _mandate(api, world, "ann", "a1")
    too_late = await _pool(api, world)  # recorded as opened in October: an April statement is refused
    early = await api.post(
        f"{too_late}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("april.csv", files.lloyds_csv([(date(2026, 4, 20), "X", 100)], opening=0))},
    )
    assert early.status_code == 400 and "before the client account was recorded as opened" in early.json()["detail"]
    pool = await _pool(api, world, date(2026, 4, 1))
    joined = await api.post(
        f"{pool}/clients",
        headers=world.headers("bureau_y"),
        json={"account_id": str(world.accounts["a1"]), "reference": "GLN-A1", "joined_on": "2026-04-15"},
    )
    assert joined.status_code == 201, joined.text
    money_in = [(date(2026, 4, 20), "GLENMORE COUNCIL DP GLN-A1", 150_000)]
    sent = await api.post(
        f"{pool}/statements",
        headers=world.headers("bureau_y"),
        files={"file": ("april.csv", files.lloyds_csv(money_in, opening=0))},
    )
    assert sent.status_code == 201, sent.text
    until = date(2026, 6, 30)
    payments = [p.due_on for p in payment_schedule(parse_terms(terms)) if date(2026, 4, 15) <= p.due_on <= until]
    expected = 18_900 + 4_500 * len(payments)
    assert payments, "the schedule has payments in the period"
    charged = await api.post(f"{pool}/fees", headers=world.headers("bureau_y"), json={"on": until.isoformat()})
    assert charged.status_code == 200, charged.text
    assert charged.json() == {"charged": 1 + len(payments), "total_pence": expected}
    again = await api.post(f"{pool}/fees", headers=world.headers("bureau_y"), json={"on": until.isoformat()})
    assert again.json() == {"charged": 0, "total_pence": 0}, "each fee is charged once"
    check = (await api.get(f"{pool}/check?on={until.isoformat()}", headers=world.headers("bureau_y"))).json()
    assert check["balanced"] is True, check["problems"]
    assert check["own_money_pence"] == expected
    assert check["clients"][0]["sub_ledger_pence"] == check["clients"][0]["own_records_pence"] == 150_000 - expected
    # Ann's statements show each fee as a line; her records post them as payroll and account services.
    lines = (
        await api.get(f"/api/accounts/{world.accounts['a1']}/statements/lines", headers=world.headers("ann"))
    ).json()
    assert sum(line["amount_pence"] for line in lines if line["amount_pence"] < 0) == -expected
    report = await api.get(
        f"/api/accounts/{world.accounts['a1']}/report/accounts.csv",
        params={"period_from": "2026-04-01", "period_to": until.isoformat()},
        headers=world.headers("finance_a"),
    )
    assert report.status_code == 200, report.text
    header, row = report.text.splitlines()[:2]
    spent = dict(zip(header.split(","), row.split(","), strict=False))
    assert any(value == f"{expected // 100}.{expected % 100:02d}" for key, value in spent.items() if "Spent" in key), (
        spent
    )


async def test_the_provider_sends_a_persons_monitoring_return_under_submit_returns(api, world, db):
    """A provider holding the money sends the council the person's return; the council's list of what
    is due no longer shows it. Without the scope it is refused."""
    from tests.api.test_reviews_api import STARTS, _quarterly

    agreement = await _quarterly(api, world)
    await _provider(db, world)
    sent = {
        "period_from": STARTS.isoformat(),
        "closing_bank_pence": 120_000,
        "spent_pence": 400_000,
        "evidence": "Client account statements for the quarter; timesheets",
    }
    returns = f"/api/accounts/{world.accounts['a1']}/agreements/{agreement}/returns"
    await _mandate(api, world, "ann", "a1", scopes=("manage_money",))
    refused = await api.post(returns, headers=world.headers("bureau_y"), json=sent)
    assert refused.status_code == 403, refused.text
    await _mandate(api, world, "ann", "a1", scopes=("manage_money", "submit_returns"))
    done = await api.post(returns, headers=world.headers("bureau_y"), json=sent)
    assert done.status_code == 201, done.text
    assert done.json()["returns"][0]["status"] == "sent"
    trail = (await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("ann"))).json()
    sent_by = [event for event in trail["items"] if event["action"] == "return.submitted"]
    assert sent_by and sent_by[0]["mandate_id"] is not None, "sent under the provider's mandate, in Ann's trail"
