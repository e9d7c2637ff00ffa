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


@pytest.fixture
async def served(demo_template: str, server_url: str, scratch_databases: list[str]) -> AsyncIterator[Served]:
    """The app on a fresh copy of the demo, listening on 127.0.0.1."""
    name = f"dp_demo_{os.getpid()}_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template}"')
    finally:
        await connection.close()
    scratch_databases.append(name)
    from dp_platform.app import create_app

    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, log_level="WARNING", db_pool_size=4))
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
