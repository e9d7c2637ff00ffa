"""People see their own records: Morag gives her PA Ewan a sign-in and hands him the link; Ewan chooses
his password and lands on his own pay, which is all he sees; Ailsa reads and downloads her payslip;
Callum and his mother Isla each sign in to the same account; the council records Isla's powers. Every
page is checked with axe-core, in both layouts."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EWANS_PASSWORD = "three blue boats sailing"


async def _sign_out(visitor: Visitor) -> None:
    await visitor.press("Sign out")
    await visitor.shows("You have signed out.")


async def test_each_person_signs_in_to_their_own_records(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.sign_in("morag@example.org")
    await visitor.click("Who can sign in")
    await visitor.shows("Ewan Robertson: no sign-in")
    await page.get_by_label("Who is it for?").select_option("personal_assistant")
    await page.get_by_label("Their name").fill("Ewan Robertson")
    await page.get_by_label("Their email address").fill(f"ewan-{visitor.layout}@example.org")
    await page.get_by_label("If it is a personal assistant: which one").select_option(label="Ewan Robertson")
    await visitor.press("Make the sign-in link")
    await visitor.shows("Give Ewan Robertson this link")
    link = (await page.locator("code").inner_text()).strip()
    assert "/welcome/" in link
    await _sign_out(visitor)

    await page.goto(link)
    await visitor.check()
    await visitor.shows("Welcome, Ewan Robertson.")
    await page.get_by_label("Your new password").fill(EWANS_PASSWORD)
    await page.get_by_label("The same password again").fill(EWANS_PASSWORD)
    await visitor.press("Set my password")
    await visitor.shows("Your password is set")
    await page.get_by_label("Email address").fill(f"ewan-{visitor.layout}@example.org")
    await page.get_by_label("Password").fill(EWANS_PASSWORD)
    await visitor.press("Sign in")
    await visitor.shows("Working for Morag Campbell")
    assert page.url.endswith("/my-pay")
    await _sign_out(visitor)

    await visitor.sign_in("ailsa@example.org")
    await visitor.shows("Working for Morag Campbell")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download payslip").first.click()
    assert (await download_info.value).suggested_filename.startswith("payslip-Ailsa-Mackay-")
    await visitor.go("/accounts")
    assert "Morag" not in await page.locator("main").inner_text()
    await _sign_out(visitor)

    await visitor.sign_in("callum@example.org")
    await visitor.shows("Callum Fraser's Direct Payment")
    await visitor.click("Who can sign in")
    await visitor.shows("Isla Fraser")
    await _sign_out(visitor)

    await visitor.sign_in("worker@glenmore.example")
    await visitor.go("/accounts")
    await visitor.click("Callum Fraser")
    await visitor.click("Who can sign in")
    await page.get_by_label("Powers Isla Fraser holds").select_option("welfare_attorney")
    await page.get_by_role("button", name="Record the powers of Isla Fraser").click()
    await visitor.check()
    await visitor.shows("Recorded: welfare attorney.")
