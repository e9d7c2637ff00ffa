"""Morag, who holds her Direct Payment and employs two PAs, does a month's work on the pages:
uploads her bank statement and says what each payment was for, adds her PA's hours, runs and
finalises the pay run, downloads the payslip, reads the agreement and the audit trail, signs out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dp_platform.demo.calendar import DemoCalendar
from dp_platform.web.formatting import day
from tests.browser.conftest import Visitor
from tests.statement_files import nationwide_csv

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CARD_PAYMENTS = [  # the story's dates as written (May 2026), told on the days they fall now
    (date(2026, 5, 5), "CITY CABS TAXI GLASGOW", -1_480),
    (date(2026, 5, 6), "ARGOS MOBILITY AIDS", -4_599),
    (date(2026, 5, 12), "GLASGOW LEISURE SWIM", -560),
    (date(2026, 5, 15), "CORNER SHOP", -850),
]


async def test_an_employer_does_a_months_work(visitor: Visitor, when: DemoCalendar, tmp_path: Path) -> None:
    page = visitor.page
    await visitor.sign_in("morag@example.org")
    await visitor.shows("Morag Campbell's Direct Payment")
    await visitor.shows("In the bank account\n£4,930.00")
    await visitor.shows("Wages due to personal assistants")
    await visitor.screenshot("01-employer-overview")

    # The bank statement: upload, accept one suggestion, then all the rest at once.
    await visitor.click("Bank statements")
    statement = tmp_path / "card-payments.csv"
    lines = [(when.on(written), description, pence) for written, description, pence in CARD_PAYMENTS]
    statement.write_bytes(nationwide_csv(lines, opening=493_000))
    await page.get_by_label("Statement file").set_input_files(str(statement))
    await visitor.press("Upload statement")
    await visitor.shows("Statement uploaded: 4 new lines, 0 already known.")
    await visitor.shows("4 lines are not in the ledger yet.")
    await visitor.shows("Accept all 3 suggestions")
    await visitor.screenshot("02-statement-suggestions")
    taxi = page.locator("tr", has_text="CITY CABS TAXI GLASGOW")
    await taxi.get_by_role("button", name="Accept").click()
    await page.locator("tr", has_text="CITY CABS TAXI GLASGOW").get_by_text("Confirmed").wait_for()
    await visitor.check()
    if visitor.layout == "wide":  # htmx swapped the row in place; without JavaScript the page came back
        assert "/statements/" in page.url
    await page.reload()
    await visitor.press("Accept all 2 suggestions")
    await visitor.shows("2 lines recorded in the ledger. 1 still needs you to say what it was.")
    for payee, category in (("ARGOS MOBILITY AIDS", "Equipment"), ("GLASGOW LEISURE SWIM", "Activities")):
        row = await page.locator("tr", has_text=payee).inner_text()
        assert "Confirmed" in row and category.lower() in row.lower() and "In the ledger" in row, row
    corner = await page.locator("tr", has_text="CORNER SHOP").inner_text()
    assert "Not known yet" in corner and "Waiting" in corner

    # A PA's hours for May, then the May pay run, drafted, checked and finalised.
    await visitor.click("Personal assistants")
    await visitor.click("Ailsa Mackay")
    worked = when.on(date(2026, 5, 5))
    await page.get_by_label("Day worked", exact=True).fill(worked.isoformat())
    await page.get_by_label("Hours", exact=True).fill("7.5")
    await visitor.press("Add hours")
    await visitor.shows(f"7.5 hours on {day(worked)} added.")
    await visitor.click("Pay runs")
    assert await page.get_by_label("First day", exact=True).input_value() == when.on(date(2026, 5, 4)).isoformat()
    await visitor.press("Draft pay run")
    await visitor.shows("Pay run drafted with 1 payslip.")
    await visitor.shows(f"{day(when.on(date(2026, 5, 4)))} to {day(when.on(date(2026, 5, 31)))}")
    await visitor.shows("Ailsa Mackay")
    await visitor.screenshot("03-pay-run-draft")
    await visitor.press("Finalise pay run")
    await visitor.shows("Pay run finalised")
    await visitor.shows("Finalised on")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download payslip for Ailsa Mackay (PDF)").click()
    download = await download_info.value
    assert download.suggested_filename == f"payslip-Ailsa-Mackay-{when.on(date(2026, 5, 29)).isoformat()}.pdf"
    assert Path(await download.path()).read_bytes().startswith(b"%PDF")  # noqa: ASYNC240 - a small local file

    # The agreement opens in the browser with the same sign-in; the audit trail says what happened.
    await visitor.click("Agreement")
    await visitor.shows("Version 1: In force")
    href = await page.get_by_role("link", name="Open version 1 as a PDF").get_attribute("href")
    pdf = await page.request.get(f"{visitor.base}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    await visitor.click("Read version 1 in full")
    await visitor.page.go_back()
    await visitor.click("Audit trail")
    await visitor.shows("Morag Campbell finalised a pay run")
    await visitor.shows("Morag Campbell uploaded the bank statement card-payments.csv")
    await visitor.screenshot("04-audit-trail")
    await visitor.click("Spend reviews")
    await visitor.click("Who can act")
    await visitor.shows("Thistle Payroll Services")

    await visitor.press("Sign out")
    await visitor.shows("You have signed out.")
    await page.goto(visitor.base + "/home")
    assert "/login" in page.url
