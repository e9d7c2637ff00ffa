"""The request's unit of work (and the app's engine, for the health check), under the names the HTTP layer
gives them.

A controller receives the request's session and hands it to a workflow; it never queries with it.
Naming the type here lets ``dp_platform.api`` import no SQLAlchemy at all (a contract in
pyproject.toml), so a query written in a controller fails the import check rather than waiting for
a reviewer to notice it (architecture decision 0008).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine as DbEngine
from sqlalchemy.ext.asyncio import AsyncSession as DbSession

__all__ = ["DbEngine", "DbSession"]
