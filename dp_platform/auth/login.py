"""Password login and logout.

Attempts are counted in the database, so the limits hold however many app servers run. They
slow a guesser without locking the owner out: after 5 failures for one email from one client
address, that address waits before trying that email again, 30 seconds doubling with each further
failure up to 15 minutes, while the owner signing in from their own address is not held up; and
one address may fail 30 times in 15 minutes, whatever the emails. Each attempt is committed in
its own transaction, because a failed login answers 401 and the request's own transaction is
rolled back on any error. A successful login does not reset the count: the owner's own address
rarely fails five times, and a guesser who also holds the password needs no throttle.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from dp_platform.audit.writer import record_event, user_chain
from dp_platform.auth.passwords import verify_password
from dp_platform.auth.tables import LoginAttemptRow, RevokedTokenRow
from dp_platform.auth.tokens import IssuedToken, issue_token
from dp_platform.settings import Settings
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import NotAuthenticatedError, TooManyAttemptsError
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.tables import UserRow

WINDOW = timedelta(minutes=15)
MEMORY = timedelta(hours=24)
"""How long an address's failures with one email count towards its wait: a patient guesser stays
at one try every 15 minutes for the day, not back to five free tries every quarter hour."""
FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=30)
MAX_FAILURES_PER_CLIENT = 30


def wait_after(failures: int) -> timedelta:
    """How long an address waits before trying an email again after this many failures with it."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(WINDOW, FIRST_WAIT * 2 ** (failures - FREE_FAILURES))


async def _wait_left(session: AsyncSession, email: str, client: str, now: datetime) -> timedelta:
    failed = col(LoginAttemptRow.succeeded).is_(False)  # type: ignore[attr-defined]
    by_client = await session.scalar(
        select(func.count()).where(
            col(LoginAttemptRow.client) == client, failed, col(LoginAttemptRow.attempted_at) >= now - WINDOW
        )
    )
    if int(by_client or 0) >= MAX_FAILURES_PER_CLIENT:
        return WINDOW
    count, last = (
        await session.execute(
            select(func.count(), func.max(col(LoginAttemptRow.attempted_at))).where(
                col(LoginAttemptRow.email) == email,
                col(LoginAttemptRow.client) == client,
                failed,
                col(LoginAttemptRow.attempted_at) >= now - MEMORY,
            )
        )
    ).one()
    if not count:
        return timedelta(0)
    return max(timedelta(0), last + wait_after(int(count)) - now)


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
        wait = await _wait_left(session, email, client, now)
        if wait > timedelta(0):
            seconds = max(1, int(wait.total_seconds() + 0.999))
            raise TooManyAttemptsError(
                f"Too many failed logins from here; wait {_spoken(seconds)} and try again.",
                retry_after_seconds=seconds,
            )
        user = await session.scalar(select(UserRow).where(col(UserRow.email) == email))
        stored = user.password_hash if user is not None and user.is_active and user.password_hash else None
        valid = verify_password(stored, password)
        session.add(LoginAttemptRow(email=email, client=client, succeeded=valid, attempted_at=now))
        if not valid or user is None:  # a valid password means a user was found; said for the type checker
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


def _spoken(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"


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
