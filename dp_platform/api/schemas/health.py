from __future__ import annotations

from dp_platform.api.schemas.base import Schema


class DatabaseHealth(Schema):
    server_version: str
    """What ``SELECT version()`` answered, e.g. ``PostgreSQL 16.2 on x86_64-pc-linux-gnu``."""
    embedded: bool
    schema_revision: str | None
    schema_head: str
    schema_current: bool


class Health(Schema):
    status: str
    database: DatabaseHealth
