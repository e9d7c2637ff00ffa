"""The demo council's monitoring: the thresholds of its (made-up) Direct Payments policy, set by its
finance officer from the day the story starts, and Morag's employer's liability insurance, so the
exception queue shows what the records of the story really hold."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.thresholds import LocalThreshold, Threshold
from dp_platform.demo.calendar import WRITTEN_FOR, DemoCalendar
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import DpAccountRow, UserRow
from dp_platform.workflows.exceptions import set_council_threshold
from dp_platform.workflows.payroll import set_employer

POLICY = "Glenmore Council Direct Payments monitoring policy (a demonstration council), section 4"
THRESHOLDS = (
    (Threshold.STATEMENTS_WITHIN_DAYS, 35),
    (Threshold.UNRECONCILED_WEEKS, 8),
    (Threshold.DUPLICATE_WITHIN_DAYS, 3),
    (Threshold.CASH_LIMIT_PENCE, 25_000),
    (Threshold.HOURS_ABOVE_AGREED_PERCENT, 25),
    (Threshold.OVERSPEND_PERCENT, 10),
)


async def seed_demo_monitoring(
    session: AsyncSession, when: DemoCalendar, finance: UserRow, morag: DpAccountRow, morag_user: UserRow
) -> None:
    actor = await load_user_actor(session, finance.id)
    assert actor is not None and actor.authority_id is not None
    for name, value in THRESHOLDS:
        await set_council_threshold(
            session, actor, actor.authority_id, LocalThreshold(name, value, when.on(WRITTEN_FOR), POLICY)
        )
    employer = await load_user_actor(session, morag_user.id)
    assert employer is not None
    await set_employer(
        session,
        employer,
        morag.id,
        paye_reference="961/DP00001",
        accounts_office_reference="961PA00000018",
        claims_employment_allowance=True,
        insurance_expires_on=when.on(WRITTEN_FOR) + timedelta(days=364),
    )
