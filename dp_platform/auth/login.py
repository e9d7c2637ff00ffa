"""Password login and logout.

Attempts are counted in the database, so the limits hold however many app servers run:
at most 5 failures per email and 30 per client address in 15 minutes. Each attempt is
committed in its own transaction, because a failed login answers 401 and the request's
own transaction is rolled back on any error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dp_platform.audit.writer import record_event, user_chain
from dp_platform.auth.passwords import hash_password, verify_password
from dp_platform.auth.tables import LoginAttemptRow, RevokedTokenRow
from dp_platform.auth.tokens import IssuedToken, issue_token
from dp_platform.settings import Settings
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import NotAuthenticatedError, TooManyAttemptsError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.tables import UserRow

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 30
_UNUSED_HASH = hash_password("a password nobody has")


async def _failures(session: AsyncSession, column: object, value: str, since: datetime) -> int:
    query = select(func.count()).where(
        column == value,  # type: ignore[operator]
        LoginAttemptRow.succeeded.is_(False),  # type: ignore[attr-defined]
        LoginAttemptRow.attempted_at >= since,
    )
    return int(await session.scalar(query) or 0)


async def log_in(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    email: str,
    password: str,
    client: str,
    now: datetime,
) -> tuple[IssuedToken, Actor]:
    email = email.strip().lower()
    async with sessions() as session, session.begin():
        since = now - WINDOW
        if (
            await _failures(session, LoginAttemptRow.email, email, since) >= MAX_FAILURES_PER_EMAIL
            or await _failures(session, LoginAttemptRow.client, client, since) >= MAX_FAILURES_PER_CLIENT
        ):
            raise TooManyAttemptsError(
                "Too many failed logins; wait 15 minutes and try again.",
                retry_after_seconds=int(WINDOW.total_seconds()),
            )
        user = await session.scalar(select(UserRow).where(UserRow.email == email))
        stored = user.password_hash if user is not None and user.is_active and user.password_hash else None
        # Always verify against some hash, so answer time does not reveal whether the email exists.
        valid = verify_password(stored or _UNUSED_HASH, password) and stored is not None
        session.add(LoginAttemptRow(email=email, client=client, succeeded=valid, attempted_at=now))
        if not valid:
            await session.commit()
            raise NotAuthenticatedError("The email or password is wrong.")
        token = issue_token(user.id, secret=settings.jwt_secret, ttl_minutes=settings.token_ttl_minutes, now=now)
        actor = await load_user_actor(session, user.id, token_id=token.token_id)
        await record_event(
            session,
            actor=actor,
            action="auth.logged_in",
            subject_type="user",
            subject_id=user.id,
            chain=user_chain(user.id),
            details={"client": client, "token_id": token.token_id},
            occurred_at=now,
        )
    return token, actor  # type: ignore[return-value]


async def log_out(session: AsyncSession, actor: Actor, *, expires_at: datetime) -> None:
    """End the token the request came with."""
    if actor.user_id is None or actor.token_id is None:
        raise NotAuthenticatedError("Only a login token can be logged out; API keys are revoked instead.")
    session.add(RevokedTokenRow(jti=actor.token_id, user_id=actor.user_id, expires_at=expires_at))
    await record_event(
        session,
        actor=actor,
        action="auth.logged_out",
        subject_type="user",
        subject_id=actor.user_id,
        chain=user_chain(actor.user_id),
        details={"token_id": actor.token_id},
    )


async def token_revoked(session: AsyncSession, token_id: str) -> bool:
    return await session.get(RevokedTokenRow, token_id) is not None
