"""Ledger tables.

``book_id`` is the Option 1 DP account the ledger belongs to (an id owned by the layer
above, so it carries no foreign key here). Journal entries and postings are insert-only
(triggers refuse UPDATE, DELETE and TRUNCATE); a ledger account row is the one mutable
thing, holding the running balance and a version that every posting bumps under a row lock.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import Uuid
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, id_field, text_field


class LedgerAccountRow(SQLModel, table=True):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("book_id", "code"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    code: str = text_field(120)
    name: str = text_field(200)
    opened_on: date
    closed_on: date | None = None
    version: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    balance_pence: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    """Sum of every posting so far, debit positive."""
    created_at: datetime = created_at_field()


class JournalEntryRow(SQLModel, table=True):
    __tablename__ = "ledger_journal_entries"
    __table_args__ = (UniqueConstraint("book_id", "idempotency_key"), UniqueConstraint("reverses_entry_id"))

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    occurred_on: date
    """When it happened (value date), as against ``recorded_at``."""
    recorded_at: datetime = created_at_field()
    narration: str = text_field(500)
    source: str = text_field(40)
    """``manual``, ``reversal``, ``statement``, ``payroll``, ``authority_payment``..."""
    idempotency_key: str = text_field(200)
    request_hash: str = text_field(64)
    reverses_entry_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, ForeignKey("ledger_journal_entries.id"), nullable=True)
    )


class PostingRow(SQLModel, table=True):
    __tablename__ = "ledger_postings"
    __table_args__ = (
        UniqueConstraint("account_id", "account_version"),
        CheckConstraint("amount_pence <> 0", name="not_zero"),
        Index("ix_ledger_postings_account_id_occurred_on", "account_id", "occurred_on", "amount_pence"),
    )

    id: uuid.UUID = id_field()
    entry_id: uuid.UUID = Field(foreign_key="ledger_journal_entries.id", index=True)
    account_id: uuid.UUID = Field(foreign_key="ledger_accounts.id")
    book_id: uuid.UUID
    occurred_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    account_version: int = Field(sa_column=Column(BigInteger, nullable=False))
    balance_after_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    """The account's running balance just after this posting, in the order postings were recorded."""


class StatementRow(SQLModel, table=True):
    """One imported statement file; the same file twice is refused by its hash."""

    __tablename__ = "ledger_statements"
    __table_args__ = (UniqueConstraint("book_id", "file_sha256"),)

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    filename: str = text_field(255)
    file_sha256: str = text_field(64)
    format: str = text_field(40)
    start_on: date
    end_on: date
    opening_balance_pence: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    closing_balance_pence: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    line_count: int
    new_line_count: int
    imported_at: datetime = created_at_field()


class StatementLineRow(SQLModel, table=True):
    """A bank line, stored once however many statements show it (unique fingerprint per book)."""

    __tablename__ = "ledger_statement_lines"
    __table_args__ = (
        UniqueConstraint("book_id", "fingerprint"),
        CheckConstraint("amount_pence <> 0", name="not_zero"),
        Index("ix_ledger_statement_lines_book_id_value_on", "book_id", "value_on"),
    )

    id: uuid.UUID = id_field()
    book_id: uuid.UUID
    statement_id: uuid.UUID = Field(foreign_key="ledger_statements.id", index=True)
    source_line: str = text_field(40)
    value_on: date
    description: str = text_field(500)
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    balance_after_pence: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reference: str | None = text_field(100, default=None, nullable=True)
    fingerprint: str = text_field(64)


class MatchRow(SQLModel, table=True):
    """A bank line reconciled with the ledger posting that records it (each at most once)."""

    __tablename__ = "ledger_matches"
    __table_args__ = (
        UniqueConstraint("statement_line_id"),
        UniqueConstraint("posting_id"),
        CheckConstraint("matched_by IN ('auto', 'manual', 'posted')", name="matched_by"),
    )

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    statement_line_id: uuid.UUID = Field(foreign_key="ledger_statement_lines.id")
    posting_id: uuid.UUID = Field(foreign_key="ledger_postings.id")
    entry_id: uuid.UUID = Field(foreign_key="ledger_journal_entries.id")
    matched_by: str = text_field(10)
    """``auto`` (by the matcher), ``manual`` (a person paired them), ``posted`` (the entry was made from the line)."""
    score: int | None = None
    explanation: str = text_field(300)
    matched_at: datetime = created_at_field()


class CsvProfileRow(SQLModel, table=True):
    """A bank CSV layout a person described for their account, kept so the next file is read the same way."""

    __tablename__ = "ledger_csv_profiles"
    __table_args__ = (UniqueConstraint("book_id", "name"),)

    id: uuid.UUID = id_field()
    book_id: uuid.UUID = Field(index=True)
    name: str = text_field(40)
    definition: dict[str, Any] = Field(sa_column=Column(JSONB, nullable=False))
    """The ``CsvProfile`` fields, as ``ledgers.statements.profiles.definition_of`` writes them."""
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
