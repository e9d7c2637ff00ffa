"""Alembic environment: our own metadata, and either a connection handed in by
``dp_platform.db.migrate`` or the database the settings name (for the ``alembic`` command)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from dp_platform.db.metadata import metadata


def _ours(object: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The job queue's own tables (procrastinate's, created from its schema file) are not in our metadata."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate_"))


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_ours,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from dp_platform.db.connect import resolve_database
    from dp_platform.settings import get_settings

    settings = resolve_database(get_settings())
    engine = create_async_engine(settings.database_url, poolclass=NullPool)  # type: ignore[arg-type]
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure_and_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")

handed_in = context.config.attributes.get("connection")
if handed_in is not None:
    _configure_and_run(handed_in)
else:
    asyncio.run(_run_from_settings())
