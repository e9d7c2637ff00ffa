"""Duncan, a Glenmore Council social worker, finds Morag's respite stay waiting for approval,
approves it with a reason, and sees the decision in the trail she reads too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_council_worker_decides_a_spend_waiting_for_approval(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.sign_in("worker@glenmore.example")
    await visitor.shows("Direct Payments of the council")
    await visitor.shows("Callum Fraser")
    morag = await page.locator("tr", has_text="Morag Campbell").inner_text()
    assert "£4,930.00" in morag and "2 spend reviews" in morag, morag
    await page.get_by_label("Only accounts that need attention").check(force=True)
    await visitor.press("Show")
    await visitor.click("Morag Campbell")
    await visitor.shows("Needs your attention")
    await visitor.click("Spend reviews")
    row = page.locator("tr", has_text="SUNNYSIDE CARE HOME")
    await row.get_by_label("Reason the person will read").fill("Respite agreed at Morag's review in April.")
    await row.get_by_role("button", name="Approve").click()
    await visitor.check()
    await visitor.shows("approved.")
    decided = await page.locator("tr", has_text="SUNNYSIDE CARE HOME").inner_text()
    assert "Approved: Respite agreed at Morag's review in April." in decided, decided
    await visitor.click("Audit trail")
    await visitor.shows(
        "Duncan Reid approved SUNNYSIDE CARE HOME (£560.00): Respite agreed at Morag's review in April."
    )


async def test_finance_goes_from_the_portfolio_to_a_resolved_exception(visitor: Visitor) -> None:
    """Fiona, in Glenmore's finance team, sees Morag's account has exceptions, reads the evidence of a
    household bill paid from the Direct Payment, gives it to Duncan, notes the call and resolves it;
    Morag's own page and the trail both read the same."""
    page = visitor.page
    await visitor.sign_in("finance@glenmore.example")
    await visitor.shows("Direct Payments of the council")
    morag = page.locator("tr", has_text="Morag Campbell")
    assert "exceptions" in await morag.inner_text()
    await morag.get_by_role("link", name="exceptions for Morag Campbell").click()
    await visitor.check()
    await visitor.shows("What the council's checks found")
    await page.get_by_role("link", name="Spend that is not allowed for Morag Campbell").click()
    await visitor.check()
    await visitor.shows("SCOTTISH POWER")
    await visitor.shows("The rule")
    await page.get_by_label("Assign to").select_option(label="Duncan Reid")
    await visitor.press("Assign")
    await visitor.shows("Assigned.")
    await page.get_by_label("Add a comment").fill("Phoned Morag: the bill was paid from the wrong account by mistake.")
    await visitor.press("Add comment")
    await visitor.shows("Comment added.")
    await page.get_by_label("Resolve: what was found and what was done").fill(
        "Morag moved £84.00 back into the Direct Payment account; no further action."
    )
    await visitor.press("Resolve")
    await visitor.shows("Exception resolved.")
    await visitor.screenshot("council-exceptions")
    await page.get_by_label("Show").select_option("resolved")
    await visitor.press("Show")
    await visitor.shows("SCOTTISH POWER")
    await page.get_by_role("link", name="Spend that is not allowed for Morag Campbell").click()
    await visitor.check()
    await visitor.shows("Morag moved £84.00 back into the Direct Payment account; no further action.")


async def test_finance_prepares_the_councils_report_and_downloads_it(visitor: Visitor) -> None:
    """Fiona asks for last month's monitoring report; it is prepared in the background and its page
    offers the PDF and the CSVs once it is ready."""
    page = visitor.page
    await visitor.sign_in("finance@glenmore.example")
    await visitor.click("Reports")
    await visitor.shows("Prepare the report")
    await visitor.press("Prepare the report")
    for _ in range(40):  # htmx refreshes the page when it is made; without JavaScript, Fiona refreshes it
        if "Ready:" in await page.locator("body").inner_text():
            break
        await page.wait_for_timeout(500)
        if visitor.layout.endswith("no-js"):
            await page.get_by_role("link", name="Refresh this page").click()
    await visitor.check()
    await visitor.shows("The report to read (PDF)")
    async with page.expect_download() as download:
        await page.get_by_role("link", name="The report to read (PDF)").click()
    assert (await download.value).suggested_filename.startswith("direct-payments-report-")
    await visitor.click("All reports")
    await visitor.shows("Reports asked for lately")
