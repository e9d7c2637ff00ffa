"""A pooled client account, the people whose money it holds, and which person each bank line is for."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, id_field, text_field


class PoolRow(SQLModel, table=True):
    """A client bank account: its id is its ledger book's id, as a DP account's is."""

    __tablename__ = "ledger_pools"

    id: uuid.UUID = id_field()
    name: str = text_field(200)
    opened_on: date
    created_at: datetime = created_at_field()


class PoolMemberRow(SQLModel, table=True):
    """A person whose money the pool holds. ``reference`` is what the bank lines for them carry (the
    council's payment reference, the provider's own reference on wages paid for them)."""

    __tablename__ = "ledger_pool_members"
    __table_args__ = (
        UniqueConstraint("pool_id", "member_book_id"),
        UniqueConstraint("pool_id", "reference"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: uuid.UUID = id_field()
    pool_id: uuid.UUID = Field(foreign_key="ledger_pools.id", index=True)
    member_book_id: uuid.UUID = Field(index=True)
    """The person's own DP account book, where their share of the pool is their bank account."""
    name: str = text_field(200)
    reference: str = text_field(40)
    sub_account: str = text_field(80)
    """Their sub-ledger in the pool's book: ``liabilities:clients:…``."""
    joined_on: date
    left_on: date | None = None
    created_at: datetime = created_at_field()


class PoolAssignmentRow(SQLModel, table=True):
    """A pooled bank line given to the person it is for (or to the provider's own money); set once."""

    __tablename__ = "ledger_pool_assignments"
    __table_args__ = (CheckConstraint("how IN ('reference', 'memory', 'hand')", name="how"),)

    line_id: uuid.UUID = Field(primary_key=True, foreign_key="ledger_statement_lines.id")
    pool_id: uuid.UUID = Field(foreign_key="ledger_pools.id", index=True)
    member_id: uuid.UUID | None = Field(default=None, foreign_key="ledger_pool_members.id", index=True)
    """None: the provider's own money (its fees taken out, money it put in)."""
    member_line_id: uuid.UUID | None = Field(default=None, foreign_key="ledger_statement_lines.id")
    """The same line in the person's own book, where their records follow it."""
    how: str = text_field(12)
    payee_key: str = text_field(100)
    assigned_at: datetime = created_at_field()


class PoolChargeRow(SQLModel, table=True):
    """A fee the provider charges a person from the money it holds for them: no bank line moves (the
    money stays in the client account), it passes from their sub-ledger to the provider's own money.
    ``key`` makes each charge once (the agreement's set-up fee; its fee for one payment)."""

    __tablename__ = "ledger_pool_charges"
    __table_args__ = (
        UniqueConstraint("pool_id", "key"),
        CheckConstraint("amount_pence > 0", name="positive"),
    )

    id: uuid.UUID = id_field()
    pool_id: uuid.UUID = Field(foreign_key="ledger_pools.id", index=True)
    member_id: uuid.UUID = Field(foreign_key="ledger_pool_members.id", index=True)
    key: str = text_field(120)
    charged_on: date
    amount_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    description: str = text_field(200)
    member_line_id: uuid.UUID = Field(foreign_key="ledger_statement_lines.id")
    """The charge as a line of the person's share, so their records and the council's reports show it."""
    created_at: datetime = created_at_field()
