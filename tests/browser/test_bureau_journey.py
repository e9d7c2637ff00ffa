"""Gordon, a payroll clerk at Thistle Payroll Services, runs May's payroll for every client who lets
the bureau do it: adds a PA's hours for a client, runs payroll for all clients, follows it to the
end, opens the client's run, downloads the payslips as one zip, and uploads a client's statement."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from dp_platform.demo.calendar import DemoCalendar
from dp_platform.web.formatting import day
from tests.browser.conftest import Visitor
from tests.statement_files import nationwide_csv

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def _until_done(visitor: Visitor) -> None:
    """Scripts on: htmx follows the run and reloads the page at the end. Scripts off: refresh by hand."""
    for _ in range(60):
        body = await visitor.page.locator("body").inner_text()
        if "Done:" in body or "The run stopped" in body:
            await visitor.check()
            return
        if visitor.layout == "wide":
            await asyncio.sleep(0.5)
        else:
            await visitor.click("Refresh this page")
    raise AssertionError("the pay run for all clients did not finish in 30 seconds")


async def test_a_bureau_runs_payroll_for_all_its_clients(visitor: Visitor, when: DemoCalendar, tmp_path: Path) -> None:
    page = visitor.page
    await visitor.sign_in("payroll@thistle.example")
    await visitor.shows("Clients")
    await visitor.shows("Morag Campbell")
    period = f"{day(when.on(date(2026, 5, 4)))} to {day(when.on(date(2026, 5, 31)))}"
    await visitor.shows(f"Next: period {when.period(2)}, {period}")
    await visitor.screenshot("05-bureau-clients")

    await visitor.click("Morag Campbell")
    await visitor.click("Personal assistants")
    await visitor.click("Ailsa Mackay")
    worked = when.on(date(2026, 5, 6))
    await page.get_by_label("Day worked", exact=True).fill(worked.isoformat())
    await page.get_by_label("Hours", exact=True).fill("6")
    await visitor.press("Add hours")
    await visitor.shows(f"6 hours on {day(worked)} added.")

    await visitor.go("/clients/pay-runs")
    payday = when.on(date(2026, 5, 29)).isoformat()
    assert await page.get_by_label("First day", exact=True).input_value() == when.on(date(2026, 5, 4)).isoformat()
    assert await page.get_by_label("Day the PAs are paid", exact=True).input_value() == payday
    await page.get_by_text("Finalise each run that has no findings").click()  # the label, as a person does
    assert await page.get_by_label("Finalise each run that has no findings").is_checked()
    await visitor.press("Run payroll for all clients")
    await _until_done(visitor)
    await visitor.shows("Done: 1 client.")
    row = await page.locator("tr", has_text="Morag Campbell").inner_text()
    assert "Finalised" in row and "£84.00" in row, row  # 6 hours at Morag's standard rate of £14.00
    await visitor.screenshot("06-bureau-pay-run")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download every finalised payslip (zip of PDFs)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(await (await download_info.value).path()).read_bytes()))  # noqa: ASYNC240
    assert archive.namelist() == [f"DP-0001/payslip-Ailsa-Mackay-{payday}.pdf"]
    assert archive.read(archive.namelist()[0]).startswith(b"%PDF")

    await visitor.click("Morag Campbell")
    await visitor.shows(period)
    await visitor.shows("Finalised on")

    await visitor.go("/clients/statements")
    statement = tmp_path / "morag.csv"
    statement.write_bytes(nationwide_csv([(when.on(date(2026, 5, 19)), "CITY CABS TAXI", -1_200)], opening=493_000))
    await page.get_by_label("Morag Campbell (DP-0001)").set_input_files(str(statement))
    await visitor.press("Upload statements")
    await visitor.shows("Morag Campbell: uploaded. 1 new lines, 0 already known.")

    await visitor.press("Sign out")
    await visitor.shows("You have signed out.")
