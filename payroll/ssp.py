"""Statutory Sick Pay for the sick days inside one pay period. Pure: no I/O.

SSP is worked out over the whole linked chain of sickness, then the days inside the pay
period are paid, so waiting days and the 28-week limit come out the same however the chain
falls across pay runs. Each day uses the rule in force on it (``hmrc.statutory_pay.ssp``):
to 5 April 2026 a period of incapacity for work (PIW) needs 4 days in a row, the first 3
qualifying days are waiting days and average weekly earnings (AWE) must reach the lower
earnings limit; from 6 April 2026 SSP is due from the first qualifying day at the lower of
£123.25 and 80% of AWE (Employment Rights Act 2025; docs/reference/payroll.md §6.1).
PIWs link when 8 weeks (56 days) or less separate them; a chain pays at most 28 weeks.
A week's amount is its weekly rate x days paid / qualifying days in the week, rounded up to
the penny as HMRC's daily rate tables are. Transitional protection for people already on SSP
on 6 April 2026 is not applied: its rules are not in the stored sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from payroll.errors import PayrollError
from payroll.rates import RateValue, series

LINK_DAYS = 56
MAX_WEEKS = 28
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Absence:
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class SspResult:
    amount_pence: int
    days_paid: int
    waiting_days: int
    notes: tuple[str, ...]
    rates_used: tuple[str, ...]


def parse_qualifying_days(text: str) -> frozenset[int]:
    """``"mon,tue,fri"`` → weekday numbers; the days the PA is contracted to work."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown or not names:
        raise PayrollError(
            f"qualifying days must be weekday names such as 'mon,wed,fri', not {text!r}", field="qualifying_days"
        )
    return frozenset(WEEKDAYS.index(name) for name in names)


def _spells(absences: Iterable[Absence]) -> list[Absence]:
    """Overlapping or back-to-back absences are one spell of sickness."""
    spells: list[Absence] = []
    for absence in sorted(absences, key=lambda a: a.first_day):
        if spells and absence.first_day <= spells[-1].last_day + timedelta(days=1):
            last = spells[-1]
            spells[-1] = Absence(last.first_day, max(last.last_day, absence.last_day))
        else:
            spells.append(absence)
    return spells


def _rule(day: date) -> RateValue:
    return series("hmrc.statutory_pay.ssp").at(day_of_absence=day)


def _chains(absences: Iterable[Absence]) -> list[list[Absence]]:
    """PIWs (spells long enough under the rule on their first day), linked when 56 days or less apart."""
    chains: list[list[Absence]] = []
    for spell in _spells(absences):
        if (spell.last_day - spell.first_day).days + 1 < _rule(spell.first_day)["piw_minimum_days"]:
            continue
        if chains and (spell.first_day - chains[-1][-1].last_day).days - 1 <= LINK_DAYS:
            chains[-1].append(spell)
        else:
            chains.append([spell])
    return chains


def _weekly_rate(rule: RateValue, awe_pence: int) -> Decimal:
    flat = Decimal(rule["weekly_rate_pence"])
    percent = Decimal(rule["awe_percent"])
    return min(flat, Decimal(awe_pence) * percent / 100) if percent else flat


def ssp_for_period(
    absences: Iterable[Absence],
    *,
    qualifying_days: frozenset[int],
    average_weekly_earnings_pence: Callable[[date], int | None],
    weekly_lel_pounds: Callable[[date], int],
    period_start: date,
    period_end: date,
) -> SspResult:
    """SSP for the days of ``absences`` between ``period_start`` and ``period_end``.

    ``average_weekly_earnings_pence(first_day_of_chain)`` gives the AWE that decides the
    chain (None if it cannot be known); ``weekly_lel_pounds(day)`` the weekly NI lower
    earnings limit in force on a day.
    """
    if not qualifying_days:
        raise PayrollError("A PA needs at least one qualifying day for SSP.", field="qualifying_days")
    per_week = len(qualifying_days)
    paid: dict[tuple[date, Decimal], int] = {}
    waiting = 0
    notes: list[str] = []
    rates: dict[str, None] = {}
    for chain in _chains(absences):
        if chain[-1].last_day < period_start or chain[0].first_day > period_end:
            continue
        awe = average_weekly_earnings_pence(chain[0].first_day)
        served_waiting = days_paid = 0
        for spell in chain:
            day = spell.first_day
            while day <= spell.last_day:
                if day.weekday() in qualifying_days:
                    rule = _rule(day)
                    rates[rule.reference] = None
                    in_period = period_start <= day <= period_end
                    if served_waiting < rule["waiting_days"]:
                        served_waiting += 1
                        waiting += in_period
                    elif days_paid >= MAX_WEEKS * per_week:
                        if in_period:
                            notes.append(f"{day.isoformat()}: 28 weeks of SSP already paid in this sickness")
                    else:
                        if awe is None:
                            raise PayrollError(
                                f"SSP from {chain[0].first_day.isoformat()} needs the PA's average weekly earnings: "
                                "no payday before the sickness; record them on the absence.",
                                field="average_weekly_earnings_pence",
                            )
                        lel = weekly_lel_pounds(chain[0].first_day) * 100
                        if rule["lower_earnings_limit"] and awe < lel:
                            if in_period:
                                notes.append(
                                    f"{day.isoformat()}: no SSP, average weekly earnings {awe / 100:.2f} "
                                    f"below the lower earnings limit {lel / 100:.2f}"
                                )
                        else:
                            days_paid += 1
                            if in_period:
                                week = day - timedelta(days=(day.weekday() + 1) % 7)  # SSP weeks start on Sunday
                                key = (week, _weekly_rate(rule, awe))
                                paid[key] = paid.get(key, 0) + 1
                day += timedelta(days=1)
    amount = sum(
        int((weekly * days / per_week).quantize(Decimal(1), rounding=ROUND_CEILING))
        for (_, weekly), days in paid.items()
    )
    return SspResult(amount, sum(paid.values()), waiting, tuple(notes), tuple(rates))
