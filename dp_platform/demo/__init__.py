"""A small, realistic demo data set, seeded once.

Everything here is fictional: Glenmore Council pays two Direct Payments; Morag holds
her own account and employs two PAs, Callum's mother Isla manages his as his
representative and employs one; Thistle Payroll Services runs payroll. The story is
written for April and May 2026 and told on the days ``DemoCalendar`` moves it to, so
that on the day the demo is seeded its records are recent (``dp_platform.demo.calendar``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.auth.passwords import hash_password
from dp_platform.demo.agreements import seed_demo_agreements
from dp_platform.demo.calendar import DemoCalendar
from dp_platform.demo.client_account import seed_demo_client_account
from dp_platform.demo.mandates import grant_demo_mandate
from dp_platform.demo.monitoring import seed_demo_monitoring
from dp_platform.demo.statement import seed_demo_statement
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.policy import SCOTTISH_TIME
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.tenancy.tables import (
    AccountMemberRow,
    AuthorityRow,
    DpAccountRow,
    OrganisationRow,
    UserRow,
)
from dp_platform.workflows.ledger import open_account_book, record_entry
from dp_platform.workflows.payroll import (
    draft_account_pay_run,
    finalise_account_pay_run,
    record_timesheet,
    set_contract_rates,
    set_employer,
)
from payroll.periods import PayFrequency
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
    DemoLogin("callum@example.org", Role.EMPLOYER, "Callum Fraser", "DP-0002 is his: sees the same account as Isla"),
    DemoLogin("ailsa@example.org", Role.PERSONAL_ASSISTANT, "Ailsa Mackay", "Morag's PA: sees only her own pay"),
    DemoLogin("payroll@thistle.example", Role.BUREAU_STAFF, "Gordon Shaw", "Thistle Payroll Services"),
    DemoLogin("hamish@example.org", Role.EMPLOYER, "Hamish Baird", "holds DP-0003; Braeside Support manages his money"),
    DemoLogin(
        "accounts@braeside.example", Role.BUREAU_STAFF, "Eilidh Ross", "Braeside Support, a managed-account provider"
    ),
)
STAFF_OF = {"payroll@thistle.example": "bureau", "accounts@braeside.example": "provider"}


async def seed_demo(session: AsyncSession, today: date | None = None) -> bool:
    """Add the demo data unless it is there already; True when it was added now."""
    when = DemoCalendar.for_day(today or datetime.now(SCOTTISH_TIME).date())
    existing = await session.scalar(select(col(AuthorityRow.id)).where(col(AuthorityRow.code) == DEMO_AUTHORITY_CODE))
    if existing is not None:
        return False
    password_hash = hash_password(DEMO_PASSWORD)
    authority = AuthorityRow(code=DEMO_AUTHORITY_CODE, name="Glenmore Council", kind="local_authority")
    bureau = OrganisationRow(name="Thistle Payroll Services", kind="payroll_bureau")
    provider = OrganisationRow(name="Braeside Support", kind="managed_account_provider")
    organisations = {"bureau": bureau, "provider": provider}
    morag_account = DpAccountRow(
        authority_id=authority.id, reference="DP-0001", holder_name="Morag Campbell", opened_on=date(2024, 4, 1)
    )
    callum_account = DpAccountRow(
        authority_id=authority.id, reference="DP-0002", holder_name="Callum Fraser", opened_on=date(2025, 1, 13)
    )
    hamish_account = DpAccountRow(
        authority_id=authority.id, reference="DP-0003", holder_name="Hamish Baird", opened_on=date(2025, 6, 2)
    )
    users = {
        login.email: UserRow(
            email=login.email,
            display_name=login.name,
            password_hash=password_hash,
            role=login.role.value,
            authority_id=authority.id if login.role in AUTHORITY_ROLES else None,
            organisation_id=organisations[STAFF_OF[login.email]].id if login.email in STAFF_OF else None,
        )
        for login in DEMO_LOGINS
    }
    session.add_all([authority, bureau, provider])
    await session.flush()
    session.add_all([morag_account, callum_account, hamish_account, *users.values()])
    await session.flush()
    session.add_all(
        [
            AccountMemberRow(account_id=morag_account.id, user_id=users["morag@example.org"].id, capacity="holder"),
            AccountMemberRow(
                account_id=callum_account.id, user_id=users["isla@example.org"].id, capacity="representative"
            ),
            AccountMemberRow(account_id=callum_account.id, user_id=users["callum@example.org"].id, capacity="holder"),
            AccountMemberRow(account_id=hamish_account.id, user_id=users["hamish@example.org"].id, capacity="holder"),
            PersonalAssistantRow(
                account_id=morag_account.id,
                full_name="Ailsa Mackay",
                user_id=users["ailsa@example.org"].id,
                started_on=date(2024, 4, 8),
                date_of_birth=date(1990, 5, 1),
                ni_number="QQ123456A",
                tax_code="S1257L",
                pvg_checked_on=date(2024, 3, 20),
                pvg_expires_on=date(2029, 3, 20),
                right_to_work_checked_on=date(2024, 3, 20),
            ),
            PersonalAssistantRow(
                account_id=morag_account.id,
                full_name="Ewan Robertson",
                started_on=date(2024, 9, 2),
                date_of_birth=date(1985, 2, 11),
                ni_number="QQ654321B",
                tax_code="S1257L",
                pvg_checked_on=date(2024, 8, 15),
                pvg_expires_on=date(2029, 8, 15),  # no right-to-work check recorded: the demo shows the warning
            ),
            PersonalAssistantRow(
                account_id=callum_account.id,
                full_name="Priya Sharma",
                started_on=date(2025, 1, 20),
                date_of_birth=date(1999, 9, 9),
                ni_number="QQ112233C",
                tax_code="S1257L",
                pvg_checked_on=date(2025, 1, 10),
                pvg_expires_on=date(2030, 1, 10),
                right_to_work_checked_on=date(2025, 1, 10),
            ),
        ]
    )
    await session.flush()
    await grant_demo_mandate(
        session, morag_account, bureau, users["morag@example.org"], ["import_statements", "run_payroll", "view"]
    )
    await _start_demo_ledgers(
        session, when, [(morag_account, users["morag@example.org"]), (callum_account, users["isla@example.org"])]
    )
    await seed_demo_agreements(
        session,
        when,
        users["worker@glenmore.example"],
        (morag_account, users["morag@example.org"]),
        (callum_account, users["isla@example.org"]),
    )
    await seed_demo_statement(session, when, morag_account, users["morag@example.org"])
    await _first_demo_pay_runs(
        session, when, morag_account, users["morag@example.org"], callum_account, users["isla@example.org"]
    )
    await seed_demo_monitoring(
        session, when, users["finance@glenmore.example"], morag_account, users["morag@example.org"]
    )
    actor = await load_user_actor(session, users["hamish@example.org"].id)
    await open_account_book(session, actor, hamish_account)
    await seed_demo_client_account(
        session,
        when,
        provider,
        users["accounts@braeside.example"],
        [
            (callum_account, users["isla@example.org"], "DP-0002"),
            (hamish_account, users["hamish@example.org"], "DP-0003"),
        ],
    )
    return True


MORAG_CONTRACT = [
    ("standard", 1400, date(2026, 4, 1)),
    ("weekend", 1550, date(2026, 4, 1)),
    ("bank_holiday", 2100, date(2026, 4, 1)),
    ("sleepover", 1400, date(2026, 4, 1)),
]


async def _first_demo_pay_runs(
    session: AsyncSession,
    when: DemoCalendar,
    morag: DpAccountRow,
    morag_user: UserRow,
    callum: DpAccountRow,
    isla_user: UserRow,
) -> None:
    """The first period's timesheets; Morag's run finalised, Callum's left as a draft because
    Priya's sleepover was paid below the PA minimum (the demo shows the fair-work check at work).
    Morag's PAs have contracts, so their timesheets give hours only and the contract prices them."""
    pas = {pa.full_name: pa for pa in await session.scalars(select(PersonalAssistantRow))}
    weekdays = [when.on(date(2026, 4, 6)) + timedelta(days=offset) for offset in range(26) if (offset % 7) < 5]
    saturdays = [when.on(date(2026, 4, 11)), when.on(date(2026, 4, 18))]
    sheets = {
        "Ailsa Mackay": [(day, Decimal("7.5"), None, None) for day in weekdays[:18]],
        "Ewan Robertson": [(day, Decimal(6), None, None) for day in saturdays],
        "Priya Sharma": [(day, Decimal(6), "standard", 1400) for day in weekdays[:10]]
        + [(when.on(date(2026, 4, 9)), Decimal(9), "sleepover", 1100)],
    }
    for account, user, names in (
        (morag, morag_user, ("Ailsa Mackay", "Ewan Robertson")),
        (callum, isla_user, ("Priya Sharma",)),
    ):
        actor = await load_user_actor(session, user.id)
        assert actor is not None
        if account is morag:
            await set_employer(
                session,
                actor,
                account.id,
                paye_reference="961/DP00001",
                accounts_office_reference="961PA00000018",
                claims_employment_allowance=True,
            )
            for name in names:
                await set_contract_rates(session, actor, account.id, pas[name].id, MORAG_CONTRACT)
        for name in names:
            await record_timesheet(session, actor, account.id, pas[name].id, sheets[name])
        pay_run = await draft_account_pay_run(
            session,
            actor,
            account.id,
            frequency=PayFrequency.FOUR_WEEKLY,
            period_number=when.period(1),
            period_start=when.on(date(2026, 4, 6)),
            period_end=when.on(date(2026, 5, 3)),
            paid_on=when.on(date(2026, 5, 1)),
        )
        if not pay_run.findings:
            await finalise_account_pay_run(session, actor, account.id, pay_run.run.id, override_reason=None)


async def _start_demo_ledgers(
    session: AsyncSession, when: DemoCalendar, holders: list[tuple[DpAccountRow, UserRow]]
) -> None:
    """Each account gets its ledger and an opening balance entered by its holder; Callum's, whose
    agreement is not yet in force, also the council's interim payment. (Morag's payments follow her
    agreement: see ``dp_platform.demo.agreements``.)"""
    for account, holder in holders:
        actor = await load_user_actor(session, holder.id)
        await open_account_book(session, actor, account)
        entries = [
            (
                "demo-opening",
                when.on(date(2026, 4, 1)),
                "Opening balance brought forward",
                125_000,
                "equity:opening_balance",
            )
        ]
        if account.reference == "DP-0002":
            entries.append(
                (
                    "demo-dp-first",
                    when.on(date(2026, 4, 6)),
                    "Glenmore Council interim Direct Payment",
                    96_800,
                    "income:authority:dp_payment",
                )
            )
        for key, on, narration, pence, counter in entries:
            await record_entry(
                session,
                actor,
                account.id,
                occurred_on=on,
                narration=narration,
                postings=[("assets:bank:dp_account", pence), (counter, -pence)],
                idempotency_key=key,
            )
