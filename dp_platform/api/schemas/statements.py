from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from litestar.datastructures import UploadFile

from dp_platform.api.schemas.base import Schema


@dataclass
class StatementUploadIn:
    """A multipart form: the statement file, and optionally its format and CSV profile."""

    file: UploadFile
    format: str | None = None
    """``csv``, ``ofx``, ``pdf``, ``qif`` or ``txt`` (Santander's text download); found from the file when left out."""
    profile: str | None = None
    """For CSV: a built-in bank layout or one described for the account (see ``statements/layouts``); found
    from the headings when left out."""


class StatementImportOut(Schema):
    statement_id: uuid.UUID
    format: str
    lines_in_file: int
    new_lines: int
    known_lines: int
    """Lines already stored from an earlier or overlapping statement, so not added again."""
    start_on: date
    end_on: date
    duplicate_file: bool


class StatementImportJobOut(Schema):
    """A large statement being imported after the upload was answered (202); follow ``href``."""

    id: uuid.UUID
    href: str
    status: str
    """``queued``, ``running``, ``done`` or ``failed`` (nothing stored; ``error`` says why, by line and field)."""
    filename: str
    lines_stored: int
    lines_to_store: int
    """0 until the file has been read."""
    started_at: datetime
    finished_at: datetime | None
    stopped: bool
    """Still not finished long after it started: its server stopped; upload the file again (nothing is
    stored twice)."""
    result: StatementImportOut | None
    error: str | None


class StatementOut(Schema):
    id: uuid.UUID
    filename: str
    format: str
    start_on: date
    end_on: date
    opening_balance_pence: int | None
    closing_balance_pence: int | None
    line_count: int
    new_line_count: int
    imported_at: datetime


class StatementLineOut(Schema):
    id: uuid.UUID
    statement_id: uuid.UUID
    value_on: date
    description: str
    amount_pence: int
    balance_after_pence: int | None
    reference: str | None


class SuggestionsAcceptedOut(Schema):
    matched: int
    """Lines matched to entries already in the ledger."""
    posted: int
    """Lines recorded in the ledger: remembered payees and the suggestions accepted."""
    waiting: int
    """Lines with no suggestion, still waiting for the person to say what they were."""
    needs_council: int
    """Of the suggestions accepted, how many wait for the council's decision."""


class BankLayoutIn(Schema):
    """The columns of a bank's CSV file, described once for the account."""

    date_column: str
    """The heading of the date column; with ``headed`` false, its number counted from 1."""
    date_format: str
    """``DD/MM/YYYY``, ``DD/MM/YY``, ``DD-MM-YYYY``, ``DD.MM.YYYY``, ``DD Mon YYYY``, ``DD Month YYYY``,
    ``YYYY-MM-DD`` or ``YYYY/MM/DD``."""
    description_columns: list[str]
    amount_column: str | None = None
    """One signed column (money out negative); or give both of the next two."""
    paid_in_column: str | None = None
    paid_out_column: str | None = None
    balance_column: str | None = None
    headed: bool = True
    """False when the file has no heading row."""
    skip_rows: int = 0
    """With no heading row: the rows above the first transaction."""


class BankLayoutOut(Schema):
    name: str
    bank: str
    built_in: bool
    definition: dict[str, object] | None = None
    """For a layout described for the account: what was said."""
