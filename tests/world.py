"""A small multi-tenant world for access tests: two authorities, three employers, two bureaux.

Glenmore (authority A) pays DP accounts a1 (Ann) and a2 (Bea); Strathy (authority B) pays
b1 (Cal). Bureau X holds a mandate over a1 in force, one over a2 that was revoked and one
over b1 that has expired. Bureau Y holds none. Organisation Z has no staff: mandates
granted to it in a test change what no test user sees. Every role has a user.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from dp_platform.auth.tokens import issue_token
from dp_platform.settings import Settings
from dp_platform.tenancy.tables import (
    AccountMemberRow,
    AuthorityRow,
    DpAccountRow,
    MandateRow,
    OrganisationRow,
    UserRow,
)
from ledgers.columns import utc_now
from ledgers.service import open_book

USERS = {
    "ann": ("employer", None, None),
    "bea": ("employer", None, None),
    "cal": ("employer", None, None),
    "finance_a": ("authority_finance", "A", None),
    "worker_a": ("authority_worker", "A", None),
    "finance_b": ("authority_finance", "B", None),
    "bureau_x": ("bureau_staff", None, "X"),
    "bureau_y": ("bureau_staff", None, "Y"),
    "admin": ("platform_admin", None, None),
}


@dataclass
class World:
    settings: Settings
    authorities: dict[str, uuid.UUID] = field(default_factory=dict)
    organisations: dict[str, uuid.UUID] = field(default_factory=dict)
    accounts: dict[str, uuid.UUID] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    mandates: dict[str, uuid.UUID] = field(default_factory=dict)

    def token(self, user: str) -> str:
        issued = issue_token(self.users[user], secret=self.settings.jwt_secret, ttl_minutes=30, now=utc_now())
        return issued.access_token

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}


async def build_world(engine: AsyncEngine, settings: Settings) -> World:
    world = World(settings=settings)
    today = date.today()  # noqa: DTZ011 - mandate dates are days; the margins below are whole days
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        for key, name in (("A", "Glenmore Council"), ("B", "Strathy Council")):
            row = AuthorityRow(code=f"TEST-{key}-{uuid.uuid4().hex[:6]}", name=name, kind="local_authority")
            session.add(row)
            world.authorities[key] = row.id
        for key in ("X", "Y", "Z"):
            row = OrganisationRow(name=f"Bureau {key} {uuid.uuid4().hex[:6]}", kind="payroll_bureau")
            session.add(row)
            world.organisations[key] = row.id
        await session.flush()
        for key, authority, holder in (("a1", "A", "Ann"), ("a2", "A", "Bea"), ("b1", "B", "Cal")):
            row = DpAccountRow(
                authority_id=world.authorities[authority],
                reference=key.upper(),
                holder_name=holder,
                opened_on=date(2025, 4, 1),
            )
            session.add(row)
            world.accounts[key] = row.id
        for key, (role, authority, organisation) in USERS.items():
            row = UserRow(
                email=f"{key}-{uuid.uuid4().hex[:6]}@test.example",
                display_name=key,
                role=role,
                authority_id=world.authorities[authority] if authority else None,
                organisation_id=world.organisations[organisation] if organisation else None,
            )
            session.add(row)
            world.users[key] = row.id
        await session.flush()
        for user, account in (("ann", "a1"), ("bea", "a2"), ("cal", "b1")):
            session.add(
                AccountMemberRow(account_id=world.accounts[account], user_id=world.users[user], capacity="holder")
            )
        mandates = {
            "in_force": ("a1", "ann", today - timedelta(days=30), None, None),
            "revoked": ("a2", "bea", today - timedelta(days=30), None, utc_now()),
            "expired": ("b1", "cal", today - timedelta(days=30), today - timedelta(days=1), None),
        }
        for key, (account, granter, valid_from, valid_to, revoked_at) in mandates.items():
            row = MandateRow(
                account_id=world.accounts[account],
                organisation_id=world.organisations["X"],
                scopes=["run_payroll", "view"],
                valid_from=valid_from,
                valid_to=valid_to,
                granted_by_user_id=world.users[granter],
                revoked_at=revoked_at,
                revoked_by_user_id=world.users[granter] if revoked_at else None,
            )
            session.add(row)
            world.mandates[key] = row.id
        for account_id in world.accounts.values():
            await open_book(session, account_id, date(2025, 4, 1))
    return world


async def set_password(engine: AsyncEngine, user_id: uuid.UUID, password: str) -> None:
    from dp_platform.auth.passwords import hash_password

    async with async_sessionmaker(engine)() as session, session.begin():
        user = await session.get(UserRow, user_id)
        user.password_hash = hash_password(password)  # type: ignore[union-attr]


async def email_of(engine: AsyncEngine, user_id: uuid.UUID) -> str:
    async with async_sessionmaker(engine)() as session:
        return (await session.get(UserRow, user_id)).email  # type: ignore[union-attr]
