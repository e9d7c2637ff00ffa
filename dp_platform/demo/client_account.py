"""The demo's managed account: Braeside Support, a managed-account provider, holds the Direct Payments
of Callum (DP-0002, at Isla's request) and of Hamish Baird (DP-0003) in one client bank account.
Its statement for the story's second period is imported as Braeside's staff would: each line given
to the person its reference names, Callum's share followed into his own records, and one card
payment with no reference left waiting for Braeside to say whose it is (the demo shows the
client-money check not yet balanced, and why)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.demo.calendar import DemoCalendar
from dp_platform.demo.mandates import grant_demo_mandate
from dp_platform.demo.statement import pounds
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import DpAccountRow, OrganisationRow, UserRow
from dp_platform.workflows.client_money import add_client, import_client_statement, open_client_account

MAY_2026 = [
    (date(2026, 5, 4), "GLENMORE COUNCIL DP DP-0002", 96_800),
    (date(2026, 5, 5), "GLENMORE COUNCIL DP DP-0003", 61_600),
    (date(2026, 5, 8), "P SHARMA WAGES DP-0002", -58_800),
    (date(2026, 5, 12), "HIGHLAND MOBILITY DP-0003", -14_500),
    (date(2026, 5, 15), "TESCO STORES 2231", -3_240),
]


def client_statement(when: DemoCalendar) -> bytes:
    """Lloyds layout, newest first, with running balances, from an empty new client account."""
    balance, rows = 0, []
    for written, description, pence in MAY_2026:
        balance += pence
        debit, credit = (pounds(-pence), "") if pence < 0 else ("", pounds(pence))
        rows.append(
            f"{when.on(written):%d/%m/%Y},DEB,'30-99-50,87654321,{description},{debit},{credit},{pounds(balance)}"
        )
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
    header += "Credit Amount,Balance"
    return ("\n".join([header, *reversed(rows)]) + "\n").encode()


async def seed_demo_client_account(
    session: AsyncSession,
    when: DemoCalendar,
    provider: OrganisationRow,
    staff: UserRow,
    clients: list[tuple[DpAccountRow, UserRow, str]],
) -> None:
    for account, holder, _ in clients:  # each holder asks Braeside to hold the money (regulation 5)
        await grant_demo_mandate(session, account, provider, holder, ["manage_money", "run_payroll", "view"])
    actor = await load_user_actor(session, staff.id)
    assert actor is not None
    opened_on = when.on(date(2026, 5, 1))
    held = await open_client_account(
        session, actor, provider.id, name="Braeside Support client account", opened_on=opened_on
    )
    for account, _, reference in clients:
        await add_client(session, actor, held.pool.id, account.id, reference=reference, joined_on=opened_on)
    first = when.on(MAY_2026[0][0])
    await import_client_statement(
        session,
        actor,
        held.pool.id,
        filename=f"braeside-client-account-{first:%B-%Y}.csv".lower(),
        data=client_statement(when),
    )
