"""Authentication state that must survive a restart and be shared by every app server."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from ledgers.columns import created_at_field, fk_field, id_field, text_field


class RevokedTokenRow(SQLModel, table=True):
    """A token logged out before it expired; rows past ``expires_at`` can be purged."""

    __tablename__ = "platform_revoked_tokens"

    jti: str = Field(sa_type=String(64), primary_key=True)
    user_id: uuid.UUID = fk_field("platform_users.id")
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime = created_at_field()


class LoginAttemptRow(SQLModel, table=True):
    """Every password login attempt, so limits hold across all app servers."""

    __tablename__ = "platform_login_attempts"
    __table_args__ = (
        Index("ix_platform_login_attempts_email_attempted_at", "email", "attempted_at"),
        Index("ix_platform_login_attempts_client_attempted_at", "client", "attempted_at"),
    )

    id: uuid.UUID = id_field()
    email: str = text_field(254)
    client: str = text_field(64)
    """The client's address as the server saw it."""
    succeeded: bool
    attempted_at: datetime = created_at_field()


class ApiKeyRow(SQLModel, table=True):
    """A key a bureau's own system uses to call the API as the organisation.

    Only a SHA-256 of the secret is stored: the secret is 256 random bits, so a fast hash
    is enough (there is nothing to brute-force), and lookups stay cheap on every request.
    """

    __tablename__ = "platform_api_keys"
    __table_args__ = (
        CheckConstraint("cardinality(scopes) > 0", name="has_scopes"),
        CheckConstraint(
            "scopes <@ ARRAY['view', 'run_payroll', 'import_statements', 'submit_returns',"
            " 'manage_agreement', 'manage_money']::varchar[]",
            name="known_scopes",
        ),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = fk_field("platform_organisations.id")
    name: str = text_field(100)
    secret_sha256: str = text_field(64)
    scopes: list[str] = Field(sa_column=Column(ARRAY(String(32)), nullable=False))
    created_by_user_id: uuid.UUID = Field(foreign_key="platform_users.id")
    created_at: datetime = created_at_field()
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class InvitationRow(SQLModel, table=True):
    """A one-time link that lets a person choose their own password: the only way a sign-in made for
    someone else (the person, their representative, a PA) gets one. Only a SHA-256 of the link's 256
    random bits is kept, as for API keys; the link is shown once, to whoever made it, to hand over."""

    __tablename__ = "platform_invitations"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = fk_field("platform_users.id")
    token_sha256: str = Field(sa_type=String(64), unique=True)
    account_id: uuid.UUID | None = Field(default=None, foreign_key="platform_dp_accounts.id")
    created_by_user_id: uuid.UUID | None = Field(default=None, foreign_key="platform_users.id")
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = created_at_field()
