"""The demo served for real: each test gets its own copy of the demo database, and the app under
test listening on 127.0.0.1 at a free port. Used where a real client (a browser, Schemathesis)
talks HTTP to the server rather than through Litestar's test client.

The demo is seeded once into a template database; each test gets a copy (CREATE DATABASE ...
TEMPLATE), so tests that change data never see each other's changes.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import pytest
import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.engine import create_engine
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.demo import seed_demo
from dp_platform.settings import Settings
from dp_platform.tenancy.policy import SCOTTISH_TIME


@dataclass(frozen=True, slots=True)
class Served:
    base: str
    """http://127.0.0.1:<port>"""
    database_url: str
    """The copy of the demo this server uses, for a test that needs to look behind the API."""


@pytest.fixture(scope="session")
def demo_day() -> date:
    """The day the demo is seeded for; its story is told relative to it."""
    return datetime.now(SCOTTISH_TIME).date()


@pytest.fixture(scope="session")
async def demo_template(make_database, demo_day: date) -> str:  # type: ignore[no-untyped-def]
    """A database holding the demo, never connected to again, so it can be copied."""
    url = await make_database("dp_demo_template")
    await upgrade_to_head(url)
    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            assert await seed_demo(session, today=demo_day)
    finally:
        await engine.dispose()
    return make_url(url).database  # type: ignore[return-value]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _serve(
    demo_template: str, server_url: str, scratch_databases: list[str], **settings: object
) -> AsyncIterator[Served]:
    name = f"dp_demo_{os.getpid()}_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"')
    finally:
        await connection.close()
    scratch_databases.append(name)
    from dp_platform.app import create_app

    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, log_level="WARNING", db_pool_size=4, **settings))  # type: ignore[arg-type]
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
        await asyncio.sleep(0.05)
    yield Served(f"http://127.0.0.1:{port}", url)
    server.should_exit = True
    await asyncio.wait_for(serving, timeout=30)


@pytest.fixture
async def served(demo_template: str, server_url: str, scratch_databases: list[str]) -> AsyncIterator[Served]:
    """The app on a fresh copy of the demo, listening on 127.0.0.1."""
    async for each in _serve(demo_template, server_url, scratch_databases):
        yield each


@pytest.fixture
async def served_with_cards(  # type: ignore[no-untyped-def]
    demo_template: str, server_url: str, scratch_databases: list[str], stripe_fake
) -> AsyncIterator[Served]:
    """The same, with the Stripe settings, talking to the tests' Stripe (``tests.stripe_fakes``)."""
    from tests.stripe_fakes import SECRET_KEY, WEBHOOK_SECRET

    async for each in _serve(
        demo_template,
        server_url,
        scratch_databases,
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=stripe_fake.url,
    ):
        yield each


_IDS = {
    "agreement_id": "SELECT id FROM agreement_agreements WHERE account_id = $1 ORDER BY created_at",
    "template_key": "SELECT template_key FROM agreement_agreements WHERE account_id = $1",
    "pa_id": "SELECT id FROM payroll_personal_assistants WHERE account_id = $1 ORDER BY full_name",
    "run_id": "SELECT id FROM payroll_pay_runs WHERE account_id = $1 ORDER BY period_number",
    "statement_id": "SELECT id FROM ledger_statements WHERE book_id = $1 ORDER BY end_on DESC",
    "line_id": "SELECT id FROM ledger_statement_lines WHERE book_id = $1 ORDER BY value_on DESC",
    "entry_id": "SELECT id FROM ledger_journal_entries WHERE book_id = $1 ORDER BY occurred_on DESC",
    "review_id": "SELECT id FROM ledger_spend_reviews WHERE book_id = $1 ORDER BY created_at",
    "mandate_id": "SELECT id FROM platform_mandates WHERE account_id = $1",
    "recovery_id": "SELECT r.id FROM agreement_recoveries r JOIN agreement_agreements a ON a.id = r.agreement_id"
    " WHERE a.account_id = $1",
}


async def demo_ids(database_url: str, email: str, reference: str) -> dict[str, str]:
    """The ids a role's requests name in the demo: its account's own agreement, PA, pay run, statement and
    so on, so generated or paged requests reach the handlers behind them."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        account_id, authority_id = await connection.fetchrow(
            "SELECT id, authority_id FROM platform_dp_accounts WHERE reference = $1", reference
        )
        ids = {"account_id": str(account_id), "authority_id": str(authority_id), "number": 1}
        for name, query in _IDS.items():
            value = await connection.fetchval(query + " LIMIT 1", account_id)
            if value is not None:
                ids[name] = str(value)
        organisation_id = await connection.fetchval(
            "SELECT organisation_id FROM platform_users WHERE email = $1", email
        )
        if organisation_id is not None:
            ids["organisation_id"] = str(organisation_id)
            key_id = await connection.fetchval(
                "SELECT id FROM platform_api_keys WHERE organisation_id = $1 LIMIT 1", organisation_id
            )
            if key_id is not None:
                ids["key_id"] = str(key_id)
    finally:
        await connection.close()
    return ids
