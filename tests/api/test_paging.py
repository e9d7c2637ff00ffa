"""Every list that grows with use comes in keyset pages: walked one row at a time through the Link
headers, each list gives exactly the rows of one big page, in the same order, none twice.

Run on the demo (every list has rows in it) as each kind of user, over every operation the schema
says takes ``limit`` and ``after``, so a list that gains paging is checked without a new test.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.demo import DEMO_PASSWORD, seed_demo
from dp_platform.tenancy.policy import today
from tests.served import demo_ids

pytestmark = pytest.mark.api

VIEWERS = {
    "morag@example.org": "DP-0001",
    "payroll@thistle.example": "DP-0001",
    "finance@glenmore.example": "DP-0002",
}
PARAMETER = re.compile(r"\{(\w+)\}")
EXPECTED_PAGED = {
    "ListAccounts",
    "ListMandates",
    "ListApiKeys",
    "ListAgreements",
    "GetAgreementSchedule",
    "ListTimesheet",
    "ListSickness",
    "ListPayRuns",
    "ListSpendReviews",
    "ListStatements",
    "ListStatementLines",
    "ListSpendLines",
    "ListEntries",
    "GetAuthorityPortfolio",
    "ListCouncilDue",
}


async def _walk(api, url: str, headers: dict[str, str]) -> tuple[list[object], int]:
    seen: list[object] = []
    pages = 0
    while url:
        page = await api.get(url, headers=headers)
        assert page.status_code == 200, (url, page.text)
        seen += page.json()
        pages += 1
        link = page.headers.get("link")
        url = link[1 : link.index(">")] if link else ""
        assert pages <= 400, url
    return seen, pages


async def test_every_growing_list_walked_a_row_at_a_time_gives_the_same_rows(api, session: AsyncSession, database_url):
    async with session.begin():
        assert await seed_demo(session, today=today())
    schema = (await api.get("/docs/openapi.json")).json()
    paged = {
        operation["operationId"]: path
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method == "get" and {"limit", "after"} <= {p["name"] for p in operation.get("parameters", [])}
    }
    assert set(paged) >= EXPECTED_PAGED, EXPECTED_PAGED - set(paged)
    walked: dict[str, int] = {}
    for email, reference in VIEWERS.items():
        login = await api.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        ids = await demo_ids(database_url, email, reference)
        for operation_id, path in sorted(paged.items()):
            names = PARAMETER.findall(path)
            if not all(name in ids for name in names):
                continue
            url = path
            for name in names:
                url = url.replace("{" + name + "}", str(ids[name]))
            whole = await api.get(f"{url}?limit=1000", headers=headers)
            if whole.status_code == 403:  # not this role's list (a council's portfolio for an employer)
                continue
            assert whole.status_code == 200, (email, operation_id, whole.text)
            assert "link" not in whole.headers
            one_by_one, pages = await _walk(api, f"{url}?limit=1", headers)
            assert one_by_one == whole.json(), (email, operation_id)
            assert pages in (len(whole.json()), len(whole.json()) + 1)  # a full last page links to an empty one
            walked[operation_id] = max(walked.get(operation_id, 0), len(whole.json()))
    assert set(walked) >= EXPECTED_PAGED, EXPECTED_PAGED - set(walked)
    several = {name for name, rows in walked.items() if rows >= 2}
    assert several >= {
        "ListAccounts",
        "GetAuthorityPortfolio",
        "GetAgreementSchedule",
        "ListTimesheet",
        "ListSpendReviews",
        "ListStatementLines",
        "ListSpendLines",
        "ListEntries",
    }, walked


@pytest.mark.parametrize(
    ("query", "field"), [("limit=0", "limit"), ("limit=1001", "limit"), ("after=yesterday", "after")]
)
async def test_a_page_outside_the_bounds_is_refused_naming_the_field(api, world, query: str, field: str):
    answer = await api.get(f"/api/accounts?{query}", headers=world.headers("ann"))
    assert answer.status_code == 400 and answer.json()["field"] == field
