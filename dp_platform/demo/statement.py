"""The demo's bank statement: Morag's Direct Payment account in the story's second period (May 2026
as written; ``DemoCalendar`` moves it), imported as she would, so the spend checks have something to
show: her swimming is allowed by her agreement, an electricity bill paid from the wrong account is an
exception, and a respite stay in a care home waits for the council's approval."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.demo.calendar import DemoCalendar
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import DpAccountRow, UserRow
from dp_platform.workflows.statements import import_account_statement

OPENING_PENCE = 125_000 + 184_000
MAY_2026 = [
    (date(2026, 5, 1), "A MACKAY WAGES", -97_650),
    (date(2026, 5, 4), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
    (date(2026, 5, 7), "LEISURE CENTRE SWIM", -1_250),
    (date(2026, 5, 11), "SCOTTISH POWER DD", -8_400),
    (date(2026, 5, 14), "SUNNYSIDE CARE HOME RESPITE", -56_000),
    (date(2026, 5, 20), "MORRIS INSURANCE EL POLICY", -11_330),
]


def pounds(pence: int) -> str:
    """Pence as a bank's CSV writes pounds (1234.50), in integers: money is never a float."""
    return f"{'-' if pence < 0 else ''}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def may_statement(when: DemoCalendar) -> bytes:
    """Lloyds layout, newest first, with running balances."""
    balance, rows = OPENING_PENCE, []
    for written, description, pence in MAY_2026:
        day = when.on(written)
        balance += pence
        debit, credit = (pounds(-pence), "") if pence < 0 else ("", pounds(pence))
        rows.append(f"{day:%d/%m/%Y},DEB,'80-22-60,12345678,{description},{debit},{credit},{pounds(balance)}")
    header = "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,Debit Amount,"
    header += "Credit Amount,Balance"
    return ("\n".join([header, *reversed(rows)]) + "\n").encode()


def statement_filename(when: DemoCalendar) -> str:
    first = when.on(MAY_2026[0][0])
    return f"dp-account-{first:%B-%Y}.csv".lower()


async def seed_demo_statement(
    session: AsyncSession, when: DemoCalendar, account: DpAccountRow, holder: UserRow
) -> None:
    actor = await load_user_actor(session, holder.id)
    await import_account_statement(
        session, actor, account.id, filename=statement_filename(when), data=may_statement(when)
    )
