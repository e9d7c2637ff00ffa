"""Audit events and the head of each hash chain.

Events are append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). Each chain —
one per DP account, and one each for user-, organisation- and platform-level events —
is numbered from 1 without gaps; every event's hash covers the previous event's hash,
so changing, removing or reordering any stored event breaks the chain from there on.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from ledgers.columns import id_field, text_field


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "platform_audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_platform_audit_events_account_id_occurred_at", "account_id", "occurred_at"),
        Index("ix_platform_audit_events_actor_user_id", "actor_user_id"),
    )

    id: uuid.UUID = id_field()
    chain: str = text_field(80)
    """``account:<id>``, ``user:<id>``, ``organisation:<id>`` or ``platform``."""
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    """Position in the chain, from 1, without gaps."""
    occurred_at: datetime = Field(sa_type=DateTime(timezone=True))
    account_id: uuid.UUID | None = Field(default=None, index=False)
    """The DP account the event belongs to, if any (the same id as in ``chain``)."""
    actor_user_id: uuid.UUID | None = None
    actor_role: str = text_field(32)
    """The actor's role, or ``system`` for the platform itself."""
    actor_organisation_id: uuid.UUID | None = None
    mandate_id: uuid.UUID | None = None
    """The mandate the actor acted under, when an organisation acted for the holder."""
    api_key_id: uuid.UUID | None = None
    action: str = text_field(80)
    """What happened, as ``noun.verb_past``: ``mandate.granted``, ``payrun.finalised``."""
    subject_type: str = text_field(40)
    subject_id: str = text_field(80)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    request_id: str | None = text_field(64, default=None, nullable=True)
    prev_hash: str = text_field(64)
    hash: str = text_field(64)


class AuditChainRow(SQLModel, table=True):
    """The last link of each chain; its row lock serialises writers to one chain."""

    __tablename__ = "platform_audit_chains"

    chain: str = Field(sa_type=String(80), primary_key=True)
    last_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_hash: str = text_field(64)


class AuditCheckpointRow(SQLModel, table=True):
    """The last event of a chain found intact by a verification, so the next one starts there.

    An ordinary verification re-checks this event (its hash still what was found, its content still
    matching it) and every event after it; a full verification (``full=True``) starts from the first
    event again, for anyone who suspects the stored events were rewritten together with this row."""

    __tablename__ = "platform_audit_checkpoints"

    chain: str = Field(sa_type=String(80), primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    hash: str = text_field(64)
    verified_at: datetime = Field(sa_type=DateTime(timezone=True))
