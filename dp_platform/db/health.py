"""Whether the database answers, which server it is and which migration it is at: the health check's facts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True, slots=True)
class DatabaseAnswer:
    server_version: str
    revision: str | None
    """The migration the schema is at, or None when it has none recorded."""


async def ask_database(engine: AsyncEngine) -> DatabaseAnswer | None:
    """None when the database does not answer, or answers without a schema at all."""
    try:
        async with engine.connect() as connection:
            version = await connection.scalar(text("SELECT version()"))
            revision = await connection.scalar(text("SELECT version_num FROM alembic_version LIMIT 1"))
    except (OSError, DBAPIError, SQLAlchemyError):
        return None
    return DatabaseAnswer(server_version=str(version), revision=revision)
