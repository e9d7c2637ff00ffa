"""Settings read once, at the edge, from ``DP_*`` environment variables.

``load_settings`` is pure (it reads only the mapping it is given) so tests build settings
without touching the process environment, and nothing else in the code base reads
``os.environ``. Every problem is reported as one sentence naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from dp_platform.db.address import POSTGRES_SCHEMES, parse_address

Environment = Literal["development", "production"]
LogFormat = Literal["json", "console"]

_DEVELOPMENT_JWT_SECRET = "dp-platform-development-secret-not-for-production-use"  # noqa: S105


class ConfigurationError(Exception):
    """The platform cannot start as configured; ``str(error)`` is one sentence for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment = "development"
    database_url: str | None = None
    """SQLAlchemy URL (``postgresql+asyncpg://``) of the server; ``None`` means the embedded one."""
    reports_database_url: str | None = None
    """A read replica of that server for council reports (``DP_REPORTS_DATABASE_URL``): workers read the
    report there, so a council's seconds of reading never load the primary. ``None``: the primary."""
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local" / "share" / "dp-platform")
    """Where the embedded PostgreSQL keeps its data folder (``<data_dir>/postgres``)."""
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_format: LogFormat = "console"
    jwt_secret: str = _DEVELOPMENT_JWT_SECRET
    db_pool_size: int = 10
    token_ttl_minutes: int = 60
    """How long a login token lasts; logging out ends it sooner."""
    workers: int = 1
    """Web server processes under one supervisor, which replaces any that dies (``DP_WORKERS``)."""
    stripe_secret_key: str | None = None
    """Stripe's secret API key (``DP_STRIPE_SECRET_KEY``); without it cards and card payments are off."""
    stripe_webhook_secret: str | None = None
    """The signing secret of the platform's webhook endpoint in Stripe (``DP_STRIPE_WEBHOOK_SECRET``)."""
    stripe_api_base: str | None = None
    """Another address for Stripe's API (``DP_STRIPE_API_BASE``): a test server such as localstripe."""
    stripe_webhook_tolerance_seconds: int = 300
    """How old a signed webhook may be before it is refused as a replay (Stripe's SDK default)."""
    worker_in_app: bool = True
    """The app server works the job queue itself after a request fills it (``DP_WORKER_IN_APP``); set it
    to false where ``dp-platform worker`` processes do the work, so web requests never wait on a job."""
    job_heartbeat_seconds: int = 10
    """How often a worker tells the queue it is alive (``DP_JOB_HEARTBEAT_SECONDS``)."""
    bureau_batch_employers: int = 100
    """Employers a bureau's run writes in one transaction (``DP_BUREAU_BATCH_EMPLOYERS``): fewer hold locks
    for less time and show progress in smaller steps; more take fewer round trips."""
    job_stalled_after_seconds: int = 60
    """A worker silent this long is taken as stopped and its job queued again (``DP_JOB_STALLED_AFTER_SECONDS``)."""
    embedded_database: bool = False
    """True once ``database_url`` has been filled in by starting the embedded server."""

    def with_embedded_database(self, url: str) -> Settings:
        return replace(self, database_url=url, embedded_database=True)


def normalise_database_url(raw: str, *, variable: str = "DP_DATABASE_URL") -> str:
    """Accept any ``postgres://``/``postgresql://`` URL and return it for SQLAlchemy's asyncpg driver."""
    try:
        address = parse_address(raw)
    except ValueError:
        raise ConfigurationError(
            f"{variable} is not a valid database URL; expected something like "
            f"postgresql://user:password@host:5432/database."
        ) from None
    if address.scheme not in POSTGRES_SCHEMES:
        raise ConfigurationError(f"{variable} must be a PostgreSQL URL (postgresql://...), not '{address.scheme}://'.")
    if not address.database:
        raise ConfigurationError(f"{variable} names no database; add one, as in postgresql://host:5432/dp.")
    if not address.host and not address.socket_dir:
        raise ConfigurationError(f"{variable} names no host; add one, as in postgresql://localhost:5432/dp.")
    return address.as_url("postgresql+asyncpg")


def _default_data_dir(environ: Mapping[str, str]) -> Path:
    """The XDG data directory rule, computed from ``environ`` so that loading stays pure."""
    if environ.get("XDG_DATA_HOME"):
        return Path(environ["XDG_DATA_HOME"]) / "dp-platform"
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "share" / "dp-platform"


def _int(environ: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not '{raw}'.") from None
    if not low <= value <= high:
        raise ConfigurationError(f"{name} must be between {low} and {high}, not {value}.")
    return value


def _choice(environ: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = environ.get(name) or default
    if value.lower() not in choices:
        raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, not '{value}'.")
    return value.lower()


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (environ.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{name} must be true or false, not '{raw}'.")


def load_settings(environ: Mapping[str, str]) -> Settings:
    environment = _choice(environ, "DP_ENV", "development", ("development", "production"))
    raw_url = environ.get("DP_DATABASE_URL", "").strip()
    database_url = normalise_database_url(raw_url) if raw_url else None
    raw_reports = environ.get("DP_REPORTS_DATABASE_URL", "").strip()
    reports_url = normalise_database_url(raw_reports, variable="DP_REPORTS_DATABASE_URL") if raw_reports else None
    if reports_url and database_url is None:
        raise ConfigurationError("DP_REPORTS_DATABASE_URL names a replica of DP_DATABASE_URL's server: set both.")
    jwt_secret = environ.get("DP_JWT_SECRET", "")
    if environment == "production":
        if not jwt_secret:
            raise ConfigurationError("DP_JWT_SECRET must be set when DP_ENV=production.")
        if database_url is None:
            raise ConfigurationError(
                "DP_DATABASE_URL must be set when DP_ENV=production; the embedded database is for development."
            )
    if jwt_secret and len(jwt_secret) < 32:
        raise ConfigurationError("DP_JWT_SECRET must be at least 32 characters long.")
    data_dir = environ.get("DP_DATA_DIR", "").strip()
    stripe_api_base = environ.get("DP_STRIPE_API_BASE", "").strip() or None
    if stripe_api_base and not stripe_api_base.startswith(("http://", "https://")):
        raise ConfigurationError(f"DP_STRIPE_API_BASE must be an http:// or https:// address, not '{stripe_api_base}'.")
    stripe_key = environ.get("DP_STRIPE_SECRET_KEY", "").strip() or None
    webhook_secret = environ.get("DP_STRIPE_WEBHOOK_SECRET", "").strip() or None
    if stripe_key and not webhook_secret:
        raise ConfigurationError(
            "DP_STRIPE_WEBHOOK_SECRET must be set with DP_STRIPE_SECRET_KEY: without it no card could be authorised."
        )
    heartbeat = _int(environ, "DP_JOB_HEARTBEAT_SECONDS", 10, low=1, high=300)
    stalled_after = _int(environ, "DP_JOB_STALLED_AFTER_SECONDS", max(60, 3 * heartbeat), low=2, high=3600)
    if stalled_after <= 2 * heartbeat:
        raise ConfigurationError(
            f"DP_JOB_STALLED_AFTER_SECONDS ({stalled_after}) must be more than twice DP_JOB_HEARTBEAT_SECONDS "
            f"({heartbeat}), or a worker that is only slow would be taken for stopped."
        )
    return Settings(
        environment=environment,  # type: ignore[arg-type]
        worker_in_app=_flag(environ, "DP_WORKER_IN_APP", True),
        job_heartbeat_seconds=heartbeat,
        job_stalled_after_seconds=stalled_after,
        bureau_batch_employers=_int(environ, "DP_BUREAU_BATCH_EMPLOYERS", 100, low=1, high=1000),
        database_url=database_url,
        reports_database_url=reports_url,
        data_dir=Path(data_dir).expanduser() if data_dir else _default_data_dir(environ),
        host=environ.get("DP_HOST") or "127.0.0.1",
        port=_int(environ, "DP_PORT", 8000, low=0, high=65535),
        log_level=_choice(environ, "DP_LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        log_format=_choice(  # type: ignore[arg-type]
            environ, "DP_LOG_FORMAT", "json" if environment == "production" else "console", ("json", "console")
        ),
        jwt_secret=jwt_secret or _DEVELOPMENT_JWT_SECRET,
        db_pool_size=_int(environ, "DP_DB_POOL_SIZE", 10, low=1, high=500),
        token_ttl_minutes=_int(environ, "DP_TOKEN_TTL_MINUTES", 60, low=1, high=24 * 60),
        stripe_secret_key=stripe_key,
        stripe_webhook_secret=webhook_secret,
        stripe_api_base=stripe_api_base,
        stripe_webhook_tolerance_seconds=_int(environ, "DP_STRIPE_WEBHOOK_TOLERANCE", 300, low=1, high=3600),
        workers=_int(
            environ, "DP_WORKERS", min(4, os.cpu_count() or 1) if environment == "production" else 1, low=1, high=64
        ),
    )


def get_settings() -> Settings:
    """The process's settings; the single place ``os.environ`` is read."""
    return load_settings(os.environ)


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def secret_warning(settings: Settings) -> str | None:
    """What serving with the development secret (written in the source, so anyone can sign a login with
    it) means here: refused on an address others can reach, a warning on this machine's own loopback."""
    if settings.jwt_secret != _DEVELOPMENT_JWT_SECRET:
        return None
    if settings.host not in LOOPBACK:
        raise ConfigurationError(
            f"Refusing to serve on {settings.host} with the development secret anyone can read in the source: "
            "set DP_JWT_SECRET (32 characters or more) first."
        )
    return (
        "Logins are signed with the development secret written in the source; this is safe only because the "
        f"server listens on {settings.host}. Set DP_JWT_SECRET before anyone else can reach it."
    )


def hand_to_workers(settings: Settings) -> None:
    """Each web worker process builds its settings from the environment: give it the database server this
    process resolved (the embedded one included), so every worker uses the same one."""
    if settings.database_url is not None:
        os.environ["DP_DATABASE_URL"] = settings.database_url
