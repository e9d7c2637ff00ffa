"""Tenancy tables. Every row that belongs to someone hangs off an authority or an organisation."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Uuid
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, fk_field, id_field, text_field


class AuthorityRow(SQLModel, table=True):
    """A local authority or health and social care partnership that pays Direct Payments."""

    __tablename__ = "platform_authorities"
    __table_args__ = (CheckConstraint("kind IN ('local_authority', 'hscp')", name="kind"),)

    id: uuid.UUID = id_field()
    code: str = text_field(32, unique=True)
    """A short stable code, e.g. the council's ONS/GSS code."""
    name: str = text_field(200)
    kind: str = text_field(32)
    created_at: datetime = created_at_field()


class OrganisationRow(SQLModel, table=True):
    """A payroll bureau, managed-account provider or independent support organisation."""

    __tablename__ = "platform_organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('payroll_bureau', 'managed_account_provider', 'independent_support')", name="kind"),
    )

    id: uuid.UUID = id_field()
    name: str = text_field(200, unique=True)
    kind: str = text_field(32)
    created_at: datetime = created_at_field()


class DpAccountRow(SQLModel, table=True):
    """One Option 1 Direct Payment account: one authority pays it, one person holds it."""

    __tablename__ = "platform_dp_accounts"
    __table_args__ = (
        UniqueConstraint("authority_id", "reference"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: uuid.UUID = id_field()
    authority_id: uuid.UUID = fk_field("platform_authorities.id")
    reference: str = text_field(40)
    """The authority's own reference for the DP (e.g. its case or finance reference)."""
    holder_name: str = text_field(200)
    """The supported person, in whose name the account is held."""
    opened_on: date
    closed_on: date | None = None
    created_at: datetime = created_at_field()


class UserRow(SQLModel, table=True):
    __tablename__ = "platform_users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            "role IN ('employer', 'bureau_staff', 'authority_finance', 'authority_worker', 'platform_admin', "
            "'personal_assistant')",
            name="role",
        ),
        CheckConstraint(
            "(role IN ('authority_finance', 'authority_worker')) = (authority_id IS NOT NULL)",
            name="authority_staff_have_authority",
        ),
        CheckConstraint(
            "(role = 'bureau_staff') = (organisation_id IS NOT NULL)", name="bureau_staff_have_organisation"
        ),
    )

    id: uuid.UUID = id_field()
    email: str = text_field(254, unique=True)
    display_name: str = text_field(200)
    password_hash: str | None = text_field(200, default=None, nullable=True)
    """argon2id hash; ``None`` means the user cannot log in with a password."""
    role: str = text_field(32)
    authority_id: uuid.UUID | None = fk_field("platform_authorities.id", default=None, nullable=True)
    organisation_id: uuid.UUID | None = fk_field("platform_organisations.id", default=None, nullable=True)
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    created_at: datetime = created_at_field()


class AccountMemberRow(SQLModel, table=True):
    """An employer user's link to a DP account: its holder, or a representative acting for them."""

    __tablename__ = "platform_account_members"
    __table_args__ = (
        CheckConstraint("capacity IN ('holder', 'representative')", name="capacity"),
        CheckConstraint(
            "legal_power IN ('none', 'guardian', 'continuing_attorney', 'welfare_attorney')", name="legal_power"
        ),
        Index("ix_platform_account_members_user_id", "user_id"),
    )

    account_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("platform_dp_accounts.id"), primary_key=True))
    user_id: uuid.UUID = Field(sa_column=Column(Uuid, ForeignKey("platform_users.id"), primary_key=True))
    capacity: str = text_field(32)
    legal_power: str = text_field(24, default="none", sa_column_kwargs={"server_default": "none"})
    """A representative's powers over the person's support under the Adults with Incapacity (Scotland) Act
    2000: a guardian, continuing attorney or welfare attorney may act for the person but may not be paid as
    their PA (2014 Regulations reg 9). Recorded by the council, which sees the order or power."""
    created_at: datetime = created_at_field()


__all__ = ["AccountMemberRow", "AuthorityRow", "DpAccountRow", "OrganisationRow", "UserRow"]


class MandateRow(SQLModel, table=True):
    """An organisation may act for a DP account holder, within a scope, for a period.

    Never deleted: a revoked or expired mandate stays as the record of what was allowed
    when. ``valid_to`` is inclusive; revocation takes effect at ``revoked_at``.
    """

    __tablename__ = "platform_mandates"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_to_after_valid_from"),
        CheckConstraint("cardinality(scopes) > 0", name="has_scopes"),
        CheckConstraint(
            "scopes <@ ARRAY['view', 'run_payroll', 'import_statements', 'submit_returns',"
            " 'manage_agreement', 'manage_money']::varchar[]",
            name="known_scopes",
        ),
        CheckConstraint("(revoked_at IS NULL) = (revoked_by_user_id IS NULL)", name="revocation_has_author"),
        Index("ix_platform_mandates_organisation_id_account_id", "organisation_id", "account_id"),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = fk_field("platform_dp_accounts.id")
    organisation_id: uuid.UUID = Field(foreign_key="platform_organisations.id")
    scopes: list[str] = Field(sa_column=Column(ARRAY(String(32)), nullable=False))
    valid_from: date
    valid_to: date | None = None
    granted_by_user_id: uuid.UUID = Field(foreign_key="platform_users.id")
    granted_at: datetime = created_at_field()
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    revocation_reason: str | None = text_field(None, default=None, nullable=True)


class ClientAccountRow(SQLModel, table=True):
    """A provider's pooled client bank account (a ``ledgers`` pool), and the organisation that holds it."""

    __tablename__ = "platform_client_accounts"

    pool_id: uuid.UUID = Field(primary_key=True, foreign_key="ledger_pools.id")
    organisation_id: uuid.UUID = Field(foreign_key="platform_organisations.id", index=True)
    created_at: datetime = created_at_field()
