"""The async SQLAlchemy engine (asyncpg) and the Litestar plugin that gives each request a session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

if TYPE_CHECKING:  # the Litestar plugin is the app's alone: commands that only query do not load it
    from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    import dp_platform.db.metadata  # noqa: F401 - every table mapped, so foreign keys resolve on any flush

    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def create_sqlalchemy_plugin(engine: AsyncEngine) -> SQLAlchemyPlugin:
    """The request owns the transaction: committed on a 2xx/3xx answer, rolled back otherwise."""
    from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin

    from dp_platform.db.metadata import metadata

    config = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        metadata=metadata,
        create_all=False,
        before_send_handler="autocommit_include_redirects",
        session_config=AsyncSessionConfig(expire_on_commit=False),
        set_default_exception_handler=False,
    )
    return SQLAlchemyPlugin(config=config)
