"""Every error leaves as an RFC 9457 problem, mapped in one place."""

import logging

import pytest
from litestar import get, post
from litestar.params import JSONBody
from litestar.testing import create_test_client
from msgspec import Struct
from sqlalchemy.exc import OperationalError

from dp_platform.errors import EXCEPTION_HANDLERS
from ledgers.errors import DomainError

pytestmark = pytest.mark.api


class NoSuchThingError(DomainError):
    category = "not_found"
    title = "No such thing"


class AlreadyDoneError(DomainError):
    category = "conflict"


class Body(Struct):
    amount_pence: int


@get("/api/missing")
async def missing() -> None:
    raise NoSuchThingError("Account DP-9 does not exist.")


@get("/api/conflict")
async def conflict() -> None:
    raise AlreadyDoneError("That pay run was finalised already.", field="pay_run_id")


@get("/api/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


@get("/api/database-down")
async def database_down() -> None:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError())


@post("/api/things")
async def create_thing(data: JSONBody[Body]) -> None:
    return None


def _client():
    return create_test_client(
        route_handlers=[missing, conflict, boom, database_down, create_thing],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
    )


@pytest.mark.parametrize(
    ("path", "status", "title", "problem_type"),
    [
        ("/api/missing", 404, "No such thing", "/problems/no-such-thing"),
        ("/api/conflict", 409, "The request breaks a rule", "/problems/already-done"),
    ],
)
def test_domain_errors_map_by_category(path, status, title, problem_type):
    with _client() as client:
        response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["title"] == title
    assert body["type"] == problem_type
    assert body["status"] == status
    assert body["instance"] == path


def test_a_domain_error_names_its_field():
    with _client() as client:
        assert client.get("/api/conflict").json()["field"] == "pay_run_id"


def test_invalid_bodies_are_400_problems_listing_each_error():
    with _client() as client:
        response = client.post("/api/things", json={"amount_pence": "ten pounds"})
    assert response.status_code == 400
    body = response.json()
    assert body["title"] == "Bad request"
    assert body["errors"][0]["key"] == "amount_pence"


def test_unknown_paths_and_methods_are_problems():
    with _client() as client:
        assert client.get("/api/nowhere").json()["status"] == 404
        assert client.delete("/api/missing").json()["status"] == 405


def test_an_unexpected_error_is_500_without_its_internals(caplog):
    with caplog.at_level(logging.ERROR), _client() as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "request id" in response.json()["detail"]
    assert any("secret internals" in str(record.exc_info) for record in caplog.records)


def test_a_lost_database_is_503():
    with _client() as client:
        response = client.get("/api/database-down")
    assert response.status_code == 503
    assert response.json()["detail"] == "The database is not answering; try again shortly."


@pytest.mark.parametrize(
    ("content_type", "body", "status", "field"),
    [
        ("text/plain", b'{"reason": "x"}', 415, None),
        ("application/json", b'{"reason": "a", "reason": "b"}', 400, "reason"),
        ("application/json", b"[" * 100_000 + b"]" * 100_000, 400, None),
        ("application/json", b'{"reason": "tab\\u0000nul"}', 400, "reason"),
        ("application/json", b'{"reason": NaN}', 400, None),
        ("application/json", b"{not json", 400, None),
    ],
)
async def test_a_body_that_is_not_plain_json_is_a_4xx_problem(api, world, content_type, body, status, field):
    response = await api.post(
        f"/api/accounts/{world.accounts['a1']}/pay-runs/{world.accounts['a1']}/reverse",
        headers={**world.headers("ann"), "content-type": content_type},
        content=body,
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json().get("field") == field


async def test_far_dates_in_a_query_and_a_second_revocation_are_not_500s(api, world):
    far = await api.get(
        f"/api/accounts/{world.accounts['a1']}/hmrc-summary", params={"on": "9999-12-31"}, headers=world.headers("ann")
    )
    assert far.status_code == 400 and far.json()["field"] == "on"
    keys = f"/api/organisations/{world.organisations['X']}/api-keys"
    created = (await api.post(keys, headers=world.headers("bureau_x"), json={"name": "sys", "scopes": ["view"]})).json()
    for _ in range(2):
        revoked = await api.post(f"{keys}/{created['id']}/revoke", headers=world.headers("bureau_x"))
        assert revoked.status_code in (200, 201), revoked.text


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/spend-reviews?status=open%00", "status"),  # found by Schemathesis: PostgreSQL refuses NUL, a 500
        ("/audit-events?action=x%1b", "action"),
        ("/statements/layouts/bank%00name", "name"),
    ],
)
async def test_a_control_character_in_a_query_or_path_is_a_400_naming_it(api, world, path, field):
    base = "/api" if path.startswith("/audit") else f"/api/accounts/{world.accounts['a1']}"
    if "layouts" in path:
        response = await api.put(base + path, headers=world.headers("ann"), json={"date_column": "Date"})
    else:
        response = await api.get(base + path, headers=world.headers("ann"))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
