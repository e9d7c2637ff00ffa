from __future__ import annotations

from dp_platform.api.schemas.base import Schema


class DatabaseHealthOut(Schema):
    server_version: str
    """What ``SELECT version()`` answered, e.g. ``PostgreSQL 16.2 on x86_64-pc-linux-gnu``."""
    embedded: bool
    schema_revision: str | None
    schema_head: str
    schema_current: bool


class HealthOut(Schema):
    status: str
    database: DatabaseHealthOut
