"""Payroll tables.

``employer_account_id`` is the DP account that employs the PA. It is stored without a
foreign key because the account table belongs to the platform layer above this one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, id_field, text_field


class PersonalAssistantRow(SQLModel, table=True):
    """A Personal Assistant employed by a DP account holder."""

    __tablename__ = "payroll_personal_assistants"
    __table_args__ = (CheckConstraint("left_on IS NULL OR left_on >= started_on", name="left_after_started"),)

    id: uuid.UUID = id_field()
    employer_account_id: uuid.UUID = Field(index=True)
    full_name: str = text_field(200)
    started_on: date
    left_on: date | None = None
    created_at: datetime = created_at_field()
