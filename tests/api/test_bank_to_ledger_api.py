"""The ledger follows the bank: four months of an employer's statements replayed through the API.

Ann employs Ailsa through four four-weekly pay runs; her bank shows the council's payments, the
wages, HMRC and the pension, taxis, shopping, a refund and one payment nobody can guess. With the
suggestions accepted, every line is in the ledger, the ledger's bank balance is the bank's, the
wages are counted once and what payroll owed is paid off.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests import statement_files as files
from tests.api.test_payroll_api import PERIOD_1, add_ailsa, base

pytestmark = pytest.mark.api

OPENING = 300_000
RUNS = [  # (period number, start, end, paid on, the days Ailsa worked 7.5 hours)
    (2, date(2026, 5, 4), date(2026, 5, 31), date(2026, 5, 29), [date(2026, 5, d) for d in range(4, 24)]),
    (3, date(2026, 6, 1), date(2026, 6, 28), date(2026, 6, 26), [date(2026, 6, d) for d in range(1, 21)]),
    (4, date(2026, 6, 29), date(2026, 7, 26), date(2026, 7, 24), [date(2026, 7, d) for d in range(1, 21)]),
]


async def _draft(api, world, pa, number, start, end, paid_on, days) -> dict:
    headers = world.headers("ann")
    if days:
        entries = [{"worked_on": day.isoformat(), "hours": "7.5", "hourly_rate_pence": 1350} for day in days]
        sheet = await api.post(f"{base(world)}/pas/{pa['id']}/timesheet", headers=headers, json={"entries": entries})
        assert sheet.status_code == 201, sheet.text
    body = {
        **PERIOD_1,
        "period_number": number,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "paid_on": paid_on.isoformat(),
    }
    drafted = await api.post(f"{base(world)}/pay-runs", headers=headers, json=body)
    assert drafted.status_code == 201, drafted.text
    return drafted.json()


async def _finalise(api, world, run) -> dict:
    done = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=world.headers("ann"), json={})
    assert done.status_code == 200, done.text
    return done.json()


async def _run(api, world, pa, *period) -> dict:
    return await _finalise(api, world, await _draft(api, world, pa, *period))


async def _hmrc(api, world, on: date) -> int:
    month = (await api.get(f"{base(world)}/hmrc-summary", headers=world.headers("ann"), params={"on": on})).json()
    return month["due_pence"]


async def _import(api, world, name, lines, opening) -> dict:
    upload = await api.post(
        f"{base(world)}/statements",
        headers=world.headers("ann"),
        files={"file": (name, files.lloyds_csv(lines, opening=opening))},
    )
    assert upload.status_code == 201, upload.text
    return upload.json()


async def _problems(api, world) -> list[dict]:
    report = (
        await api.get(
            f"{base(world)}/reconciliation",
            headers=world.headers("ann"),
            params={"occurred_from": "2026-05-01", "occurred_to": "2026-08-31"},
        )
    ).json()
    return report["problems"]


async def _waiting(api, world) -> list[str]:
    """The bank lines no ledger entry explains: what the person still has to do."""
    return sorted(p["detail"] for p in await _problems(api, world) if p["kind"] == "unmatched_line")


def _net(run: dict) -> int:
    return sum(slip["net_pence"] for slip in run["payslips"])


def _pension(run: dict) -> int:
    return sum(slip["employee_pension_pence"] + slip["employer_pension_pence"] for slip in run["payslips"])


async def _accept(api, world, statement: dict) -> dict:
    url = f"{base(world)}/statements/{statement['statement_id']}/accept-suggestions"
    accepted = await api.post(url, headers=world.headers("ann"))
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


async def test_four_months_of_statements_with_suggestions_accepted_leave_nothing_to_reconcile(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    opening = {
        "occurred_on": "2026-04-30",
        "narration": "Opening balance",
        "idempotency_key": "open",
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": OPENING},
            {"account": "equity:opening_balance", "amount_pence": -OPENING},
        ],
    }
    assert (await api.post(f"{base(world)}/ledger/entries", headers=headers, json=opening)).status_code == 201
    first = await _run(api, world, pa, 1, date(2026, 4, 6), date(2026, 5, 3), date(2026, 5, 1), [])  # add_ailsa's hours
    second = await _run(api, world, pa, *RUNS[0])

    may = [
        (date(2026, 5, 1), "A MACKAY WAGES", -_net(first)),
        (date(2026, 5, 4), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
        (date(2026, 5, 8), "CITY CABS GLASGOW", -1_480),
        (date(2026, 5, 15), "CITY CABS GLASGOW", -1_480),
        (date(2026, 5, 19), "HMRC CUMBERNAULD", -await _hmrc(api, world, date(2026, 5, 1))),
        (date(2026, 5, 20), "NEST PENSIONS", -_pension(first)),
        (date(2026, 5, 29), "A MACKAY WAGES", -_net(second)),
    ]
    statement = await _import(api, world, "may.csv", may, OPENING)
    # payroll is paid by the import itself; the council's payment and the taxis wait with suggestions
    assert await _waiting(api, world) == [
        "bank line 'CITY CABS GLASGOW' has no ledger entry",
        "bank line 'CITY CABS GLASGOW' has no ledger entry",
        "bank line 'GLENMORE COUNCIL DIRECT PAYMENT' has no ledger entry",
    ]
    # the taxis are not linked to an outcome yet: each asks the council, and the answer will stand
    assert await _accept(api, world, statement) == {"matched": 0, "posted": 3, "waiting": 0, "needs_council": 2}
    assert await _problems(api, world) == []
    balance = OPENING + sum(pence for _, _, pence in may)

    third = await _run(api, world, pa, *RUNS[1])
    june = [
        (date(2026, 6, 1), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
        (date(2026, 6, 5), "CITY CABS GLASGOW", -1_480),
        (date(2026, 6, 12), "TESCO STORES 2231", -4_312),
        (date(2026, 6, 16), "J SMITH 0042", -2_500),
        (date(2026, 6, 19), "HMRC CUMBERNAULD", -await _hmrc(api, world, date(2026, 5, 29))),
        (date(2026, 6, 19), "NEST PENSIONS", -_pension(second)),
        (date(2026, 6, 26), "A MACKAY WAGES", -_net(third)),
    ]
    statement = await _import(api, world, "june.csv", june, balance)
    balance += sum(pence for _, _, pence in june)
    # the payees seen before are posted as last time: the taxi, and the council's payment
    assert await _waiting(api, world) == [
        "bank line 'J SMITH 0042' has no ledger entry",
        "bank line 'TESCO STORES 2231' has no ledger entry",
    ]
    accepted = await _accept(api, world, statement)
    assert (accepted["posted"], accepted["waiting"]) == (1, 1)
    assert accepted["needs_council"] == 1  # food shopping is not what a Direct Payment is for
    [smith] = [
        line
        for line in (await api.get(f"{base(world)}/statements/lines", headers=headers)).json()
        if line["description"] == "J SMITH 0042"
    ]
    said = await api.post(
        f"{base(world)}/statements/lines/{smith['id']}/category", headers=headers, json={"category": "activities"}
    )
    assert said.status_code == 200, said.text
    assert await _waiting(api, world) == []

    fourth = await _draft(api, world, pa, *RUNS[2])
    july = [
        (date(2026, 6, 29), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
        (date(2026, 7, 3), "CITY CABS GLASGOW", -1_480),
        (date(2026, 7, 6), "TESCO STORES REFUND", 1_250),
        (date(2026, 7, 20), "HMRC CUMBERNAULD", -await _hmrc(api, world, date(2026, 6, 26))),
        (date(2026, 7, 20), "NEST PENSIONS", -_pension(third)),
        (date(2026, 7, 24), "A MACKAY WAGES", -_net(fourth)),  # paid before the run was finalised
        (date(2026, 7, 27), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
    ]
    statement = await _import(api, world, "july.csv", july, balance)
    balance += sum(pence for _, _, pence in july)
    assert await _waiting(api, world) == [
        "bank line 'A MACKAY WAGES' has no ledger entry",
        "bank line 'TESCO STORES REFUND' has no ledger entry",
    ]
    # the refund is accepted; the wages are not guessed at as spending while their run is a draft
    assert (await _accept(api, world, statement))["waiting"] == 1
    assert await _waiting(api, world) == ["bank line 'A MACKAY WAGES' has no ledger entry"]
    fourth = await _finalise(api, world, fourth)
    assert (await _accept(api, world, statement))["waiting"] == 0  # now they clear what the run owes
    assert await _waiting(api, world) == []

    august = [
        (date(2026, 8, 7), "CITY CABS GLASGOW", -1_480),
        (date(2026, 8, 19), "HMRC CUMBERNAULD", -await _hmrc(api, world, date(2026, 7, 24))),
        (date(2026, 8, 19), "NEST PENSIONS", -_pension(fourth)),
    ]
    await _import(api, world, "august.csv", august, balance)
    balance += sum(pence for _, _, pence in august)
    assert await _problems(api, world) == []  # nothing new to say: every payee was known

    ledger = {
        account["code"]: account["natural_balance_pence"]
        for account in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert ledger["assets:bank:dp_account"] == balance  # the bank's closing balance, to the penny
    runs = [first, second, third, fourth]
    gross = sum(slip["gross_pence"] for run in runs for slip in run["payslips"])
    assert ledger["expenses:pa_wages:gross"] == gross  # wages counted once
    assert {code: pence for code, pence in ledger.items() if code.startswith("liabilities:")} == {
        "liabilities:wages:net_due": 0,
        "liabilities:hmrc:paye_ni": 0,
        "liabilities:pension:due": 0,
        "liabilities:authority:surplus_repayable": 0,
    }
    assert ledger["expenses:transport"] == 5 * 1_480
    assert ledger["expenses:household_bills"] == 4_312
    assert ledger["expenses:activities"] == 2_500
    assert ledger["income:other:refunds"] == 1_250
    assert ledger["income:authority:dp_payment"] == 4 * 184_000

    # the free balance: the bank's, less the holiday Ailsa has earned and not taken (nothing else is owed)
    money = (await api.get(f"{base(world)}/money", headers=world.headers("finance_a"))).json()
    earned = sum(Decimal(slip["holiday_hours_accrued"]) for run in runs for slip in run["payslips"])
    holiday = int((earned * 1350).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # at her standard rate
    assert (money["bank_pence"], money["statement_pence"], money["agrees_with_bank"]) == (balance, balance, True)
    assert (money["wages_owed_pence"], money["hmrc_owed_pence"], money["pension_owed_pence"]) == (0, 0, 0)
    assert money["holiday_owed_pence"] == holiday > 0
    assert money["free_pence"] == balance - holiday
    assert (await api.get(f"{base(world)}/money", headers=world.headers("cal"))).status_code == 404


async def test_accepting_suggestions_is_for_those_who_keep_the_books(api, world):
    statement = await _import(api, world, "apr.csv", files.TRANSACTIONS, files.OPENING_PENCE)
    url = f"{base(world)}/statements/{statement['statement_id']}/accept-suggestions"
    assert (await api.post(url, headers=world.headers("finance_a"))).status_code == 403
    assert (await api.post(url, headers=world.headers("cal"))).status_code == 404


async def test_saying_a_line_was_for_something_else_reverses_its_entry_and_posts_it_again(api, world):
    headers = world.headers("ann")
    opening = {
        "occurred_on": "2026-04-01",
        "narration": "Opening balance",
        "idempotency_key": "open",
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": files.OPENING_PENCE},
            {"account": "equity:opening_balance", "amount_pence": -files.OPENING_PENCE},
        ],
    }
    assert (await api.post(f"{base(world)}/ledger/entries", headers=headers, json=opening)).status_code == 201
    acme = [(date(2026, 4, 10), "ACME CARE LTD INV 2291", -45_000)]
    statement = await _import(api, world, "apr.csv", acme, files.OPENING_PENCE)
    assert (await _accept(api, world, statement))["posted"] == 1
    [line] = (await api.get(f"{base(world)}/statements/lines", headers=headers)).json()
    url = f"{base(world)}/statements/lines/{line['id']}/category"
    assert (await api.post(url, headers=headers, json={"category": "equipment"})).status_code == 200
    assert (await api.post(url, headers=headers, json={"category": "equipment"})).status_code == 200  # no change
    ledger = {
        account["code"]: account["natural_balance_pence"]
        for account in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert (ledger["expenses:agency"], ledger["expenses:equipment"]) == (0, 45_000)
    entries = (await api.get(f"{base(world)}/ledger/entries", headers=headers)).json()
    assert len(entries) == 4  # opening, the first posting, its reversal, the posting again
    assert any(entry["narration"].startswith("Reversal of") for entry in entries)
    report = (
        await api.get(
            f"{base(world)}/reconciliation",
            headers=headers,
            params={"occurred_from": "2026-04-01", "occurred_to": "2026-04-30"},
        )
    ).json()
    assert report["problems"] == []
    trail = (await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=headers)).json()["items"]
    assert [event["action"] for event in trail].count("ledger.line_reposted") == 1


async def test_holiday_earned_is_owed_at_the_rate_it_will_be_paid(api, world):
    """Ailsa's leave is worth her contract's standard rate on the day: after a pay rise, more."""
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = await _run(api, world, pa, 1, date(2026, 4, 6), date(2026, 5, 3), date(2026, 5, 1), [])
    earned = sum(Decimal(slip["holiday_hours_accrued"]) for slip in first["payslips"])
    money = f"{base(world)}/money"
    assert (await api.get(money, headers=headers)).json()["holiday_owed_pence"] == int(
        (earned * 1350).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
    rise = {"rates": [{"kind": "standard", "hourly_rate_pence": 1450, "effective_from": "2026-10-01"}]}
    assert (await api.post(f"{base(world)}/pas/{pa['id']}/contract-rates", headers=headers, json=rise)).is_success
    after = (await api.get(money, headers=headers)).json()
    assert after["holiday_owed_pence"] == int((earned * 1450).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert after["free_pence"] == after["bank_pence"] - after["owed_pence"]
    assert after["owed_pence"] == sum(
        after[name]
        for name in (
            "wages_owed_pence",
            "hmrc_owed_pence",
            "pension_owed_pence",
            "holiday_owed_pence",
            "surplus_owed_pence",
        )
    )
