"""A PostgreSQL server's address (a ``postgresql://`` URL), read without loading SQLAlchemy.

Every ``dp-platform`` command reads ``DP_DATABASE_URL`` before it does anything; a command that only
asks the database a question should not pay for loading an ORM to split a URL. The address is kept
exactly as given after its scheme (user, password, host, database and options, already encoded as
URLs are), and only the scheme changes between the drivers that read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "postgresql+asyncpg"})


@dataclass(frozen=True, slots=True)
class DatabaseAddress:
    scheme: str
    rest: str
    """Everything after ``scheme://``, as given."""
    username: str | None
    host: str | None
    port: int | None
    database: str | None
    socket_dir: str | None
    """``?host=/run/postgresql``: a Unix socket's folder instead of a host."""

    def as_url(self, scheme: str) -> str:
        return f"{scheme}://{self.rest}"


def parse_address(raw: str) -> DatabaseAddress:
    """The parts of a database URL; ``ValueError`` when it is not one."""
    raw = raw.strip()
    scheme, separator, rest = raw.partition("://")
    if not separator or not scheme or " " in raw:
        raise ValueError("not a URL")
    parts = urlsplit(f"x://{rest}")
    port = parts.port  # raises ValueError for a port that is not a number
    socket = parse_qs(parts.query).get("host", [None])[0]
    return DatabaseAddress(
        scheme=scheme.lower(),
        rest=rest,
        username=unquote(parts.username) if parts.username else None,
        host=parts.hostname,
        port=port,
        database=unquote(parts.path.lstrip("/")) or None,
        socket_dir=socket,
    )


def socket_url(scheme: str, *, username: str, database: str, socket_dir: str) -> str:
    """The address of a server listening on a Unix socket in ``socket_dir`` (the embedded one)."""
    return f"{scheme}://{quote(username, safe='')}@/{quote(database, safe='')}?host={quote(socket_dir, safe='')}"


def plain_url(url: str) -> str:
    """The same address in the plain ``postgresql://`` form asyncpg and psycopg read."""
    return parse_address(url).as_url("postgresql")
