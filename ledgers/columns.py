"""Column shapes every table in every package shares, so they are declared once.

Ids are UUIDv7 made in the application; times are timezone-aware UTC; text columns
carry an explicit SQL type so Alembic never has to guess one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, String, Text, Uuid, any_, bindparam, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field

from ledgers.ids import new_id


def utc_now() -> datetime:
    return datetime.now(UTC)


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True)


def created_at_field() -> Any:
    return Field(
        default_factory=utc_now,
        sa_type=DateTime(timezone=True),
        sa_column_kwargs={"server_default": func.now()},
        nullable=False,
    )


def text_field(length: int | None = None, **kwargs: Any) -> Any:
    """A ``str`` column: ``VARCHAR(length)``, or ``TEXT`` without a length."""
    return Field(sa_type=String(length) if length else Text, **kwargs)


def fk_field(target: str, **kwargs: Any) -> Any:
    return Field(foreign_key=target, index=True, **kwargs)


__all__ = ["created_at_field", "fk_field", "id_field", "text_field", "utc_now"]


def check_of(column: str, statuses: type[StrEnum]) -> str:
    """A CHECK constraint's SQL allowing exactly these statuses (``status IN ('draft', ...)``): the enum the
    code compares against and the rule the database keeps are one list."""
    return f"{column} IN ({', '.join(repr(status.value) for status in statuses)})"


def among(column: Any, ids: Iterable[uuid.UUID]) -> Any:
    """``column = ANY(:ids)``: one array parameter however many ids, where ``IN (...)`` would be a
    parameter each to compile and send (a council's ten thousand accounts, in every query)."""
    return column == any_(bindparam(None, list(ids), type_=ARRAY(Uuid)))


def insert_by_columns(table: Any, columns: dict[str, list[Any]]) -> Any:
    """``INSERT ... SELECT FROM unnest(...)``: many rows as one array parameter a column, where an executemany
    converts and sends a parameter set a row (a bureau's run pays 70,000 timesheet lines at once). Plain
    columns only: each value goes as its column's SQL type."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    names = [table.c[name].name for name in columns]  # the table's own columns: a name it lacks is a KeyError
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names)
    return text(f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays})").bindparams(  # noqa: S608
        **columns
    )
