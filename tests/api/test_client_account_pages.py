"""The provider's client account on the page: opened, a person's money joins, the pooled statement
is uploaded, a waiting line is given by hand, and the client-money check reads Balanced."""

from __future__ import annotations

import re

import pytest

from tests import statement_files as files
from tests.api.test_client_accounts_api import MONTH, OPENED, _mandate, _provider

pytestmark = pytest.mark.api


async def client_account_page(pages, world, db) -> str:
    """Signed in as the provider's staff, with a client account opened on the page; its address."""
    await _provider(db, world)
    await pages.sign_in("bureau_y")
    await pages.get("/client-accounts")
    opened = await pages.post("/client-accounts", {"name": "Thistle Support client account", "opened_on": "2026-10-01"})
    assert opened.status_code == 303, opened.text
    return opened.headers["location"]


async def joined(pages, world, db, account: str = "a1", holder: str = "ann", reference: str = "GLN-A1") -> str:
    address = await client_account_page(pages, world, db)
    await _mandate(pages.client, world, holder, account)
    await pages.get(address)
    added = await pages.post(
        f"{address}/clients",
        {"account_id": str(world.accounts[account]), "reference": reference, "joined_on": OPENED.isoformat()},
    )
    assert added.status_code == 303, added.text
    return address


async def test_a_provider_works_its_client_account_on_the_page(pages, world, db):
    address = await joined(pages, world, db)
    page = await pages.get(address)
    assert "Ann" in page.text and "GLN-A1" in page.text
    refused = await pages.post(f"{address}/clients", {"account_id": "", "reference": "", "joined_on": "soon"})
    assert refused.status_code == 400
    assert "Choose the person whose money joins the account." in refused.text
    assert "Enter the reference their bank lines carry." in refused.text
    uploaded = await pages.post(
        f"{address}/statements",
        files={"statement": ("october.csv", files.lloyds_csv([MONTH[0], MONTH[2], MONTH[3]], opening=0))},
    )
    assert uploaded.status_code == 303, uploaded.text
    page = await pages.get(address)
    assert "Not balanced" in page.text and "MOBILITY SHOP ONLINE" in page.text
    line_id = re.search(r'action="/client-accounts/[0-9a-f-]+/lines/([0-9a-f-]+)"', page.text).group(1)
    unchosen = await pages.post(f"{address}/lines/{line_id}", {"for": ""})
    assert unchosen.status_code == 400 and "Choose whose money this line is." in unchosen.text
    given = await pages.post(f"{address}/lines/{line_id}", {"for": str(world.accounts["a1"])})
    assert given.status_code == 303, given.text
    page = await pages.get(address)
    assert "Balanced" in page.text and "Every line is given to someone." in page.text
    assert page.text.count("£930.00") >= 3  # the bank, held for clients, and Ann's share: £1,500 less £570
    again = await pages.post(f"{address}/assign-waiting")
    assert again.status_code == 303
    early = await pages.post(f"{address}/leave", {"leaving": str(world.accounts["a1"]), "left_on": "2026-11-01"})
    assert early.status_code == 422 and "£930.00 is still held for Ann" in early.text
    unchosen = await pages.post(f"{address}/leave", {"leaving": "", "left_on": ""})
    assert unchosen.status_code == 400 and "Choose the person whose money leaves the account." in unchosen.text


async def test_a_client_with_nothing_held_leaves_on_the_page(pages, world, db):
    address = await joined(pages, world, db)
    left = await pages.post(f"{address}/leave", {"leaving": str(world.accounts["a1"]), "left_on": "2026-10-02"})
    assert left.status_code == 303, left.text
    page = await pages.get(address)
    assert "End the arrangement" not in page.text, "nobody is left to leave"


async def test_the_client_account_pages_are_the_providers_alone(pages, world, db):
    address = await client_account_page(pages, world, db)
    for outsider in ("ann", "bureau_x", "finance_a"):
        await pages.sign_in(outsider)
        assert (await pages.get(address)).status_code in (403, 404), outsider


async def test_the_provider_sees_every_clients_returns_to_send(pages, world, db):
    from tests.api.test_reviews_api import STARTS, _quarterly

    agreement = await _quarterly(pages.client, world)
    await _provider(db, world)
    await _mandate(pages.client, world, "ann", "a1", scopes=("manage_money", "submit_returns"))
    await pages.sign_in("bureau_y")
    listed = await pages.get("/clients/returns")
    assert listed.status_code == 200
    assert "Ann" in listed.text and "Overdue" in listed.text
    sent = await pages.client.post(
        f"/api/accounts/{world.accounts['a1']}/agreements/{agreement}/returns",
        headers=world.headers("bureau_y"),
        json={
            "period_from": STARTS.isoformat(),
            "closing_bank_pence": 120_000,
            "spent_pence": 400_000,
            "evidence": "Client account statements",
        },
    )
    assert sent.status_code == 201, sent.text
    after = await pages.get("/clients/returns")
    assert after.text.count("<tr>") == listed.text.count("<tr>") - 1, "the sent one is gone"
