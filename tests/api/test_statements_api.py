"""Uploading statements through HTTP: multipart, dedupe, clear refusals, and who may."""

from __future__ import annotations

import pytest

from tests import statement_files as files

pytestmark = pytest.mark.api


def statements(world, account="a1") -> str:
    return f"/api/accounts/{world.accounts[account]}/statements"


async def upload(api, world, user, data, name="april.csv", account="a1", **form):
    return await api.post(
        statements(world, account), headers=world.headers(user), files={"file": (name, data)}, data=form
    )


async def test_upload_then_the_same_file_again(api, world):
    first = await upload(api, world, "ann", files.nationwide_csv())
    assert first.status_code == 201, first.text
    assert first.json()["format"] == "csv:nationwide" and first.json()["new_lines"] == 4
    again = await upload(api, world, "ann", files.nationwide_csv())
    assert again.status_code == 200 and again.json()["duplicate_file"] is True
    listed = (await api.get(statements(world), headers=world.headers("finance_a"))).json()
    assert [(s["filename"], s["line_count"], s["closing_balance_pence"]) for s in listed] == [("april.csv", 4, 119_620)]
    lines = (await api.get(f"{statements(world)}/lines?value_from=2026-04-20", headers=world.headers("ann"))).json()
    assert [line["amount_pence"] for line in lines] == [-61_250, -8_130]


async def test_a_bad_file_is_a_422_problem_naming_line_and_field(api, world):
    response = await upload(api, world, "ann", files.lloyds_csv().replace(b",450.00,", b",abc,"), "bad.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "bad.csv, line 4, field 'Debit Amount': 'abc' is not an amount of money"
    assert body["field"] == "Debit Amount"
    assert (await api.get(statements(world), headers=world.headers("ann"))).json() == []


async def test_an_unknown_profile_is_refused(api, world):
    response = await upload(api, world, "ann", files.barclays_csv(), profile="hsbc")
    assert response.status_code == 422 and "'hsbc' is not one of" in response.json()["detail"]


async def test_who_may_import(api, world):
    assert (await upload(api, world, "bureau_x", files.ofx(), "a.ofx")).status_code == 403  # no import scope
    assert (await upload(api, world, "finance_a", files.ofx(), "a.ofx")).status_code == 403
    assert (await upload(api, world, "cal", files.ofx(), "a.ofx")).status_code == 404
    assert (await upload(api, world, "bea", files.ofx(), "a.ofx", account="a2")).status_code == 201
