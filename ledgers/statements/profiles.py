"""Bank CSV layouts a person describes once, for a bank (or an export) the built-in profiles do
not know: which column holds the date and how it is written, the description, the amount (one
signed column, or paid in and paid out), the running balance, and whether the file has a heading
row. Kept for the account, a described layout is recognised in the next file like a built-in one.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.columns import utc_now
from ledgers.errors import LedgerError
from ledgers.statements.csv_import import PROFILES, CsvProfile
from ledgers.tables import CsvProfileRow

DATE_FORMATS = {
    "DD/MM/YYYY": "%d/%m/%Y",
    "DD/MM/YY": "%d/%m/%y",
    "DD-MM-YYYY": "%d-%m-%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "DD Mon YYYY": "%d %b %Y",
    "DD Month YYYY": "%d %B %Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "YYYY/MM/DD": "%Y/%m/%d",
}
"""How a person names a date layout, and how Python reads it; month-first dates are left out on
purpose: 04/05/2026 would be read as 5 April, and nobody would notice."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")


class ProfileError(LedgerError):
    title = "Cannot use that description of the columns"


def describe(
    *,
    name: str,
    date_column: str,
    date_format: str,
    description_columns: list[str],
    amount_column: str | None = None,
    paid_in_column: str | None = None,
    paid_out_column: str | None = None,
    balance_column: str | None = None,
    headed: bool = True,
    skip_rows: int = 0,
) -> CsvProfile:
    """A profile from what the person said, each problem named by its field."""
    name = name.strip().lower()
    if not _NAME.match(name):
        raise ProfileError("Name the layout with 2 to 40 letters, digits, - or _ (for example my-bank).", field="name")
    if name in PROFILES:
        raise ProfileError(f"'{name}' is a built-in layout already; choose another name.", field="name")
    if date_format not in DATE_FORMATS:
        raise ProfileError(f"Choose how dates are written: one of {', '.join(DATE_FORMATS)}.", field="date_format")
    columns = {
        "date_column": date_column.strip(),
        "amount_column": (amount_column or "").strip() or None,
        "paid_in_column": (paid_in_column or "").strip() or None,
        "paid_out_column": (paid_out_column or "").strip() or None,
        "balance_column": (balance_column or "").strip() or None,
    }
    descriptions = tuple(column.strip() for column in description_columns if column.strip())
    if not columns["date_column"]:
        raise ProfileError("Say which column holds the date.", field="date_column")
    if not descriptions:
        raise ProfileError("Say which column describes each payment.", field="description_columns")
    if (columns["amount_column"] is None) == (columns["paid_in_column"] is None or columns["paid_out_column"] is None):
        raise ProfileError(
            "Say which column holds the amount, or which two hold money paid in and money paid out.",
            field="amount_column",
        )
    if not 0 <= skip_rows <= 50:
        raise ProfileError("Rows above the first transaction: a number from 0 to 50.", field="skip_rows")
    if not headed:
        for field, column in [*columns.items(), *(("description_columns", column) for column in descriptions)]:
            if column is not None and not (column.isdigit() and int(column) > 0):
                raise ProfileError(
                    f"The file has no heading row, so name each column by its number from 1 ('{column}' is not).",
                    field=field,
                )
    return CsvProfile(
        name=name,
        bank=f"your layout '{name}'",
        date_formats=(DATE_FORMATS[date_format],),
        description_columns=descriptions,
        headed=headed,
        skip_rows=skip_rows if not headed else 0,
        **columns,  # type: ignore[arg-type]
    )


def definition_of(profile: CsvProfile) -> dict[str, Any]:
    date_format = next(label for label, pattern in DATE_FORMATS.items() if pattern == profile.date_formats[0])
    return {
        "name": profile.name,
        "date_column": profile.date_column,
        "date_format": date_format,
        "description_columns": list(profile.description_columns),
        "amount_column": profile.amount_column,
        "paid_in_column": profile.paid_in_column,
        "paid_out_column": profile.paid_out_column,
        "balance_column": profile.balance_column,
        "headed": profile.headed,
        "skip_rows": profile.skip_rows,
    }


async def save_profile(session: AsyncSession, book_id: uuid.UUID, profile: CsvProfile) -> CsvProfileRow:
    """Keep the layout for the account; describing a name again replaces what it said."""
    row = await session.scalar(
        select(CsvProfileRow).where(col(CsvProfileRow.book_id) == book_id, col(CsvProfileRow.name) == profile.name)
    ) or CsvProfileRow(book_id=book_id, name=profile.name, definition={})
    row.definition, row.updated_at = definition_of(profile), utc_now()
    session.add(row)
    await session.flush()
    return row


async def saved_profiles(session: AsyncSession, book_id: uuid.UUID) -> dict[str, CsvProfile]:
    rows = await session.scalars(
        select(CsvProfileRow).where(col(CsvProfileRow.book_id) == book_id).order_by(col(CsvProfileRow.created_at))
    )
    return {row.name: describe(**row.definition) for row in rows}
