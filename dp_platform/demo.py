"""A small, realistic demo data set, seeded once.

Everything here is fictional: Glenmore Council pays two Direct Payments; Morag holds
her own account and employs two PAs, Callum's mother Isla manages his as his
representative and employs one; Thistle Payroll Services runs payroll.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.auth.passwords import hash_password
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.tenancy.tables import (
    AccountMemberRow,
    AuthorityRow,
    DpAccountRow,
    OrganisationRow,
    UserRow,
)
from payroll.tables import PersonalAssistantRow

DEMO_AUTHORITY_CODE = "DEMO-GLENMORE"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - printed for people trying the demo


@dataclass(frozen=True, slots=True)
class DemoLogin:
    email: str
    role: Role
    name: str
    description: str


DEMO_LOGINS = (
    DemoLogin("finance@glenmore.example", Role.AUTHORITY_FINANCE, "Fiona Grant", "Glenmore Council finance"),
    DemoLogin("worker@glenmore.example", Role.AUTHORITY_WORKER, "Duncan Reid", "Glenmore Council social worker"),
    DemoLogin("morag@example.org", Role.EMPLOYER, "Morag Campbell", "holds DP-0001 and employs two PAs"),
    DemoLogin("isla@example.org", Role.EMPLOYER, "Isla Fraser", "manages DP-0002 for her son Callum"),
    DemoLogin("payroll@thistle.example", Role.BUREAU_STAFF, "Gordon Shaw", "Thistle Payroll Services"),
)


async def seed_demo(session: AsyncSession) -> bool:
    """Add the demo data unless it is there already; True when it was added now."""
    existing = await session.scalar(select(AuthorityRow.id).where(AuthorityRow.code == DEMO_AUTHORITY_CODE))
    if existing is not None:
        return False
    password_hash = hash_password(DEMO_PASSWORD)
    authority = AuthorityRow(code=DEMO_AUTHORITY_CODE, name="Glenmore Council", kind="local_authority")
    bureau = OrganisationRow(name="Thistle Payroll Services", kind="payroll_bureau")
    morag_account = DpAccountRow(
        authority_id=authority.id, reference="DP-0001", holder_name="Morag Campbell", opened_on=date(2024, 4, 1)
    )
    callum_account = DpAccountRow(
        authority_id=authority.id, reference="DP-0002", holder_name="Callum Fraser", opened_on=date(2025, 1, 13)
    )
    users = {
        login.email: UserRow(
            email=login.email,
            display_name=login.name,
            password_hash=password_hash,
            role=login.role.value,
            authority_id=authority.id if login.role in AUTHORITY_ROLES else None,
            organisation_id=bureau.id if login.role is Role.BUREAU_STAFF else None,
        )
        for login in DEMO_LOGINS
    }
    session.add_all([authority, bureau])
    await session.flush()
    session.add_all([morag_account, callum_account, *users.values()])
    await session.flush()
    session.add_all(
        [
            AccountMemberRow(account_id=morag_account.id, user_id=users["morag@example.org"].id, capacity="holder"),
            AccountMemberRow(
                account_id=callum_account.id, user_id=users["isla@example.org"].id, capacity="representative"
            ),
            PersonalAssistantRow(
                employer_account_id=morag_account.id, full_name="Ailsa Mackay", started_on=date(2024, 4, 8)
            ),
            PersonalAssistantRow(
                employer_account_id=morag_account.id, full_name="Ewan Robertson", started_on=date(2024, 9, 2)
            ),
            PersonalAssistantRow(
                employer_account_id=callum_account.id, full_name="Priya Sharma", started_on=date(2025, 1, 20)
            ),
        ]
    )
    await session.flush()
    return True
