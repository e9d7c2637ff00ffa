"""The card, as the people who use it: Fiona, council finance, issues Morag a Direct Payment card; a
bookmaker asks to take money with it and is refused; Morag reads why on her card page and freezes the
card. Stripe is the tests' own (``tests.stripe_fakes``); every page is checked with axe-core."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from dp_platform.db.connect import asyncpg_dsn
from tests.browser.conftest import Visitor
from tests.served import Served
from tests.stripe_fakes import authorisation_request, signed

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(served_with_cards: Served) -> str:
    return served_with_cards.base


async def _morags_card(database_url: str) -> tuple[str, str]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        row = await connection.fetchrow(
            "SELECT c.stripe_card_id, c.last4 FROM platform_cards c JOIN platform_dp_accounts a ON a.id = c.account_id"
            " WHERE a.holder_name = 'Morag Campbell'"
        )
    finally:
        await connection.close()
    return row["stripe_card_id"], row["last4"]


async def test_a_card_is_issued_refuses_a_bookmaker_in_plain_words_and_is_frozen(
    visitor: Visitor, served_with_cards: Served
) -> None:
    page = visitor.page
    await visitor.sign_in("finance@glenmore.example")
    await visitor.go("/accounts")
    await visitor.click("Morag Campbell")
    await visitor.click("Card")
    await visitor.shows("No card has been issued on this account.")
    await page.get_by_text("Issue a card").click()
    await page.get_by_label("Address").fill("12 Kessock Road")
    await page.get_by_label("Town or city").fill("Inverness")
    await page.get_by_label("Postcode").fill("IV3 8AB")
    await visitor.press("Issue the card")
    await visitor.shows("issued to Morag Campbell")
    stripe_card, last4 = await _morags_card(served_with_cards.database_url)

    body, headers = signed(authorisation_request(stripe_card, 2_000, "7995", "Lucky Bet Online"))
    async with httpx.AsyncClient(base_url=served_with_cards.base) as client:
        answer = await client.post("/api/stripe/webhooks", content=body, headers=headers)
    assert answer.status_code == 200 and answer.json()["approved"] is False

    await page.context.clear_cookies()
    await visitor.sign_in("morag@example.org")
    await visitor.click("What it may pay for")  # the council's statement of allowed spending
    await visitor.shows("What it may not pay for")
    await visitor.shows("Gambling")
    await visitor.click("Card")
    await visitor.shows("Lucky Bet Online")
    await visitor.shows("£20.00")
    await visitor.shows("cannot be used for gambling")
    await visitor.screenshot("card")
    await visitor.press(f"Freeze the card ending {last4}")
    await visitor.shows(f"The card ending {last4} is frozen")
    await visitor.shows(f"Unfreeze the card ending {last4}")
