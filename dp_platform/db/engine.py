"""The async SQLAlchemy engine (asyncpg) and the Litestar plugin that gives each request a session."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from dp_platform.db.metadata import metadata


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def create_sqlalchemy_plugin(engine: AsyncEngine) -> SQLAlchemyPlugin:
    """The request owns the transaction: committed on a 2xx/3xx answer, rolled back otherwise."""
    config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        metadata=metadata,
        create_all=False,
        before_send_handler="autocommit_include_redirects",
        session_config=AsyncSessionConfig(expire_on_commit=False),
        set_default_exception_handler=False,
    )
    return SQLAlchemyPlugin(config=config)
