"""The forms the other journeys pass by, each used as a person would and checked with axe-core:
Morag describes a bank file nobody's layout fits and uploads it; she records a new tax code for
Ailsa from HMRC's notice; Duncan, for the council, decides several of Morag's reviews at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CREDIT_UNION = (
    "Posted,Details,Amount,Running total\n2026-05-02,CORNER SHOP,-12.50,987.50\n2026-05-06,SWIM,-4.00,983.50\n"
)


async def test_an_employer_describes_a_bank_file_and_changes_a_pas_tax_code(visitor: Visitor, tmp_path: Path) -> None:
    page = visitor.page
    await visitor.sign_in("morag@example.org")
    await visitor.click("Bank statements")
    await page.get_by_text("My bank's CSV file is not recognised").click()
    await page.get_by_label("A name for this layout").fill("credit-union")
    await page.get_by_label("Date column").fill("Posted")
    await page.get_by_label("How are dates written?").select_option(label="YYYY-MM-DD")
    await page.get_by_label("Description column").fill("Details")
    await page.get_by_label("Amount column (money out shown with a minus)").fill("Amount")
    await page.get_by_label("Balance column (optional)").fill("Running total")
    await visitor.press("Save this layout")
    await visitor.shows("Layout 'credit-union' saved.")
    statement = tmp_path / "credit-union.csv"
    statement.write_text(CREDIT_UNION)
    await page.get_by_label("Statement file").set_input_files(str(statement))
    await visitor.press("Upload statement")
    await visitor.shows("Statement uploaded: 2 new lines")
    await visitor.shows("CORNER SHOP")

    await visitor.click("Personal assistants")
    await visitor.click("Ailsa Mackay")
    await page.get_by_text("Change tax code, NI or bank details").click()
    await page.get_by_label("Takes effect from").fill("2026-05-02")
    await page.get_by_label("Tax code").fill("S1100L")
    await page.get_by_label("Why it changed").fill("HMRC coding notice of 2 May 2026")
    await visitor.press("Record the change")
    await visitor.shows("Ailsa Mackay: changed tax code.")
    await visitor.shows("S1100L")


async def test_the_council_decides_several_reviews_with_one_reason(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.sign_in("worker@glenmore.example")
    await visitor.go("/accounts")
    await visitor.click("Morag Campbell")
    await visitor.click("Spend reviews")
    boxes = page.locator("input[name=review]")
    assert await boxes.count() == 2
    for index in range(2):  # a person ticks a box by its label, which the Design System draws
        await page.locator(f"label[for='{await boxes.nth(index).get_attribute('id')}']").click()
    await page.get_by_label("Reason", exact=True).fill("Discussed with Morag on the phone.")
    await visitor.press("Approve the ticked requests")
    await visitor.shows("There is a problem")  # an exception is resolved, not approved: none is decided
    boxes = page.locator("input[name=review]")
    assert await boxes.count() == 2
    electricity = page.locator("label", has_text="Choose SCOTTISH POWER DD")
    await electricity.click()
    assert await page.get_by_label("Choose SCOTTISH POWER DD", exact=False).is_checked()
    await page.get_by_label("Reason", exact=True).fill("Paid back from her own account; discussed with Morag.")
    await visitor.press("Mark the ticked exceptions resolved")
    await visitor.shows("1 review resolved with one reason.")
