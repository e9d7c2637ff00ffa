"""Holiday for PAs on irregular hours (leave years from 1 April 2024): 12.07% of the hours
worked in each pay period accrues as leave, or (the employer's choice) 12.07% of the pay is
paid with it as rolled-up holiday pay on its own payslip line. Pure: no I/O.
12.07% = 5.6 weeks / 46.4 weeks: Working Time Regulations 1998, reg 15B
(https://www.legislation.gov.uk/uksi/1998/1833/regulation/15B), and GOV.UK, "Holiday entitlement"
(https://www.gov.uk/holiday-entitlement-rights).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ACCRUAL_RATE = Decimal("0.1207")
ROLLED_UP_LABEL = f"rolled-up holiday pay ({ACCRUAL_RATE * 100:.2f}%)"
"""The payslip line of rolled-up holiday pay, which the law asks to be itemised on its own."""
ROLLED_UP_MEANS = f"{ACCRUAL_RATE * 100:.2f}% of pay for work done, paid now instead of when leave is taken"


class HolidayScheme(StrEnum):
    ACCRUAL = "accrual_12_07"
    """Irregular hours: leave accrues at 12.07% of hours worked, paid when taken."""
    ROLLED_UP = "rolled_up_12_07"
    """Irregular hours: 12.07% of pay is paid with each period's pay, itemised separately."""
    FIXED = "fixed_5_6_weeks"
    """Regular hours: 5.6 weeks a year (capped at 28 days), paid when taken; nothing accrues per period here."""


def accrued_hours(scheme: HolidayScheme, hours_worked: Decimal) -> Decimal:
    """Exact hours of leave earned in the period (not rounded: the sources prescribe no rounding)."""
    return hours_worked * ACCRUAL_RATE if scheme is HolidayScheme.ACCRUAL else Decimal(0)


def rolled_up_pay_pence(scheme: HolidayScheme, pay_for_work_pence: int) -> int:
    """Rolled-up holiday pay, rounded half-up to the penny."""
    if scheme is not HolidayScheme.ROLLED_UP:
        return 0
    return int((Decimal(pay_for_work_pence) * ACCRUAL_RATE).quantize(Decimal(1), rounding=ROUND_HALF_UP))
