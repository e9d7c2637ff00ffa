"""Finding the database and proving it answers, with one sentence when it does not."""

from __future__ import annotations

import socket

import asyncpg

from dp_platform.db.address import parse_address, plain_url
from dp_platform.settings import ConfigurationError, Settings

CONNECT_TIMEOUT_SECONDS = 10


def resolve_database(settings: Settings) -> Settings:
    """Settings whose ``database_url`` is set: the configured server, or the embedded one started now."""
    if settings.database_url is not None:
        return settings
    from dp_platform.db.embedded import start_embedded

    return settings.with_embedded_database(start_embedded(settings.data_dir))


def asyncpg_dsn(url: str) -> str:
    """The same URL in the plain form asyncpg itself accepts."""
    return plain_url(url)


def describe_server(url: str) -> str:
    """Where a URL points, for messages; never includes the password."""
    parsed = parse_address(url)
    if parsed.host:
        return f"{parsed.host}:{parsed.port or 5432}"
    return f"the socket in {parsed.socket_dir}"


async def check_reachable(url: str) -> str:
    """Connect once and return the server's version string, or raise ``ConfigurationError``."""
    parsed = parse_address(url)
    where = describe_server(url)
    try:
        connection = await asyncpg.connect(asyncpg_dsn(url), timeout=CONNECT_TIMEOUT_SECONDS)
    except socket.gaierror:
        raise ConfigurationError(f"The database host '{parsed.host}' in DP_DATABASE_URL cannot be resolved.") from None
    except TimeoutError:
        raise ConfigurationError(
            f"The PostgreSQL server at {where} did not answer within {CONNECT_TIMEOUT_SECONDS} s."
        ) from None
    except asyncpg.InvalidCatalogNameError:
        raise ConfigurationError(
            f"The database '{parsed.database}' does not exist on the PostgreSQL server at {where}; "
            f"create it (createdb {parsed.database}) or fix DP_DATABASE_URL."
        ) from None
    except (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidPasswordError):
        raise ConfigurationError(
            f"The PostgreSQL server at {where} refused the login of user '{parsed.username}'; "
            f"check the user and password in DP_DATABASE_URL."
        ) from None
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        refused = isinstance(error, ConnectionRefusedError) or "connect call failed" in str(error).lower()
        reason = "connection refused" if refused else (str(error) or type(error).__name__)
        raise ConfigurationError(
            f"Cannot reach the PostgreSQL server at {where} ({reason}); is it running, and is DP_DATABASE_URL right?"
        ) from None
    try:
        return str(await connection.fetchval("SELECT version()"))
    finally:
        await connection.close()
