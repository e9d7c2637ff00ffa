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
    response = await upload(api, world, "ann", files.barclays_csv(), profile="tide")
    assert response.status_code == 422 and "'tide' is not one of" in response.json()["detail"]


async def test_who_may_import(api, world):
    assert (await upload(api, world, "bureau_x", files.ofx(), "a.ofx")).status_code == 403  # no import scope
    assert (await upload(api, world, "finance_a", files.ofx(), "a.ofx")).status_code == 403
    assert (await upload(api, world, "cal", files.ofx(), "a.ofx")).status_code == 404
    assert (await upload(api, world, "bea", files.ofx(), "a.ofx", account="a2")).status_code == 201


def credit_union_csv(transactions, opening: int) -> bytes:
    """A layout no built-in profile knows: a credit union's export, dates year first."""
    lines = ["Statement for DP ACCOUNT", "Posted,Details,Out,In,Running total"]
    for value_on, description, pence, balance in files.running(transactions, opening):
        out, into = (files.pounds(-pence, False), "") if pence < 0 else ("", files.pounds(pence, False))
        lines.append(f'{value_on:%Y-%m-%d},{description},"{out}","{into}","{files.pounds(balance)}"')
    return ("\n".join(lines) + "\n").encode()


CREDIT_UNION = {
    "date_column": "Posted",
    "date_format": "YYYY-MM-DD",
    "description_columns": ["Details"],
    "paid_in_column": "In",
    "paid_out_column": "Out",
    "balance_column": "Running total",
}


async def test_a_layout_described_once_reads_this_file_and_the_next(api, world):
    from datetime import date

    april = credit_union_csv(files.TRANSACTIONS, files.OPENING_PENCE)
    refused = await upload(api, world, "ann", april, "april.csv")
    assert refused.status_code == 422
    assert "the first row reads Posted, Details, Out, In, Running total" in refused.json()["detail"]
    assert "describe the columns once" in refused.json()["detail"]

    layouts = f"{statements(world)}/layouts"
    described = await api.put(f"{layouts}/credit-union", headers=world.headers("ann"), json=CREDIT_UNION)
    assert described.status_code == 200, described.text
    first = await upload(api, world, "ann", april, "april.csv")
    assert first.status_code == 201 and first.json()["format"] == "csv:credit-union"
    may = [(date(2026, 5, 4), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000), (date(2026, 5, 7), "CITY CABS", -1_480)]
    second = await upload(api, world, "ann", credit_union_csv(may, 119_620), "may.csv")
    assert second.status_code == 201 and second.json()["format"] == "csv:credit-union"  # recognised, not asked again
    lines = (await api.get(f"{statements(world)}/lines", headers=world.headers("ann"))).json()
    assert [line["amount_pence"] for line in lines][-2:] == [184_000, -1_480]

    names = {
        layout["name"]: layout["built_in"]
        for layout in (await api.get(layouts, headers=world.headers("finance_a"))).json()
    }
    assert names["credit-union"] is False and names["natwest"] is True and len(names) == 12
    trail = (
        await api.get(f"/api/audit-events?account_id={world.accounts['a1']}", headers=world.headers("finance_a"))
    ).json()
    assert "ledger.bank_layout_described" in {event["action"] for event in trail["items"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_format": "MM/DD/YYYY"}, "date_format"),
        ({"description_columns": [" "]}, "description_columns"),
        ({"paid_in_column": None}, "amount_column"),
        ({"headed": False}, "date_column"),
    ],
)
async def test_a_layout_that_cannot_work_is_refused_naming_the_field(api, world, change, field):
    response = await api.put(
        f"{statements(world)}/layouts/credit-union", headers=world.headers("ann"), json={**CREDIT_UNION, **change}
    )
    assert response.status_code == 400 and response.json()["field"] == field, response.text


async def test_a_layout_cannot_take_a_built_in_name_and_only_importers_describe_one(api, world):
    url = f"{statements(world)}/layouts"
    assert (await api.put(f"{url}/lloyds", headers=world.headers("ann"), json=CREDIT_UNION)).status_code == 400
    assert (await api.put(f"{url}/mine", headers=world.headers("finance_a"), json=CREDIT_UNION)).status_code == 403
    assert (await api.put(f"{url}/mine", headers=world.headers("cal"), json=CREDIT_UNION)).status_code == 404
    assert (await api.get(url, headers=world.headers("cal"))).status_code == 404


async def test_a_file_with_no_heading_row_is_described_by_column_numbers(api, world):
    body = {"date_column": "2", "date_format": "DD/MM/YYYY", "description_columns": ["3"], "amount_column": "4"}
    described = await api.put(
        f"{statements(world)}/layouts/card",
        headers=world.headers("ann"),
        json={**body, "headed": False, "skip_rows": 1},
    )
    assert described.status_code == 200, described.text
    rows = ["DP prepaid card export"] + [
        f"{n},{value_on:%d/%m/%Y},{description},{files.pounds(pence).replace(',', '')}"
        for n, (value_on, description, pence, _) in enumerate(files.running(), start=1)
    ]
    imported = await upload(api, world, "ann", ("\n".join(rows) + "\n").encode(), "card.csv")
    assert imported.status_code == 201, imported.text
    assert imported.json()["format"] == "csv:card" and imported.json()["new_lines"] == 4


async def test_long_lists_come_in_pages_linked_by_a_cursor(api, world):
    """Bank lines, spend lines and ledger entries: a full page links to the next, the last does not."""
    from datetime import date

    lines = [(date(2026, 4, 1 + n), f"SHOP {n}", -(100 + n)) for n in range(5)]
    assert (await upload(api, world, "ann", files.nationwide_csv(lines), "shops.csv")).status_code == 201
    for path, limit in (("statements/lines", 2), ("spend-lines", 2)):
        url, seen = f"/api/accounts/{world.accounts['a1']}/{path}?limit={limit}", []
        while url:
            page = await api.get(url, headers=world.headers("finance_a"))
            assert page.status_code == 200, page.text
            seen += [line.get("amount_pence") for line in page.json()]
            link = page.headers.get("link")
            url = link[1 : link.index(">")] if link else None
        assert seen == [-100, -101, -102, -103, -104], path
    entries = f"/api/accounts/{world.accounts['a1']}/ledger/entries"
    assert (await api.get(f"{entries}?limit=0", headers=world.headers("ann"))).status_code == 400
    assert (await api.get(f"{entries}?limit=1001", headers=world.headers("ann"))).status_code == 400
    bad = await api.get(f"{entries}?after=yesterday", headers=world.headers("ann"))
    assert bad.status_code == 400 and bad.json()["field"] == "after"
