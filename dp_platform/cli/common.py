"""What every ``dp-platform`` command shares: saying things, reaching the database, reading arguments,
acting as a named user. Light to import: each command loads what it needs when it runs."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlmodel import col

from dp_platform.db.connect import check_reachable, describe_server, resolve_database
from dp_platform.settings import ConfigurationError, Settings
from ledgers.errors import DomainError

Handler = Callable[[Settings, argparse.Namespace], int]


def _say(message: str) -> None:
    print(message, flush=True)


def _connect(settings: Settings, *, migrate: bool) -> tuple[Settings, str]:
    """Resolve and reach the database (and migrate it); return settings with the URL and the server version."""
    if settings.database_url is None:
        _say(f"Starting the embedded PostgreSQL in {settings.data_dir / 'postgres'} ...")
    settings = resolve_database(settings)
    server_version = asyncio.run(check_reachable(settings.database_url))  # type: ignore[arg-type]
    if migrate:
        from dp_platform.db.migrate import upgrade_to_head

        asyncio.run(upgrade_to_head(settings.database_url))  # type: ignore[arg-type]
    return settings, server_version


def _where(settings: Settings, server_version: str) -> str:
    short_version = " ".join(server_version.split()[:2])
    if settings.embedded_database:
        return f"embedded {short_version} in {settings.data_dir / 'postgres'}"
    return f"{short_version} at {describe_server(settings.database_url)}"  # type: ignore[arg-type]


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{raw}' is not a date like 2026-04-30") from None


def _refused(error: DomainError) -> int:
    problems = getattr(error, "problems", None)
    if problems:
        _say(f"Refused: {len(problems)} problem(s).")
        for problem in problems:
            _say(f"  {problem['field']}: {problem['detail']}")
    else:
        _say(f"Refused: {error.detail}" + (f" (field: {error.field})" if error.field else ""))
    return 1


async def _as_user(url: str, email: str, work: Callable[[Any, Any], Awaitable[int]]) -> int:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.tenancy.access import load_user_actor
    from dp_platform.tenancy.tables import UserRow

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            try:
                async with session.begin():
                    user = await session.scalar(select(UserRow).where(col(UserRow.email) == email.strip().lower()))
                    actor = await load_user_actor(session, user.id) if user else None
                    if actor is None:
                        raise ConfigurationError(f"{email} is not an active user.")
                    return await work(session, actor)
            except DomainError as error:
                return _refused(error)
    finally:
        await engine.dispose()


def _run(settings: Settings, args: argparse.Namespace, work: Callable[[Any, Any], Awaitable[int]]) -> int:
    settings, _ = _connect(settings, migrate=False)
    return asyncio.run(_as_user(settings.database_url, args.as_user, work))  # type: ignore[arg-type]


def account_argument(raw: str) -> uuid.UUID | str:
    """An account's id, or its reference (DP-0001), which ``dp-platform`` looks up before the command runs."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        if not raw.strip():
            raise argparse.ArgumentTypeError("give the account's reference (like DP-0001) or its id") from None
        return raw.strip()


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{raw}' is not an id (a UUID)") from None
