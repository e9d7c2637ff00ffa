"""The card pages as a person uses them: the holder sees each answer at the till in words and can
freeze a lost card; the council issues and cancels cards and asks for money in; no page shows an id
or pence; without the Stripe settings the pages say cards are not set up."""

from __future__ import annotations

import re

import pytest

from tests.api.test_cards_api import _issue, _money_on_card, _stripe_card_id
from tests.pages import Pages
from tests.stripe_fakes import authorisation_request, signed

pytestmark = pytest.mark.api


@pytest.fixture
async def card_pages(card_client, world, db):
    yield Pages(card_client, world, db)
    card_client.cookies.clear()


async def test_the_holder_reads_why_the_card_was_refused_and_freezes_it(card_pages, card_client, world, db):
    card = (await _issue(card_client, world)).json()
    await _money_on_card(card_client, world)
    stripe_card = await _stripe_card_id(db, card["id"])
    body, headers = signed(authorisation_request(stripe_card, 1_250, "7995", "Lucky Bet Online"))
    await card_client.post("/api/stripe/webhooks", content=body, headers=headers)
    await card_pages.sign_in("ann")
    page = await card_pages.get(f"{card_pages.account()}/cards")
    assert page.status_code == 200
    text = page.text
    assert "Virtual card ending" in text and "Lucky Bet Online" in text and "£12.50" in text
    assert "Refused" in text and "gambling" in text.lower()
    assert "Issue a card" not in text  # the holder does not issue cards
    assert not re.search(r"ic_[0-9a-f]{6}|ich_|iauth_", text)  # Stripe's ids stay out of sight
    frozen = await card_pages.post(f"{card_pages.account()}/cards/{card['id']}/freeze")
    assert frozen.status_code == 303
    assert "Unfreeze the card ending" in (await card_pages.get(f"{card_pages.account()}/cards")).text
    refused = await card_pages.post(f"{card_pages.account()}/cards/{card['id']}/cancel", {"lost_or_stolen": "lost"})
    assert refused.status_code == 403


async def test_the_council_issues_a_card_from_the_page_with_errors_named(card_pages, world):
    await card_pages.sign_in("finance_a")
    page = await card_pages.get(f"{card_pages.account()}/cards")
    assert "Issue a card" in page.text
    missing = await card_pages.post(
        f"{card_pages.account()}/cards",
        {"cardholder_name": "Ann", "line1": "", "city": "Inverness", "postal_code": "IV1 1AA", "card_type": "virtual"},
    )
    assert missing.status_code == 400
    assert 'href="#line1"' in missing.text and "first line of the address" in missing.text
    issued = await card_pages.post(
        f"{card_pages.account()}/cards",
        {
            "cardholder_name": "Ann",
            "line1": "4 Harbour Road",
            "city": "Inverness",
            "postal_code": "IV1 1AA",
            "card_type": "physical",
        },
    )
    assert issued.status_code == 303
    shown = (await card_pages.get(f"{card_pages.account()}/cards")).text
    assert "Physical card ending" in shown and "Cancel the card ending" in shown


async def test_without_stripe_settings_the_card_page_says_so_and_offers_no_forms(pages, world):
    await pages.sign_in("finance_a")
    page = await pages.get(f"{pages.account()}/cards")
    assert page.status_code == 200
    assert "Cards are not set up on this platform" in page.text and "Issue a card" not in page.text
    payments = await pages.get(f"{pages.account()}/card-payments")
    assert "Card payments are not set up" in payments.text and "Ask for a payment" not in payments.text
