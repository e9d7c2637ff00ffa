"""``dp-platform serve``, ``demo``, ``migrate`` and ``check``: the web server and the database it needs."""

from __future__ import annotations

import argparse
import asyncio
import sys

from dp_platform.cli.common import _connect, _say, _where
from dp_platform.settings import ConfigurationError, Settings, hand_to_workers, secret_warning


def _serve(settings: Settings) -> int:
    import uvicorn

    warning = secret_warning(settings)  # refuses an address others can reach
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    if not 1 <= settings.workers <= 64:
        raise ConfigurationError("--workers must be 1 to 64.")
    if settings.workers > 1:
        hand_to_workers(settings)  # and let uvicorn's supervisor replace a worker that dies
        uvicorn.run(
            "dp_platform.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=None,
            access_log=False,
        )
        return 0
    from dp_platform.app import create_app

    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run()
    return 0


def _with_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    from dataclasses import replace

    changes = {key: getattr(args, key) for key in ("host", "port", "workers") if getattr(args, key, None) is not None}
    return replace(settings, **changes)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.db.migrate import schema_state

    settings, server_version = _connect(settings, migrate=True)
    state = asyncio.run(schema_state(settings.database_url))  # type: ignore[arg-type]
    _say(f"Database schema is at {state.current} ({_where(settings, server_version)}).")
    return 0


def cmd_check(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.db.migrate import schema_state

    settings, server_version = _connect(settings, migrate=False)
    _say(f"Database: reachable, {_where(settings, server_version)}.")
    state = asyncio.run(schema_state(settings.database_url))  # type: ignore[arg-type]
    if not state.is_current:
        _say(f"Schema: at {state.current or 'nothing'}, head is {state.head}; run 'dp-platform migrate'.")
        return 1
    _say(f"Schema: current ({state.head}).")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    secret_warning(_with_overrides(settings, args))  # refused before the database is touched
    settings, server_version = _connect(_with_overrides(settings, args), migrate=True)
    _say(f"Database: {_where(settings, server_version)}.")
    return _serve(settings)


async def _seed(url: str) -> bool:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.db.engine import create_engine
    from dp_platform.demo import seed_demo

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await seed_demo(session)
    finally:
        await engine.dispose()


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from dp_platform.demo import DEMO_LOGINS, DEMO_PASSWORD

    secret_warning(_with_overrides(settings, args))  # refused before the database is touched
    settings, server_version = _connect(_with_overrides(settings, args), migrate=True)
    seeded = asyncio.run(_seed(settings.database_url))  # type: ignore[arg-type]
    base = f"http://{settings.host}:{settings.port}"
    lines = [
        "",
        "dp-platform demo",
        f"  Database:  {_where(settings, server_version)}",
        f"  Demo data: {'added now' if seeded else 'already present, kept as it was'}",
        f"  Web pages: {base}/  (sign in with a demo login below)",
        f"  API docs:  {base}/docs",
        f"  Health:    {base}/health",
        f"  Demo logins (password for all: {DEMO_PASSWORD}):",
        *(f"    {login.email:<26} {login.role.value:<18} {login.name}, {login.description}" for login in DEMO_LOGINS),
        "",
    ]
    _say("\n".join(lines))
    if args.no_serve:
        return 0
    _say("Stop with Ctrl-C; the data is kept for next time.")
    return _serve(settings)
