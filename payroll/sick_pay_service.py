"""SSP for one PA in one pay period, from the absences and payslips held. Never commits.

Average weekly earnings (AWE) come from the PA's finalised payslips: the relevant period ends
with the last payday before the sickness and starts after the last payday at least 8 weeks
before that; the gross paid in it over its length in weeks (for monthly pay, months x 12 / 52)
(docs/reference/payroll.md §6.1). When the paydays held do not reach back 8 weeks (a new PA,
or one whose earlier pay was run elsewhere) the pay held is averaged over the weeks its pay
periods cover. A PA with no payday before the sickness needs the figure recorded on the absence.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ledgers.keyset import Keyset
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.ssp import Absence, SspResult, parse_qualifying_days, ssp_for_period
from payroll.statuses import PayRunStatus
from payroll.tables import PayRunRow, PayslipRow, PersonalAssistantRow, SicknessAbsenceRow

RELEVANT_PERIOD = timedelta(weeks=8)


def _weeks_covered(frequency: PayFrequency) -> Decimal:
    return Decimal(frequency.weeks) if frequency.weeks else Decimal(52) / 12


def average_weekly_earnings(paydays: list[tuple[date, int, str]], before: date) -> int | None:
    """AWE in pence from ``(paid_on, gross_pence, frequency)`` rows, for sickness starting ``before``."""
    earlier = sorted(row for row in paydays if row[0] < before)
    if not earlier:
        return None
    end = earlier[-1][0]
    starts = [row[0] for row in earlier if row[0] <= end - RELEVANT_PERIOD]
    start = starts[-1] if starts else None
    inside = [row for row in earlier if start is None or row[0] > start]
    earnings = Decimal(sum(row[1] for row in inside))
    if start is None:
        weekly = earnings / sum(_weeks_covered(PayFrequency(row[2])) for row in inside)
    elif all(row[2] == PayFrequency.MONTHLY for row in inside):
        weekly = earnings * 12 / (52 * len(inside))
    else:
        weekly = earnings * 7 / (end - start).days
    return int(weekly.quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def absences_up_to(
    session: AsyncSession, pa_ids: list[uuid.UUID], period_end: date
) -> dict[uuid.UUID, list[SicknessAbsenceRow]]:
    """Each PA's absences starting by ``period_end``: a pay run reads them all in one query."""
    found: dict[uuid.UUID, list[SicknessAbsenceRow]] = {}
    for absence in await session.scalars(
        select(SicknessAbsenceRow)
        .where(col(SicknessAbsenceRow.pa_id).in_(pa_ids), col(SicknessAbsenceRow.first_day) <= period_end)
        .order_by(col(SicknessAbsenceRow.first_day))
    ):
        found.setdefault(absence.pa_id, []).append(absence)
    return found


async def sick_pay_for_period(
    session: AsyncSession,
    pa: PersonalAssistantRow,
    absences: list[SicknessAbsenceRow],
    period_start: date,
    period_end: date,
) -> SspResult | None:
    """SSP for ``absences`` (the PA's, from ``absences_up_to``); None when none touches the period."""
    if not any(absence.last_day >= period_start for absence in absences):
        return None
    paydays = [
        (paid_on, gross, frequency)
        for paid_on, gross, frequency in (
            await session.execute(
                select(col(PayRunRow.paid_on), col(PayslipRow.gross_pence), col(PayRunRow.frequency))
                .join(PayRunRow, col(PayRunRow.id) == col(PayslipRow.pay_run_id))
                .where(
                    col(PayslipRow.pa_id) == pa.id,
                    col(PayRunRow.status) == PayRunStatus.FINALISED,
                    col(PayRunRow.paid_on) <= period_end,
                )
            )
        ).all()
    ]
    given = {
        a.first_day: a.average_weekly_earnings_pence for a in absences if a.average_weekly_earnings_pence is not None
    }
    thresholds = series("hmrc.ni.class1.thresholds")
    return ssp_for_period(
        [Absence(a.first_day, a.last_day) for a in absences],
        qualifying_days=parse_qualifying_days(pa.qualifying_days),
        average_weekly_earnings_pence=lambda first: (
            given.get(first) if first in given else average_weekly_earnings(paydays, first)
        ),
        weekly_lel_pounds=lambda day: thresholds.at(payment_date=day)["weekly"]["lel"],
        period_start=period_start,
        period_end=period_end,
    )


async def absences_of(
    session: AsyncSession, pa_id: uuid.UUID, *, page: Keyset | None = None
) -> list[SicknessAbsenceRow]:
    """Earliest first."""
    query = (
        select(SicknessAbsenceRow)
        .where(col(SicknessAbsenceRow.pa_id) == pa_id)
        .order_by(col(SicknessAbsenceRow.first_day))
    )
    if page is not None:
        query = page.apply(query, col(SicknessAbsenceRow.first_day), col(SicknessAbsenceRow.id))
    return list(await session.scalars(query))
