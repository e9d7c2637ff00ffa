"""Payroll through HTTP: a PA, a timesheet, a pay run drafted and finalised into the ledger,
the fair-work gate, and paying the wages, HMRC and pension through a reconciled statement."""

from __future__ import annotations

import pytest

from tests import statement_files as files

pytestmark = pytest.mark.api

AILSA = {
    "full_name": "Ailsa Mackay",
    "started_on": "2024-04-08",
    "date_of_birth": "1990-05-01",
    "tax_code": "S1257L",
    "ni_number": "AB123456C",
    "pvg_checked_on": "2024-03-20",
    "pvg_expires_on": "2029-03-20",
    "right_to_work_checked_on": "2024-03-20",
}
PERIOD_1 = {
    "frequency": "four_weekly",
    "period_number": 1,
    "period_start": "2026-04-06",
    "period_end": "2026-05-03",
    "paid_on": "2026-05-01",
}


def base(world, account="a1") -> str:
    return f"/api/accounts/{world.accounts[account]}"


async def add_ailsa(api, world, user="ann", rate=1350, **changes):
    pa = await api.post(f"{base(world)}/pas", headers=world.headers(user), json={**AILSA, **changes})
    assert pa.status_code == 201, pa.text
    weekdays = [f"2026-04-{day:02d}" for day in range(6, 31) if day not in (11, 12, 18, 19, 25, 26)] + ["2026-05-01"]
    entries = [{"worked_on": day, "hours": "7", "hourly_rate_pence": rate} for day in weekdays]  # 140 hours
    entries += [
        {"worked_on": day, "hours": "5", "hourly_rate_pence": 1500, "kind": "weekend"}
        for day in ("2026-04-11", "2026-04-12")
    ]
    sheet = await api.post(
        f"{base(world)}/pas/{pa.json()['id']}/timesheet", headers=world.headers(user), json={"entries": entries}
    )
    assert sheet.status_code == 201, sheet.text
    return pa.json()


async def test_draft_and_finalise_a_pay_run_into_the_ledger(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    assert pa["warnings"] == []
    drafted = await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)
    assert drafted.status_code == 201, drafted.text
    run = drafted.json()
    [slip] = run["payslips"]
    assert (
        slip["gross_pence"],
        slip["tax_pence"],
        slip["employee_ni_pence"],
        slip["employer_ni_pence"],
        slip["employee_pension_pence"],
        slip["employer_pension_pence"],
        slip["net_pence"],
    ) == (204_000, 21_134, 8_584, 24_825, 6_240, 4_680, 168_042)
    assert run["status"] == "draft" and slip["findings"] == []

    done = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    assert done.status_code == 200 and done.json()["status"] == "finalised"
    again = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    assert again.json()["ledger_entry_id"] == done.json()["ledger_entry_id"]

    ledger = {
        a["code"]: a["natural_balance_pence"]
        for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert ledger["expenses:pa_wages:gross"] == 204_000
    assert ledger["expenses:pa_wages:employer_ni"] == 0  # the £248.25 is within the Employment Allowance
    assert ledger["expenses:pa_wages:employer_pension"] == 4_680
    assert ledger["liabilities:wages:net_due"] == 168_042
    assert ledger["liabilities:hmrc:paye_ni"] == 21_134 + 8_584
    assert ledger["liabilities:pension:due"] == 6_240 + 4_680
    entries = (await api.get(f"{base(world)}/ledger/entries", headers=headers)).json()
    assert [e["idempotency_key"] for e in entries] == [f"payrun:{run['id']}:v1"]


async def test_the_next_period_is_cumulative(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{first['id']}/finalise", headers=headers, json={})
    await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={
            "entries": [
                {"worked_on": f"2026-05-{day:02d}", "hours": "7.5", "hourly_rate_pence": 1350} for day in range(4, 24)
            ]  # 150 hours
        },
    )
    second = (
        await api.post(
            f"{base(world)}/pay-runs",
            headers=headers,
            json={
                **PERIOD_1,
                "period_number": 2,
                "period_start": "2026-05-04",
                "period_end": "2026-05-31",
                "paid_on": "2026-05-29",
            },
        )
    ).json()
    [slip] = second["payslips"]
    assert slip["taxable_to_date_pence"] == 204_000 + 202_500
    assert slip["tax_to_date_pence"] == 21_134 + slip["tax_pence"]
    listed = (await api.get(f"{base(world)}/pay-runs", headers=world.headers("finance_a"))).json()
    assert [(run["period_number"], run["status"]) for run in listed] == [(2, "draft"), (1, "finalised")]
    drafts = (await api.get(f"{base(world)}/pay-runs?status=draft", headers=headers)).json()
    assert [run["id"] for run in drafts] == [second["id"]]
    assert (await api.get(f"{base(world)}/pay-runs?status=paid", headers=headers)).status_code == 400
    assert (await api.get(f"{base(world)}/pay-runs", headers=world.headers("finance_b"))).status_code == 404


async def test_pay_below_the_pa_minimum_blocks_finalising_until_a_reason_is_given(api, world):
    headers = world.headers("ann")
    await add_ailsa(api, world, rate=1300)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    [finding] = run["payslips"][0]["findings"]
    assert (finding["rule"], finding["shortfall_per_hour_pence"], finding["arrears_pence"]) == (
        "below_pa_minimum",
        45,
        6_300,
    )  # (13.45 - 13.00) x 140 hours
    refused = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    assert refused.status_code == 422
    assert "arrears 63.00" in refused.json()["detail"] and refused.json()["field"] == "override_reason"
    reason = "Uplift agreed with the council on 2 May; arrears paid in period 2"
    done = await api.post(
        f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={"override_reason": reason}
    )
    assert done.status_code == 200 and done.json()["override_reason"] == reason
    events = (
        await api.get(
            f"/api/audit-events?account_id={world.accounts['a1']}&action=payrun.finalised",
            headers=world.headers("finance_a"),
        )
    ).json()["items"]
    assert events[0]["details"]["override_reason"] == reason
    assert "arrears 63.00" in events[0]["details"]["findings"][0]


async def test_paying_wages_hmrc_and_pension_reconciles_with_nothing_unmatched(api, world):
    headers = world.headers("ann")
    await add_ailsa(api, world)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    opening = {
        "occurred_on": "2026-04-30",
        "narration": "Opening balance",
        "idempotency_key": "open",
        "postings": [
            {"account": "assets:bank:dp_account", "amount_pence": 500_000},
            {"account": "equity:opening_balance", "amount_pence": -500_000},
        ],
    }
    await api.post(f"{base(world)}/ledger/entries", headers=headers, json=opening)
    from datetime import date

    payments = [
        (date(2026, 5, 1), "A MACKAY WAGES", -168_042),
        (date(2026, 5, 19), "HMRC CUMBERNAULD", -29_718),  # the month's PAYE and NI less the Employment Allowance
        (date(2026, 5, 20), "NEST PENSIONS", -10_920),
    ]
    statement = files.lloyds_csv(payments, opening=500_000)
    assert (
        await api.post(f"{base(world)}/statements", headers=headers, files={"file": ("may.csv", statement)})
    ).status_code == 201
    # the import itself pays what payroll owes: each line posted against its liability and matched
    lines = (await api.get(f"{base(world)}/spend-lines", headers=headers)).json()
    assert {(line["category"], line["review_status"]) for line in lines} == {("pa_wages", None)}
    trail = (await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=headers)).json()["items"]
    cleared = sorted(event["details"]["clears"] for event in trail if event["action"] == "ledger.line_posted")
    assert cleared == [
        "PAYE and National Insurance for the tax month 6 April 2026 to 5 May 2026",
        "net pay of Ailsa Mackay for the pay run paid on 1 May 2026",
        "pension contributions for the pay run paid on 1 May 2026",
    ]
    report = (
        await api.get(
            f"{base(world)}/reconciliation",
            headers=headers,
            params={"occurred_from": "2026-05-01", "occurred_to": "2026-05-31"},
        )
    ).json()
    assert report["problems"] == [] and report["reconciled"] is True and report["matched"] == 3
    owed = {
        a["code"]: a["balance_pence"]
        for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
        if a["code"].startswith("liabilities:")
    }
    assert set(owed.values()) == {0}


async def test_who_may_run_payroll(api, world):
    bureau = await api.post(f"{base(world)}/pas", headers=world.headers("bureau_x"), json=AILSA)
    assert bureau.status_code == 201  # bureau X's mandate includes run_payroll
    assert (await api.post(f"{base(world)}/pas", headers=world.headers("finance_a"), json=AILSA)).status_code == 403
    assert (await api.post(f"{base(world)}/pas", headers=world.headers("cal"), json=AILSA)).status_code == 404
    assert (
        await api.post(f"{base(world, 'a2')}/pas", headers=world.headers("bureau_x"), json=AILSA)
    ).status_code == 404  # mandate revoked


async def test_missing_duties_are_warned(api, world):
    pa = await api.post(
        f"{base(world)}/pas",
        headers=world.headers("ann"),
        json={**AILSA, "pvg_checked_on": None, "right_to_work_expires_on": "2020-01-01"},
    )
    assert pa.json()["warnings"] == [
        "No PVG scheme membership check is recorded.",
        "The right to work expired on 1 January 2020.",
    ]
    lifelong = await api.post(
        f"{base(world)}/pas", headers=world.headers("ann"), json={**AILSA, "pvg_expires_on": None}
    )
    assert lifelong.json()["warnings"] == [  # membership is no longer for life from 1 April 2026
        "Record when the PVG scheme membership runs to: from 1 April 2026 membership lasts 5 years and is renewed."
    ]
    lapsed = await api.post(
        f"{base(world)}/pas", headers=world.headers("ann"), json={**AILSA, "pvg_expires_on": "2026-03-31"}
    )
    assert lapsed.json()["warnings"] == ["The PVG scheme membership ran out on 31 March 2026: it must be renewed."]


@pytest.mark.parametrize(("field", "value"), [("tax_code", "1257Q"), ("ni_number", "XX12"), ("date_of_birth", None)])
async def test_bad_pa_details_are_refused(api, world, field, value):
    response = await api.post(f"{base(world)}/pas", headers=world.headers("ann"), json={**AILSA, field: value})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("hours", ["0", "25", "7.125", "-3"])
async def test_impossible_hours_are_refused(api, world, hours):
    pa = (await api.post(f"{base(world)}/pas", headers=world.headers("ann"), json=AILSA)).json()
    response = await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=world.headers("ann"),
        json={"entries": [{"worked_on": "2026-04-07", "hours": hours, "hourly_rate_pence": 1400}]},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "entries[0].hours"


async def test_the_payslip_pdf_reads_back_with_the_right_figures(api, world):
    import io

    import pdfplumber

    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    response = await api.get(f"{base(world)}/pay-runs/{run['id']}/payslips/{pa['id']}/pdf", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    for expected in (
        "Employee: Ailsa Mackay",
        "NI number: AB123456C",
        "Tax code: S1257L",
        "Standard hours 140.00 h at £13.50 an hour £1,890.00",
        "Weekend hours 10.00 h at £15.00 an hour £150.00",
        "Income tax (PAYE)",
        "£211.34",
        "£85.84",
        "£62.40",
        "Net pay: £1,680.42",
        "£248.25",
        "£46.80",
        "Taxable pay: £2,040.00",
        "Holiday earned this period: 18.105 hours",
        "hmrc.income_tax.scottish_bands@2026-04-06: HMRC, Rates and thresholds for employers 2026 to 2027",
    ):
        assert expected in text, expected
    assert (
        await api.get(f"{base(world)}/pay-runs/{run['id']}/payslips/{pa['id']}/pdf", headers=world.headers("finance_b"))
    ).status_code == 404


async def test_the_hmrc_month_nets_off_the_employment_allowance(api, world):
    headers = world.headers("ann")
    await add_ailsa(api, world)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    finalised = (await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})).json()
    month = (await api.get(f"{base(world)}/hmrc-summary", headers=headers, params={"on": "2026-04-20"})).json()
    assert (month["tax_month"], month["starts_on"], month["ends_on"], month["due_by"]) == (
        1,
        "2026-04-06",
        "2026-05-05",
        "2026-05-22",
    )
    assert (month["paye_pence"], month["employee_ni_pence"], month["employer_ni_pence"]) == (21_134, 8_584, 24_825)
    assert month["employment_allowance_pence"] == 24_825  # within the £10,500 a year
    assert month["due_pence"] == 21_134 + 8_584
    later = (await api.get(f"{base(world)}/hmrc-summary", headers=headers, params={"on": "2026-06-01"})).json()
    assert later["due_pence"] == 0 and later["tax_month"] == 2
    ledger = {a["code"]: a for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]}
    assert -ledger["liabilities:hmrc:paye_ni"]["balance_pence"] == month["due_pence"]  # the allowance is booked
    assert ledger["expenses:pa_wages:employer_ni"]["balance_pence"] == 24_825 - month["employment_allowance_pence"]
    again = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    assert again.status_code == 200 and again.json()["ledger_entry_id"] == finalised["ledger_entry_id"]


async def test_the_fps_record_of_a_finalised_run(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    draft = await api.get(f"{base(world)}/pay-runs/{run['id']}/fps", headers=headers)
    assert draft.status_code == 400 and "Finalise the pay run first" in draft.json()["detail"]
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    fps = (await api.get(f"{base(world)}/pay-runs/{run['id']}/fps", headers=headers)).json()
    [employee] = fps["employees"]
    assert employee["nino"] == "AB123456C" and employee["payroll_id"] == pa["id"]
    assert employee["payment"] == {
        "PayFreq": "W4",
        "PmtDate": "2026-05-01",
        "WeekNo": 4,
        "PeriodsCovered": 1,
        "HoursWorked": "D",
        "TaxCode": "S1257L",
        "TaxablePay_pence": 204_000,
        "TaxDeductedOrRefunded_pence": 21_134,
        "TaxablePayYTD_pence": 204_000,
        "TotalTaxYTD_pence": 21_134,
        "EmployeePensionContributions_pence": 6_240,
    }
    assert employee["ni"]["AtLELYTD_pence"] == 51_600 and employee["ni"]["PTtoUELYTD_pence"] == 107_300
    assert employee["ni"]["TotalEmpNICInPd_pence"] == 8_584 + 24_825
    assert "employer PAYE reference" in fps["not_held_by_the_platform"]


PERIOD_2 = {
    "frequency": "four_weekly",
    "period_number": 2,
    "period_start": "2026-05-04",
    "period_end": "2026-05-31",
    "paid_on": "2026-05-29",
}


async def test_contract_rates_price_timesheets_by_the_calendar_and_sickness_is_paid_as_ssp(api, world, db):
    from sqlalchemy import func, select

    from payroll.tables import TimesheetEntryRow

    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{first['id']}/finalise", headers=headers, json={})
    rates = [
        {"kind": "standard", "hourly_rate_pence": 1300, "effective_from": "2025-04-01"},
        {"kind": "standard", "hourly_rate_pence": 1400, "effective_from": "2026-05-05"},
        {"kind": "weekend", "hourly_rate_pence": 1500, "effective_from": "2025-04-01"},
        {"kind": "bank_holiday", "hourly_rate_pence": 2000, "effective_from": "2025-04-01"},
    ]
    added = await api.post(f"{base(world)}/pas/{pa['id']}/contract-rates", headers=headers, json={"rates": rates})
    assert added.status_code == 201, added.text
    assert len(added.json()) == 4
    again = await api.post(f"{base(world)}/pas/{pa['id']}/contract-rates", headers=headers, json={"rates": rates[:1]})
    assert again.status_code == 400 and again.json()["field"] == "rates[0].effective_from"

    sheet = f"{base(world)}/pas/{pa['id']}/timesheet"

    async def timesheet_rows() -> int:
        async with db.connect() as connection:
            return await connection.scalar(select(func.count()).select_from(TimesheetEntryRow))

    before = await timesheet_rows()
    no_night_rate = [
        {"worked_on": "2026-05-06", "hours": "7"},
        {"worked_on": "2026-05-07", "hours": "9", "kind": "night"},
    ]
    refused = await api.post(sheet, headers=headers, json={"entries": no_night_rate})
    assert refused.status_code == 400 and refused.json()["field"] == "entries[1].hourly_rate_pence"
    assert "no night rate in force on 2026-05-07" in refused.json()["detail"]
    assert await timesheet_rows() == before

    days = ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-09"]  # early May holiday (Mon), Tue, Wed, Sat
    recorded = await api.post(sheet, headers=headers, json={"entries": [{"worked_on": d, "hours": "7"} for d in days]})
    assert recorded.status_code == 201, recorded.text
    sick = await api.post(
        f"{base(world)}/pas/{pa['id']}/sickness",
        headers=headers,
        json={"first_day": "2026-05-12", "last_day": "2026-05-13"},
    )
    assert sick.status_code == 201, sick.text
    overlap = await api.post(
        f"{base(world)}/pas/{pa['id']}/sickness",
        headers=headers,
        json={"first_day": "2026-05-13", "last_day": "2026-05-14"},
    )
    assert overlap.status_code == 400 and "already recorded" in overlap.json()["detail"]

    drafted = await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_2)
    assert drafted.status_code == 201, drafted.text
    [slip] = drafted.json()["payslips"]
    lines = {line["label"]: (line["hours"], line["hourly_rate_pence"], line["amount_pence"]) for line in slip["lines"]}
    assert lines == {
        "bank holiday hours": ("7.00", 2000, 14000),
        "standard hours": ("14.00", 1400, 19600),
        "weekend hours": ("7.00", 1500, 10500),
        # from 6 April 2026: no waiting days; average weekly earnings 2040.00 (one four-weekly payday), so the
        # flat 123.25 a week applies: 2 of 5 qualifying days
        "statutory sick pay (2 days)": (None, None, 4930),
    }
    assert slip["gross_pence"] == 14000 + 19600 + 10500 + 4930
    assert "hmrc.statutory_pay.ssp@2026-04-06" in slip["rates_used"]


async def test_qualifying_days_that_are_not_weekdays_are_refused(api, world):
    refused = await api.post(
        f"{base(world)}/pas", headers=world.headers("ann"), json={**AILSA, "qualifying_days": "mon,funday"}
    )
    assert refused.status_code == 400 and refused.json()["field"] == "qualifying_days"


async def test_leave_taken_is_paid_at_the_contract_rate_and_comes_off_the_balance(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{first['id']}/finalise", headers=headers, json={})
    rates = {"rates": [{"kind": "standard", "hourly_rate_pence": 1400, "effective_from": "2026-04-01"}]}
    await api.post(f"{base(world)}/pas/{pa['id']}/contract-rates", headers=headers, json=rates)
    leave = [{"worked_on": "2026-05-05", "hours": "7", "kind": "holiday"}]
    worked = [{"worked_on": "2026-05-06", "hours": "7"}]
    sheet = await api.post(f"{base(world)}/pas/{pa['id']}/timesheet", headers=headers, json={"entries": leave + worked})
    assert sheet.status_code == 201, sheet.text
    second = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_2)).json()
    [slip] = second["payslips"]
    assert {line["label"]: line["amount_pence"] for line in slip["lines"]} == {
        "holiday taken": 9800,
        "standard hours": 9800,
    }
    balance = f"{base(world)}/pas/{pa['id']}/holiday"
    before = (await api.get(balance, headers=headers)).json()
    assert before == {  # period 1: 150 hours worked x 12.07%; the draft takes nothing yet
        "scheme": "accrual_12_07",
        "accrued_hours": "18.1050",
        "taken_hours": "0.00",
        "balance_hours": "18.1050",
    }
    await api.post(f"{base(world)}/pay-runs/{second['id']}/finalise", headers=headers, json={})
    after = (await api.get(balance, headers=headers)).json()
    assert (after["accrued_hours"], after["taken_hours"], after["balance_hours"]) == ("18.9499", "7.00", "11.9499")


async def test_rolled_up_holiday_pay_leaves_no_leave_to_pay(api, world):
    headers = world.headers("ann")
    pa = await api.post(f"{base(world)}/pas", headers=headers, json={**AILSA, "holiday_scheme": "rolled_up_12_07"})
    sheet = await api.post(
        f"{base(world)}/pas/{pa.json()['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-05-05", "hours": "7", "kind": "holiday", "hourly_rate_pence": 1400}]},
    )
    assert sheet.status_code == 400 and sheet.json()["field"] == "entries[0].kind"
    assert "rolled up" in sheet.json()["detail"]


async def test_employer_references_reach_the_fps_and_the_allowance_claim_reaches_the_hmrc_month(api, world):
    headers = world.headers("ann")
    await add_ailsa(api, world)
    employer = f"{base(world)}/payroll-employer"
    assert (await api.get(employer, headers=headers)).status_code == 404
    refs = {"paye_reference": "123/ab45678", "accounts_office_reference": "123PA0001234X"}
    bad = await api.put(employer, headers=headers, json={**refs, "paye_reference": "AB45678"})
    assert bad.status_code == 400 and bad.json()["field"] == "paye_reference"
    bad = await api.put(employer, headers=headers, json={**refs, "accounts_office_reference": "123PA00012345XX"})
    assert bad.status_code == 400 and bad.json()["field"] == "accounts_office_reference"
    saved = await api.put(employer, headers=headers, json={**refs, "claims_employment_allowance": False})
    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "paye_reference": "123/AB45678",
        "accounts_office_reference": "123PA0001234X",
        "claims_employment_allowance": False,
        "pays_hmrc_quarterly": False,
        "insurance_expires_on": None,
    }
    assert (await api.put(employer, headers=world.headers("finance_b"), json=refs)).status_code == 404

    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    fps = (await api.get(f"{base(world)}/pay-runs/{run['id']}/fps", headers=headers)).json()
    assert fps["employer"] == {"EmpRefs_OfficeNo_and_Ref": "123/AB45678", "AORef": "123PA0001234X"}
    assert "employer PAYE reference" not in fps["not_held_by_the_platform"]
    month = (await api.get(f"{base(world)}/hmrc-summary", headers=headers, params={"on": "2026-04-20"})).json()
    assert month["employment_allowance_pence"] == 0 and month["due_pence"] == 21_134 + 8_584 + 24_825
    ledger = {a["code"]: a for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]}
    assert -ledger["liabilities:hmrc:paye_ni"]["balance_pence"] == month["due_pence"]  # nothing claimed, nothing off


async def test_a_leaver_gets_p45_figures_and_no_more_hours(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    pa_url = f"{base(world)}/pas/{pa['id']}"
    not_left = await api.get(f"{pa_url}/p45", headers=headers)
    assert not_left.status_code == 400 and not_left.json()["field"] == "left_on"
    early = await api.post(f"{pa_url}/leave", headers=headers, json={"left_on": "2026-04-30"})
    assert early.status_code == 400 and "hours recorded on 2026-05-01" in early.json()["detail"]
    left = await api.post(f"{pa_url}/leave", headers=headers, json={"left_on": "2026-05-01"})
    assert left.status_code == 200 and left.json()["left_on"] == "2026-05-01"
    assert (await api.post(f"{pa_url}/leave", headers=headers, json={"left_on": "2026-05-01"})).status_code == 200
    other = await api.post(f"{pa_url}/leave", headers=headers, json={"left_on": "2026-05-02"})
    assert other.status_code == 400 and "left on 2026-05-01 already" in other.json()["detail"]
    after = await api.post(
        f"{pa_url}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-05-02", "hours": "3", "hourly_rate_pence": 1400}]},
    )
    assert after.status_code == 400 and after.json()["field"] == "entries[0].worked_on"

    unpaid = await api.get(f"{pa_url}/p45", headers=headers)
    assert unpaid.status_code == 400 and "finalise their last pay run" in unpaid.json()["detail"]
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    p45 = (await api.get(f"{pa_url}/p45", headers=headers)).json()
    assert p45 == {
        "employer_paye_reference": None,
        "employee": "Ailsa Mackay",
        "ni_number": "AB123456C",
        "leaving_date": "2026-05-01",
        "tax_code": "S1257L",
        "week1_month1": False,
        "last_payment_date": "2026-05-01",
        "WeekNo": 4,
        "tax_year": "2026-27",
        "total_pay_to_date_pence": 204_000,
        "total_tax_to_date_pence": 21_134,
    }
    fps = (await api.get(f"{base(world)}/pay-runs/{run['id']}/fps", headers=headers)).json()
    assert fps["employees"][0]["leaving_date"] == "2026-05-01"
    assert (await api.get(f"{pa_url}/p45", headers=world.headers("finance_b"))).status_code == 404


async def test_the_new_pa_records_are_denied_outside_the_account(api, world):
    pa = await add_ailsa(api, world)
    url = f"{base(world)}/pas/{pa['id']}"
    writes = [
        ("contract-rates", {"rates": [{"kind": "night", "hourly_rate_pence": 1600, "effective_from": "2026-04-06"}]}),
        ("sickness", {"first_day": "2026-04-20", "last_day": "2026-04-21"}),
        ("leave", {"left_on": "2026-05-01"}),
    ]
    for path, body in writes:
        for user, status in (("finance_b", 404), ("bea", 404), ("finance_a", 403), ("bureau_y", 404)):
            response = await api.post(f"{url}/{path}", headers=world.headers(user), json=body)
            assert response.status_code == status, (path, user, response.text)
    for path in ("contract-rates", "sickness", "holiday", "p45"):
        for user in ("finance_b", "bea", "bureau_y"):
            assert (await api.get(f"{url}/{path}", headers=world.headers(user))).status_code == 404, (path, user)
    other = f"{base(world, 'a2')}/pas/{pa['id']}/contract-rates"  # Bea's account, Ann's PA: not found
    assert (await api.get(other, headers=world.headers("bea"))).status_code == 404
    employer = f"{base(world)}/payroll-employer"
    assert (await api.get(employer, headers=world.headers("finance_b"))).status_code == 404
    refs = {"paye_reference": "123/AB45678", "accounts_office_reference": "123PA00012345"}
    assert (await api.put(employer, headers=world.headers("finance_a"), json=refs)).status_code == 403


async def test_a_wages_payment_posted_as_spending_is_refused_naming_what_it_clears(api, world):
    from datetime import date

    headers = world.headers("ann")
    await add_ailsa(api, world)
    statement = files.lloyds_csv([(date(2026, 5, 1), "A MACKAY WAGES", -168_042)], opening=500_000)
    assert (
        await api.post(f"{base(world)}/statements", headers=headers, files={"file": ("may.csv", statement)})
    ).status_code == 201
    [line] = (await api.get(f"{base(world)}/statements/lines", headers=headers)).json()
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    url = f"{base(world)}/statements/lines/{line['id']}/post"
    twice = await api.post(url, headers=headers, json={"account": "expenses:pa_wages:gross"})
    assert twice.status_code == 400 and twice.json()["field"] == "account"
    assert "net pay of Ailsa Mackay for the pay run paid on 1 May 2026" in twice.json()["detail"]
    assert "liabilities:wages:net_due" in twice.json()["detail"]
    cleared = await api.post(url, headers=headers, json={"account": "liabilities:wages:net_due"})
    assert cleared.status_code == 201, cleared.text
    ledger = {
        a["code"]: a["balance_pence"]
        for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert ledger["liabilities:wages:net_due"] == 0 and ledger["expenses:pa_wages:gross"] == 204_000


async def test_a_timesheet_corrected_while_the_run_is_a_draft_pays_the_hours_once(api, world):
    """Ailsa's 7 hours on 6 April were really 5: the line comes off, the right one goes on, and the
    run drafted again pays 138 hours, not 140 and not 145."""
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    assert first["totals"]["gross_pence"] == 204_000
    lines = (await api.get(f"{base(world)}/pas/{pa['id']}/timesheet", headers=headers)).json()
    wrong = next(line for line in lines if line["worked_on"] == "2026-04-06")
    removed = await api.delete(f"{base(world)}/pas/{pa['id']}/timesheet/{wrong['id']}", headers=headers)
    assert removed.status_code == 204, removed.text
    corrected = await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-04-06", "hours": "5", "hourly_rate_pence": 1350}]},
    )
    assert corrected.status_code == 201, corrected.text
    again = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    assert again["id"] == first["id"]  # the same draft, drafted again
    assert again["totals"]["gross_pence"] == 204_000 - 2 * 1350
    trail = (await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=headers)).json()["items"]
    assert {"timesheet.line_removed", "timesheet.recorded", "payrun.drafted"} <= {event["action"] for event in trail}


async def test_a_finalised_run_is_corrected_by_a_reversal_and_a_new_run_worth_the_difference(api, world):
    """Ailsa's 7 hours on 6 April were really 5, found after the run was finalised: drafting the period
    again is refused (it would pay twice); the run is reversed with a reason, the line corrected, and
    the period drafted and finalised again. The ledger holds all three entries, and together they
    come to the difference: 2 hours less pay."""
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    first = (await api.post(f"{base(world)}/pay-runs/{first['id']}/finalise", headers=headers, json={})).json()
    twice = await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)
    assert twice.status_code == 409 and "reverse that run first" in twice.json()["detail"]
    lines = (await api.get(f"{base(world)}/pas/{pa['id']}/timesheet", headers=headers)).json()
    wrong = next(line for line in lines if line["worked_on"] == "2026-04-06")
    paid = await api.delete(f"{base(world)}/pas/{pa['id']}/timesheet/{wrong['id']}", headers=headers)
    assert paid.status_code == 409
    reverse = f"{base(world)}/pay-runs/{first['id']}/reverse"
    assert (await api.post(reverse, headers=world.headers("finance_a"), json={"reason": "x"})).status_code == 403
    reversed_run = await api.post(reverse, headers=headers, json={"reason": "6 April was 5 hours, not 7"})
    assert reversed_run.status_code == 200 and reversed_run.json()["status"] == "reversed"
    assert (await api.post(reverse, headers=headers, json={"reason": "again"})).status_code == 400
    assert (
        await api.delete(f"{base(world)}/pas/{pa['id']}/timesheet/{wrong['id']}", headers=headers)
    ).status_code == 204
    await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-04-06", "hours": "5", "hourly_rate_pence": 1350}]},
    )
    second = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    assert (second["version"], second["totals"]["gross_pence"]) == (2, 204_000 - 2 * 1350)
    second = (await api.post(f"{base(world)}/pay-runs/{second['id']}/finalise", headers=headers, json={})).json()
    ledger = {
        a["code"]: a["natural_balance_pence"]
        for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert ledger["expenses:pa_wages:gross"] == 204_000 - 2 * 1350
    assert ledger["liabilities:wages:net_due"] == second["totals"]["net_pence"]
    entries = (await api.get(f"{base(world)}/ledger/entries", headers=headers)).json()
    assert len(entries) == 3  # the first run, its reversal, the corrected run
    listed = (await api.get(f"{base(world)}/pay-runs", headers=headers)).json()
    assert [(run["version"], run["status"]) for run in listed] == [(2, "finalised"), (1, "reversed")]


async def test_a_new_tax_code_applies_from_its_date_and_its_history_is_kept(api, world):
    """HMRC's notice changes Ailsa's code from 4 May, and again from 1 June: the run paid on 1 May keeps
    S1257L, the run paid on 29 May uses S1100L even though S1200L is already recorded for June."""
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    url = f"{base(world)}/pas/{pa['id']}/details"
    first = await api.post(
        url, headers=headers, json={"effective_from": "2026-05-04", "reason": "P6 of 28 April", "tax_code": "s1100l"}
    )
    assert first.status_code == 200 and first.json()["tax_code"] == "S1100L", first.text
    second = await api.post(
        url, headers=headers, json={"effective_from": "2026-06-01", "reason": "P6 of 20 May", "tax_code": "S1200L"}
    )
    assert second.json()["tax_code"] == "S1200L"
    early = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    assert early["payslips"][0]["tax_code"] == "S1257L"
    await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-05-05", "hours": "7", "hourly_rate_pence": 1350}]},
    )
    may = {
        **PERIOD_1,
        "period_number": 2,
        "period_start": "2026-05-04",
        "period_end": "2026-05-31",
        "paid_on": "2026-05-29",
    }
    later = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=may)).json()
    assert later["payslips"][0]["tax_code"] == "S1100L"

    backwards = await api.post(
        url, headers=headers, json={"effective_from": "2026-05-10", "reason": "x", "tax_code": "S1000L"}
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "effective_from"
    bad = await api.post(url, headers=headers, json={"effective_from": "2026-07-01", "reason": "x", "tax_code": "Q99"})
    assert bad.status_code == 400 and bad.json()["field"] == "tax_code"
    bank = {
        "effective_from": "2026-06-15",
        "reason": "moved bank",
        "bank_sort_code": "802260",
        "bank_account_number": "12345678",
    }
    assert (await api.post(url, headers=headers, json=bank)).status_code == 200
    assert (await api.post(url, headers=world.headers("finance_a"), json=bank)).status_code == 403
    assert (await api.post(url, headers=world.headers("cal"), json=bank)).status_code == 404

    history = (
        await api.get(f"{base(world)}/pas/{pa['id']}/details-history", headers=world.headers("finance_a"))
    ).json()
    assert [(change["field"], change["old_value"], change["new_value"]) for change in history] == [
        ("tax_code", "S1257L", "S1100L"),
        ("tax_code", "S1100L", "S1200L"),
        ("bank_sort_code", None, "****60"),
        ("bank_account_number", None, "****5678"),
    ]
    trail = (
        await api.get(f"/api/audit-events?account_id={world.accounts['a1']}&action=pa.details_changed", headers=headers)
    ).json()["items"]
    assert len(trail) == 3 and "12345678" not in str(trail)


async def test_hours_two_runs_both_cover_are_paid_by_one_only(api, world, db):
    """Two drafts over overlapping dates (periods 1 and 2 numbered by mistake over the same fortnight)
    both hold Ailsa's hours of 20 April to 1 May: the first finalised pays them; the second is refused,
    naming the first, and the database itself refuses a second finalised claim on a line."""
    from sqlalchemy import text

    headers = world.headers("ann")
    await add_ailsa(api, world)
    first = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    overlap = {
        **PERIOD_1,
        "period_number": 2,
        "period_start": "2026-04-20",
        "period_end": "2026-05-17",
        "paid_on": "2026-05-15",
    }
    second = await api.post(f"{base(world)}/pay-runs", headers=headers, json=overlap)
    assert second.status_code == 201, second.text
    assert (
        await api.post(f"{base(world)}/pay-runs/{first['id']}/finalise", headers=headers, json={})
    ).status_code == 200
    refused = await api.post(f"{base(world)}/pay-runs/{second.json()['id']}/finalise", headers=headers, json={})
    assert refused.status_code == 409, refused.text
    assert "paid by the pay run for 6 April to 3 May 2026" in refused.json()["detail"]
    again = await api.post(f"{base(world)}/pay-runs", headers=headers, json=overlap)
    assert again.status_code == 409 and "cannot pay them again" in again.json()["detail"]
    async with db.connect() as connection:
        with pytest.raises(Exception, match="uq_payroll_pay_run_hours_paid_once"):
            await connection.execute(
                text("UPDATE payroll_pay_run_hours SET finalised = true WHERE pay_run_id = :run"),
                {"run": second.json()["id"]},
            )
    ledger = {
        a["code"]: a["natural_balance_pence"]
        for a in (await api.get(f"{base(world)}/ledger", headers=headers)).json()["accounts"]
    }
    assert ledger["expenses:pa_wages:gross"] == first["totals"]["gross_pence"]  # paid once


async def test_a_draft_whose_timesheet_changed_is_drafted_again_before_it_is_finalised(api, world):
    headers = world.headers("ann")
    pa = await add_ailsa(api, world)
    run = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    await api.post(
        f"{base(world)}/pas/{pa['id']}/timesheet",
        headers=headers,
        json={"entries": [{"worked_on": "2026-04-13", "hours": "2", "hourly_rate_pence": 1350, "kind": "night"}]},
    )
    stale = await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})
    assert stale.status_code == 400 and "draft it again" in stale.json()["detail"]
    redrafted = (await api.post(f"{base(world)}/pay-runs", headers=headers, json=PERIOD_1)).json()
    assert redrafted["totals"]["gross_pence"] == run["totals"]["gross_pence"] + 2 * 1350
    assert (await api.post(f"{base(world)}/pay-runs/{run['id']}/finalise", headers=headers, json={})).status_code == 200


async def test_details_sent_back_unchanged_change_nothing_and_hmrcs_example_number_is_a_number(api, world):
    """The page's form shows the PA's current details; sent back as they were they are not checked or
    recorded again. QQ is the prefix HMRC uses in its examples and never issues: fictional PAs have it."""
    headers = world.headers("ann")
    added = await api.post(f"{base(world)}/pas", headers=headers, json={**AILSA, "ni_number": "QQ123456A"})
    assert added.status_code == 201, added.text
    pa = added.json()
    url = f"{base(world)}/pas/{pa['id']}/details"
    changed = await api.post(
        url,
        headers=headers,
        json={"effective_from": "2026-05-04", "reason": "P6", "tax_code": "S1100L", "ni_number": "QQ123456A"},
    )
    assert changed.status_code == 200, changed.text
    history = (await api.get(f"{base(world)}/pas/{pa['id']}/details-history", headers=headers)).json()
    assert [change["field"] for change in history] == ["tax_code"]
