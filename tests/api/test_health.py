import pytest

from dp_platform.db.migrate import head_revision

pytestmark = pytest.mark.api


async def test_health_names_the_database_version_and_schema(api):
    response = await api.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["server_version"].startswith("PostgreSQL ")
    assert body["database"]["schema_current"] is True
    assert body["database"]["schema_revision"] == head_revision()


async def test_every_response_carries_a_request_id_and_a_good_incoming_one_is_kept(api):
    made = await api.get("/health")
    assert len(made.headers["x-request-id"]) == 32
    kept = await api.get("/health", headers={"X-Request-ID": "support-ticket-42"})
    assert kept.headers["x-request-id"] == "support-ticket-42"
    replaced = await api.get("/health", headers={"X-Request-ID": "bad id; drop table"})
    assert replaced.headers["x-request-id"] != "bad id; drop table"


async def test_openapi_schema_is_served_with_operation_ids(api):
    response = await api.get("/docs/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"]["/health"]["get"]["operationId"] == "GetHealth"


async def test_every_api_operation_documents_its_problem_responses(api):
    schema = (await api.get("/docs/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        if path.startswith("/api")
        for method, operation in methods.items()
    ]
    assert len(operations) > 100
    for path, method, operation in operations:
        for code in ("400", "403", "404", "422"):
            content = operation["responses"][code]["content"]["application/problem+json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Problem"}, (path, method, code)
        if method in ("post", "put", "delete"):
            assert "409" in operation["responses"], (path, method)
    login = schema["paths"]["/api/auth/login"]["post"]["responses"]
    assert "401" in login, "a wrong email or password is a 401, public operation or not"
    assert "429" in login
    assert set(schema["components"]["schemas"]["Problem"]["required"]) >= {"type", "title", "status", "detail"}


async def test_health_is_503_when_the_schema_is_behind(make_database):
    """A database that was never migrated is not healthy, and says so as a problem."""
    from litestar.testing import AsyncTestClient

    from dp_platform.app import create_app
    from dp_platform.settings import Settings

    app = create_app(Settings(database_url=await make_database(), log_level="WARNING"))
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 503


async def test_an_unknown_path_is_a_problem_carrying_the_request_id(api):
    response = await api.get("/api/no/such/thing", headers={"X-Request-ID": "trace-404"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["request_id"] == "trace-404"


async def test_the_home_page_links_to_sign_in_and_the_docs(api):
    response = await api.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/login"' in response.text and 'href="/docs"' in response.text
