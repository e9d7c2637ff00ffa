"""Bank CSV exports, read through a column-mapping profile.

Built-in profiles (``data/bank_layouts.toml``) follow the column headings UK banks use in
their CSV downloads; any other layout is described with a ``CsvProfile`` of its own. The
header row is found by its headings, so preamble rows some banks put above it (account
name, balances) are skipped.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class CsvProfile:
    name: str
    bank: str
    date_column: str
    """A heading; in a file with no heading row, a column number counted from 1."""
    date_formats: tuple[str, ...]
    description_columns: tuple[str, ...]
    amount_column: str | None = None
    """One signed column: positive in, negative out."""
    paid_in_column: str | None = None
    paid_out_column: str | None = None
    """Or two unsigned columns."""
    balance_column: str | None = None
    reference_column: str | None = None
    headed: bool = True
    """False: the file has no heading row, and the columns above are numbers."""
    skip_rows: int = 0
    """For a file with no heading row: the rows above the first transaction."""
    also_headed: tuple[str, ...] = ()
    """Headings not read but looked for, to tell this bank's layout from a similar one."""

    def __post_init__(self) -> None:
        if (self.amount_column is None) == (self.paid_in_column is None or self.paid_out_column is None):
            raise ValueError(f"profile {self.name}: give either amount_column or both paid_in/paid_out columns")
        if not self.headed and not all(column.isdigit() and int(column) > 0 for column in self.required_columns):
            raise ValueError(f"profile {self.name}: with no heading row, name each column by its number from 1")

    @property
    def required_columns(self) -> tuple[str, ...]:
        columns = [self.date_column, *self.description_columns]
        for optional in (
            self.amount_column,
            self.paid_in_column,
            self.paid_out_column,
            self.balance_column,
            self.reference_column,
        ):
            if optional:
                columns.append(optional)
        return tuple(columns)


LAYOUTS = Path(__file__).resolve().parent / "data" / "bank_layouts.toml"


def _built_in(path: Path = LAYOUTS) -> dict[str, CsvProfile]:
    """The banks' layouts as data, each with what it was checked against (``checked``, not read here)."""
    profiles = {}
    for layout in tomllib.loads(path.read_text())["layout"]:
        fields = {name: value for name, value in layout.items() if name != "checked"}
        for name in ("date_formats", "description_columns", "also_headed"):
            if name in fields:
                fields[name] = tuple(fields[name])
        profile = CsvProfile(**fields)
        profiles[profile.name] = profile
    return profiles


PROFILES: dict[str, CsvProfile] = _built_in()


def decode(data: bytes, file: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Nationwide and others still export Windows-1252 (the £ sign)
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError(file, 1, "encoding", "the file is neither UTF-8 nor Windows-1252 text")


def _find_header(rows: list[list[str]], profile: CsvProfile) -> tuple[int, dict[str, int]] | None:
    """Where the heading row is and which column holds each field; for a file with no heading row,
    the row before the first transaction and the columns by number, if the rows are that wide."""
    if not profile.headed:
        positions = {column: int(column) - 1 for column in profile.required_columns}
        data = [row for row in rows[profile.skip_rows :] if any(cell.strip() for cell in row)]
        if not data or len(data[0]) <= max(positions.values()):
            return None
        if _day(data[0][positions[profile.date_column]].strip(), profile.date_formats) is None:
            return None
        return profile.skip_rows - 1, positions
    wanted = {column.lower() for column in (*profile.required_columns, *profile.also_headed)}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {cell.strip().lower(): position for position, cell in enumerate(row)}
        if wanted <= cells.keys():
            return index, {column: cells[column.lower()] for column in profile.required_columns}
    return None


def _headings_seen(rows: list[list[str]]) -> str:
    first = next((row for row in rows[:HEADER_SEARCH_ROWS] if len([cell for cell in row if cell.strip()]) > 1), None)
    if first is None:
        return "no row with more than one column"
    return "the first row reads " + ", ".join(cell.strip() for cell in first[:8] if cell.strip())[:200]


def detect_profile(rows: list[list[str]], file: str, saved: Mapping[str, CsvProfile] | None = None) -> CsvProfile:
    """The layout whose headings the file has: one the person described for this account first, then
    the built-in ones (the most specific, when several fit); a file with no heading row is recognised
    by its shape only after every headed layout failed."""
    for profiles in (list((saved or {}).values()), list(PROFILES.values())):
        headed = [profile for profile in profiles if profile.headed and _find_header(rows, profile)]
        matches = headed or [profile for profile in profiles if not profile.headed and _find_header(rows, profile)]
        if matches:
            return max(matches, key=lambda profile: len(profile.required_columns) + len(profile.also_headed))
    known = ", ".join([*sorted(PROFILES), *sorted(saved or {})])
    raise StatementError(
        file,
        1,
        "header",
        f"no known bank layout matches this file ({_headings_seen(rows)}; known: {known}); "
        "choose your bank, or describe the columns once and the account will remember them",
    )


@lru_cache(maxsize=4096)
def _day(text: str, formats: tuple[str, ...]) -> date | None:
    """Statements repeat a few hundred dates many times, and strptime is slow: remember each answer."""
    for pattern in formats:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _date(text: str, profile: CsvProfile, file: str, line: int) -> date:
    day = _day(text.strip(), profile.date_formats)
    if day is None:
        raise StatementError(file, line, profile.date_column, f"'{text}' is not a date like {profile.date_formats[0]}")
    return day


def _money(text: str, column: str, file: str, line: int) -> Money:
    try:
        return Money.parse(text)
    except ValueError:
        raise StatementError(file, line, column, f"'{text}' is not an amount of money") from None


def _unsigned(text: str, column: str, file: str, line: int) -> Money | None:
    if not text.strip():
        return None
    amount = _money(text, column, file, line)
    if amount.pence < 0:
        raise StatementError(file, line, column, f"'{text}' is negative; this column holds amounts without a sign")
    return amount


def parse_csv(
    data: bytes, file: str, profile: CsvProfile | None = None, saved: Mapping[str, CsvProfile] | None = None
) -> ParsedStatement:
    try:
        rows = list(csv.reader(io.StringIO(decode(data, file), newline="")))
    except csv.Error as error:
        raise StatementError(file, "?", "csv", f"not readable as CSV ({error})") from None
    profile = profile or detect_profile(rows, file, saved)
    found = _find_header(rows, profile)
    if found is None:
        expected = (
            f"the columns {', '.join(profile.required_columns)}"
            if profile.headed
            else f"no heading row, a date like {profile.date_formats[0]} in column {profile.date_column} and at least "
            f"{max(int(column) for column in profile.required_columns)} columns"
        )
        raise StatementError(
            file, 1, "header", f"this is not a {profile.bank} export: expected {expected} ({_headings_seen(rows)})"
        )
    header_index, columns = found
    width = max(columns.values()) + 1
    date_at = columns[profile.date_column]
    description_at = [columns[column] for column in profile.description_columns]
    amount_at = columns[profile.amount_column] if profile.amount_column else None
    in_at = columns[profile.paid_in_column] if profile.paid_in_column else None
    out_at = columns[profile.paid_out_column] if profile.paid_out_column else None
    balance_at = columns[profile.balance_column] if profile.balance_column else None
    reference_at = columns[profile.reference_column] if profile.reference_column else None
    lines: list[StatementLine] = []
    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if len(row) < width:
            if not any(cell.strip() for cell in row):
                continue
            raise StatementError(
                file,
                index,
                profile.required_columns[-1],
                f"the row has {len(row)} columns where {width} are needed; is the file cut short?",
            )
        if not row[date_at].strip() and not any(cell.strip() for cell in row):
            continue
        value_on = _date(row[date_at], profile, file, index)
        if amount_at is not None:
            amount = _money(row[amount_at], profile.amount_column, file, index)  # type: ignore[arg-type]
        else:
            paid_in = _unsigned(row[in_at], profile.paid_in_column, file, index)  # type: ignore[index, arg-type]
            paid_out = _unsigned(row[out_at], profile.paid_out_column, file, index)  # type: ignore[index, arg-type]
            if (paid_in is None) == (paid_out is None):
                raise StatementError(
                    file,
                    index,
                    profile.paid_in_column or "amount",
                    "exactly one of the paid-in and paid-out columns must hold an amount",
                )
            amount = paid_in if paid_in is not None else -paid_out  # type: ignore[operator]
        if not amount:
            raise StatementError(file, index, profile.amount_column or "amount", "the amount is zero")
        balance = None
        if balance_at is not None and row[balance_at].strip():
            balance = _money(row[balance_at], profile.balance_column, file, index)  # type: ignore[arg-type]
        description = " ".join(row[at].strip().lstrip("'") for at in description_at if row[at].strip())
        reference = (row[reference_at].strip().lstrip("'") or None) if reference_at is not None else None
        lines.append(StatementLine(index, value_on, description, amount, balance, reference))
    if not lines:
        raise StatementError(file, header_index + 2, "rows", "the file has a header but no transactions")
    ordered = in_date_order(lines)
    opening = None
    if ordered[0].balance_after is not None:
        opening = ordered[0].balance_after - ordered[0].amount
    return ParsedStatement(
        f"csv:{profile.name}", tuple(ordered), opening_balance=opening, closing_balance=ordered[-1].balance_after
    )
