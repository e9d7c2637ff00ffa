"""A council's monitoring thresholds: each a dated version with its source, never changed once
set (a new value is a new version from its own date), so an old finding can be explained by the
threshold that was in force when it was found.

``authority_id`` belongs to the platform layer; there is no foreign key here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, id_field, text_field


class MonitoringThresholdRow(SQLModel, table=True):
    __tablename__ = "agreement_monitoring_thresholds"
    __table_args__ = (UniqueConstraint("authority_id", "name", "effective_from"),)

    id: uuid.UUID = id_field()
    authority_id: uuid.UUID = Field(index=True)
    name: str = text_field(40)
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
    effective_from: date
    source_title: str = text_field(300)
    source_url: str | None = text_field(300, default=None, nullable=True)
    set_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()
