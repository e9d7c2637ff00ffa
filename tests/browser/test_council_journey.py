"""Duncan, a Glenmore Council social worker, finds Morag's respite stay waiting for approval,
approves it with a reason, and sees the decision in the trail she reads too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


async def test_a_council_worker_decides_a_spend_waiting_for_approval(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.sign_in("worker@glenmore.example")
    await visitor.shows("Direct Payments of the council")
    await visitor.shows("Callum Fraser")
    morag = await page.locator("tr", has_text="Morag Campbell").inner_text()
    assert "£4,930.00" in morag and "2 open" in morag, morag
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
