"""Login tokens: short-lived signed JWTs, each with an id so logging out can end it early."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import Token

from dp_platform.tenancy.errors import NotAuthenticatedError

ALGORITHM = "HS256"
ISSUER = "dp-platform"
LONGEST_LIFE = timedelta(hours=24)
"""No token is honoured for longer than this after it was issued, whatever its own expiry says: one
signed with a leaked secret for the year 2100 is worth a day at most (and settings cap the
lifetime the platform gives at the same day)."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    token_id: str
    expires_at: datetime


def issue_token(user_id: uuid.UUID, *, secret: str, ttl_minutes: int, now: datetime) -> IssuedToken:
    token_id = uuid.uuid4().hex
    expires_at = now + timedelta(minutes=ttl_minutes)
    token = Token(exp=expires_at, sub=str(user_id), iat=now, iss=ISSUER, jti=token_id)
    return IssuedToken(access_token=token.encode(secret, ALGORITHM), token_id=token_id, expires_at=expires_at)


def read_token(encoded: str, *, secret: str) -> Token:
    try:
        token = Token.decode(encoded, secret, ALGORITHM, issuer=[ISSUER], require_claims=["exp", "sub", "jti", "iat"])
        uuid.UUID(token.sub)
    except (NotAuthorizedException, ValueError):
        raise NotAuthenticatedError("The login token is invalid or has expired; log in again.") from None
    if token.exp - token.iat > LONGEST_LIFE:
        raise NotAuthenticatedError("The login token claims to last longer than any token may; log in again.")
    return token
