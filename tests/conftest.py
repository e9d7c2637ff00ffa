"""Shared fixtures: one real PostgreSQL database per test session, cleaned between tests.

Where the server is: ``DP_TEST_DATABASE_URL`` or ``DP_DATABASE_URL`` when set (any
server; the tests only ever touch a scratch database they create on it and drop at
the end), otherwise the embedded server, started in ``DP_TEST_DATA_DIR`` or a cache
folder. The scratch database is migrated once; each test that uses it leaves it empty.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import hashlib
import os
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dp_platform.auth.passwords import use_cheap_hashes_for_tests
from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.db.metadata import metadata
from dp_platform.db.migrate import upgrade_to_head
from dp_platform.settings import Settings, normalise_database_url
from tests.caches import USER_CACHE

pytest_plugins = ["tests.served"]
"""The demo served over HTTP on a free port, for clients that are not Litestar's test client."""

use_cheap_hashes_for_tests()
"""argon2id at its smallest cost for the passwords the tests make (the demo's, the tests' users'): at
the stored cost, about 160 ms each, hashing took a quarter of the everyday lane's time. The stored
cost is held to RFC 9106's by tests/unit/dp_platform/test_passwords.py, and the commands the tests
start in a subprocess hash at it."""


def _test_data_dir() -> Path:
    """One embedded server's folder per checkout: a server is run by its checkout's own binaries, so a
    second checkout (or a clone deleted and made again) never joins a server whose files are gone."""
    configured = os.environ.get("DP_TEST_DATA_DIR")
    if configured:
        return Path(configured)
    checkout = hashlib.sha256(str(Path(sys.prefix).resolve()).encode()).hexdigest()[:10]
    return USER_CACHE / f"test-postgres-{checkout}"


@pytest.fixture(scope="session")
def server_url() -> str:
    """A URL of the server's maintenance database, for creating and dropping scratch databases."""
    configured = os.environ.get("DP_TEST_DATABASE_URL") or os.environ.get("DP_DATABASE_URL")
    if configured:
        return normalise_database_url(configured, variable="DP_TEST_DATABASE_URL")
    url = start_embedded(_test_data_dir(), database="postgres")
    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # no event loop may run in this one
        thread.submit(asyncio.run, _without_crash_safety(url)).result()
    return url


async def _without_crash_safety(url: str) -> None:
    """The tests' own embedded server keeps nothing worth a crash: without fsync, the checkpoint each
    CREATE and DROP DATABASE forces is a write to memory, not seconds of waiting for the disk (the last
    minute of a run was spent dropping the scratch databases). Never set on a server the tests are given."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        for setting in ("fsync", "full_page_writes", "synchronous_commit"):
            await connection.execute(f"ALTER SYSTEM SET {setting} = off")
        await connection.execute("SELECT pg_reload_conf()")
    finally:
        await connection.close()


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
async def scratch_databases(server_url: str) -> AsyncIterator[list[str]]:
    """Names of every scratch database made this session; all are dropped at the end."""
    made: list[str] = []
    yield made
    connection = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        for name in made:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def make_database(server_url: str, scratch_databases: list[str]):  # type: ignore[no-untyped-def]
    """Factory: an empty scratch database on the test server; returns its SQLAlchemy URL."""

    async def make(prefix: str = "dp_test") -> str:
        name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
        connection = await asyncpg.connect(asyncpg_dsn(server_url))
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        scratch_databases.append(name)
        return _with_database(server_url, name)

    return make


@pytest.fixture(scope="session")
async def database_url(make_database) -> str:  # type: ignore[no-untyped-def]
    url = await make_database()
    await upgrade_to_head(url)
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


_QUEUE_TABLES = ("procrastinate_jobs", "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_workers")


@functools.cache
def _find_filled_tables() -> str:
    """One query naming the tables that hold a row: most tests fill a handful of some 65 tables."""
    names = [*(table.name for table in metadata.sorted_tables), *_QUEUE_TABLES]
    return " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT FROM \"{name}\")" for name in names)  # noqa: S608


async def _empty_all_tables(engine: AsyncEngine) -> None:
    """Empty what the test filled. A TRUNCATE of every table cost about 200 ms a test (a new file for each
    table and index); deleting the few rows a test wrote costs a few milliseconds."""
    async with engine.begin() as connection:
        filled = (await connection.execute(text(_find_filled_tables()))).scalars().all()
        if not filled:
            return
        # Append-only tables refuse DELETE by trigger, and foreign keys are checked by triggers too;
        # "replica" mode (superuser only) skips triggers for this one cleaning transaction.
        await connection.execute(text("SET LOCAL session_replication_role = replica"))
        for name in filled:
            await connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 - names from the metadata
            if name in _QUEUE_TABLES:  # their ids count up from 1 again, as after TRUNCATE ... RESTART IDENTITY
                await connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), 1, false)"))


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The migrated test database; every table is emptied after the test."""
    yield engine
    await _empty_all_tables(engine)


@pytest.fixture
async def session(db: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database; the test decides when to commit."""
    async with async_sessionmaker(db, expire_on_commit=False)() as session:
        yield session


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, log_level="WARNING")


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    from dp_platform.app import create_app

    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def api(client: AsyncTestClient[Litestar], db: AsyncEngine) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The HTTP client, with the database emptied and the browser cookies forgotten after the test."""
    yield client
    client.cookies.clear()


@pytest.fixture
async def pages(api: AsyncTestClient[Litestar], world, db: AsyncEngine):  # type: ignore[no-untyped-def]
    """The same client as a browser: signs in with a cookie and posts forms with their CSRF token."""
    from tests.pages import Pages

    return Pages(api, world, db)


@pytest.fixture
async def world(db: AsyncEngine, settings: Settings):  # type: ignore[no-untyped-def]
    from tests.world import build_world

    return await build_world(db, settings)


@pytest.fixture(scope="session")
async def stripe_fake():  # type: ignore[no-untyped-def]
    """localstripe as a real process, behind the checked Issuing fake, sending its webhooks to the fake."""
    import aiohttp

    from tests.stripe_fakes import WEBHOOK_SECRET, IssuingFake, start_localstripe

    process, localstripe = start_localstripe()
    fake = IssuingFake(localstripe=localstripe)
    fake.start()
    async with aiohttp.ClientSession() as session:
        registered = await session.post(
            f"{localstripe}/_config/webhooks/dp-platform",
            data={"url": f"{fake.url}/_webhooks", "secret": WEBHOOK_SECRET},
        )
        assert registered.status == 200
    yield fake
    fake.stop()
    process.kill()
    process.wait()


@pytest.fixture(scope="session")
async def card_client(settings: Settings, stripe_fake) -> AsyncIterator[AsyncTestClient[Litestar]]:  # type: ignore[no-untyped-def]
    """A second app with the Stripe settings, talking to the fakes (the shared app runs without them)."""
    from dataclasses import replace

    from dp_platform.app import create_app
    from tests.stripe_fakes import SECRET_KEY, WEBHOOK_SECRET

    configured = replace(
        settings, stripe_secret_key=SECRET_KEY, stripe_webhook_secret=WEBHOOK_SECRET, stripe_api_base=stripe_fake.url
    )
    async with AsyncTestClient(app=create_app(configured)) as client:
        yield client


def _longest_first(item: pytest.Item) -> int:
    for rank, marker in enumerate(("fuzz", "browser", "slow")):
        if item.get_closest_marker(marker):
            return rank
    return 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first (the fuzzer, the browser journeys, then the other slow ones), each group in
    file order: with several workers, a minute-long test started last would leave the others idle."""
    items.sort(key=_longest_first)
