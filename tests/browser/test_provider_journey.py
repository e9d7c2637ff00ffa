"""Eilidh, at Braeside Support, a managed-account provider, checks the client account that holds
Callum's and Hamish's Direct Payments: the client-money check is not balanced because one card
payment has no reference; she gives it to Hamish, and the check reads Balanced. Then Hamish, signed
in, sees his share of the client account as his own statement, and none of Callum's lines."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_provider_balances_its_client_account(visitor: Visitor) -> None:
    page = visitor.page
    await visitor.sign_in("accounts@braeside.example")
    await visitor.click("Client accounts")
    await visitor.click("Braeside Support client account")
    await visitor.shows("Not balanced")
    await visitor.shows("1 bank line (-£32.40) not yet given to a client.")
    await visitor.shows("TESCO STORES 2231")
    await visitor.screenshot("11-provider-client-account")

    await page.get_by_label("Whose money is TESCO STORES 2231 of -£32.40").select_option(label="Hamish Baird (DP-0003)")
    await visitor.press("Give")
    await visitor.shows("Line given.")
    await visitor.shows("Balanced")
    await visitor.shows("Every line is given to someone.")
    await visitor.click("Returns to send")
    await visitor.shows("No return is waiting to be sent.")

    await page.context.clear_cookies()
    await visitor.sign_in("hamish@example.org")
    await visitor.shows("Braeside Support holds this Direct Payment in its client account")
    await visitor.shows("client-money check on")
    await visitor.shows("balances")
    await visitor.click("Bank statements")
    await visitor.shows("Client account: braeside-client-account")
    body = await page.locator("body").inner_text()
    assert "P SHARMA WAGES" not in body and "DP-0002" not in body
