"""Logging in and out, token expiry, the login rate limit, and API keys."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.tables import AuditEventRow
from dp_platform.auth.tokens import issue_token
from dp_platform.tenancy.tables import UserRow
from ledgers.columns import utc_now
from tests.world import email_of, set_password

pytestmark = pytest.mark.api


async def _login(api, email: str, password: str):
    return await api.post("/api/auth/login", json={"email": email, "password": password})


async def test_login_gives_a_token_that_works_until_logout(api, world, db):
    await set_password(db, world.users["ann"], "correct horse battery")
    email = await email_of(db, world.users["ann"])
    response = await _login(api, email.upper(), "correct horse battery")  # emails are case-insensitive
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["me"]["role"] == "employer"
    assert body["me"]["account_ids"] == [str(world.accounts["a1"])]
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = await api.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.json()["via"] == "token"

    assert (await api.post("/api/auth/logout", headers=headers)).status_code == 204
    after = await api.get("/api/me", headers=headers)
    assert after.status_code == 401
    assert "logged out" in after.json()["detail"]

    async with async_sessionmaker(db)() as session:
        actions = list(
            await session.scalars(
                select(AuditEventRow.action)
                .where(AuditEventRow.actor_user_id == world.users["ann"])
                .order_by(AuditEventRow.seq)
            )
        )
    assert actions == ["auth.logged_in", "auth.logged_out"]


async def test_a_wrong_password_and_an_unknown_email_read_the_same(api, world, db):
    await set_password(db, world.users["bea"], "right password")
    email = await email_of(db, world.users["bea"])
    wrong = await _login(api, email, "wrong password")
    unknown = await _login(api, "nobody@test.example", "wrong password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"] == "The email or password is wrong."
    assert wrong.headers["www-authenticate"].startswith("Bearer")


async def test_after_five_failures_from_one_address_even_the_right_password_waits(api, world, db):
    await set_password(db, world.users["cal"], "right password")
    email = await email_of(db, world.users["cal"])
    for _ in range(5):
        assert (await _login(api, email, "guess")).status_code == 401
    limited = await _login(api, email, "right password")
    assert limited.status_code == 429
    assert 25 <= int(limited.headers["retry-after"]) <= 30
    assert limited.json()["title"] == "Too many attempts"


async def test_a_guesser_is_slowed_more_and_more_but_the_owner_elsewhere_signs_in(world, db, settings):
    """The guesser's waits double (30 s, 60 s, 2 min ...) up to 15 minutes; Cal, signing in from home
    at the same time, is not held up by them."""
    from dp_platform.auth.login import log_in
    from dp_platform.tenancy.errors import NotAuthenticatedError, TooManyAttemptsError

    await set_password(db, world.users["cal"], "right password")
    email = await email_of(db, world.users["cal"])
    sessions = async_sessionmaker(db, expire_on_commit=False)
    now = utc_now()

    async def attempt(password: str, client: str, at=None):
        return await log_in(sessions, settings, email=email, password=password, client=client, now=at or now)

    waits = []
    for _ in range(5):
        with pytest.raises(NotAuthenticatedError):
            await attempt("guess", "203.0.113.9")
    for _ in range(6):
        with pytest.raises(TooManyAttemptsError) as held:
            await attempt("guess", "203.0.113.9")
        waits.append(held.value.retry_after_seconds)
        now += timedelta(seconds=held.value.retry_after_seconds)
        with pytest.raises(NotAuthenticatedError):
            await attempt("guess", "203.0.113.9")
    assert waits == [30, 60, 120, 240, 480, 900]
    token, actor = await attempt("right password", "198.51.100.20", utc_now())  # Cal at home, meanwhile
    assert actor.user_id == world.users["cal"] and token.access_token


async def test_an_expired_or_forged_token_is_refused(api, world, settings):
    past = utc_now() - timedelta(hours=1)
    claims = {
        "sub": str(world.users["ann"]),
        "iat": past,
        "exp": past + timedelta(minutes=5),
        "iss": "dp-platform",
        "jti": "expired",
    }
    expired = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    forged = issue_token(world.users["ann"], secret="x" * 40, ttl_minutes=5, now=utc_now()).access_token
    for token in (expired, forged):
        response = await api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["detail"] == "The login token is invalid or has expired; log in again."


async def test_a_token_claiming_to_last_until_2100_is_refused(api, world, settings):
    now = utc_now()
    claims = {
        "sub": str(world.users["ann"]),
        "iat": now,
        "exp": now.replace(year=2100),
        "iss": "dp-platform",
        "jti": "long",
    }
    response = await api.get("/api/me", headers={"Authorization": f"Bearer {jwt.encode(claims, settings.jwt_secret)}"})
    assert response.status_code == 401 and "longer than any token may" in response.json()["detail"]


async def test_a_deactivated_user_is_locked_out_at_once(api, world, db):
    headers = world.headers("finance_a")
    assert (await api.get("/api/me", headers=headers)).status_code == 200
    async with async_sessionmaker(db)() as session, session.begin():
        (await session.get(UserRow, world.users["finance_a"])).is_active = False
    assert (await api.get("/api/me", headers=headers)).status_code == 401


async def test_a_bureau_system_acts_through_a_scoped_api_key_until_it_is_revoked(api, world, db):
    staff = world.headers("bureau_x")
    keys = f"/api/organisations/{world.organisations['X']}/api-keys"
    created = await api.post(keys, headers=staff, json={"name": "payroll system", "scopes": ["view"]})
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    assert key.startswith("dpk_")
    listed = await api.get(keys, headers=staff)
    assert [item["name"] for item in listed.json()] == ["payroll system"]
    assert "key" not in listed.json()[0]

    as_system = {"X-API-Key": key}
    me = await api.get("/api/me", headers=as_system)
    assert me.json()["via"] == "api_key"
    assert me.json()["account_ids"] == [str(world.accounts["a1"])]
    assert (await api.get(f"/api/accounts/{world.accounts['a2']}", headers=as_system)).status_code == 404
    account = (await api.get(f"/api/accounts/{world.accounts['a1']}", headers=as_system)).json()
    assert account["allowed_actions"] == ["view"]  # the mandate allows payroll too; the key does not
    assert (await api.post(keys, headers=as_system, json={"name": "x", "scopes": ["view"]})).status_code == 403
    tampered = key[:-2] + ("aa" if not key.endswith("aa") else "bb")
    assert (await api.get("/api/me", headers={"X-API-Key": tampered})).status_code == 401

    revoked = await api.post(f"{keys}/{created.json()['id']}/revoke", headers=staff)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert (await api.get("/api/me", headers=as_system)).status_code == 401

    async with async_sessionmaker(db)() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditEventRow)
            .where(AuditEventRow.chain == f"organisation:{world.organisations['X']}")
        )
    assert count == 2  # created, revoked


async def test_api_keys_belong_to_their_own_organisation_only(api, world):
    other = f"/api/organisations/{world.organisations['X']}/api-keys"
    for user in ("bureau_y", "ann", "finance_a", "admin"):
        assert (await api.get(other, headers=world.headers(user))).status_code == 404, user
        response = await api.post(other, headers=world.headers(user), json={"name": "x", "scopes": ["view"]})
        assert response.status_code == 404, user
