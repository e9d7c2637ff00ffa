"""A payslip's lines in the words a PA reads: each kind of line says what it is, with the rate the
payroll used, never another line's meaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from payroll.holiday import ROLLED_UP_LABEL
from payroll.payslip_pdf import explain
from payroll.payslip_record import SlipLine


@dataclass
class Slip:
    lines: list[dict[str, Any]] = field(default_factory=list)
    tax_code: str = "S1257L"
    ni_category: str = "A"
    tax_pence: int = 1_000
    employee_ni_pence: int = 500
    employee_pension_pence: int = 300
    employer_ni_pence: int = 700
    employer_pension_pence: int = 200

    @property
    def slip_lines(self) -> tuple[SlipLine, ...]:
        return tuple(SlipLine.from_json(line) for line in self.lines)


def test_hours_holiday_and_sick_pay_lines_each_say_what_they_are():
    slip = Slip(
        lines=[
            {"label": "standard hours", "hours": "30.00", "hourly_rate_pence": 1_400, "amount_pence": 42_000},
            {"label": ROLLED_UP_LABEL, "hours": None, "hourly_rate_pence": None, "amount_pence": 5_069},
            {"label": "statutory sick pay (2 days)", "hours": None, "hourly_rate_pence": None, "amount_pence": 4_700},
        ]
    )
    earnings, deductions, employer = explain(slip)
    assert [(line.label, line.detail) for line in earnings] == [
        ("Standard hours", "30.00 h at £14.00 an hour"),
        ("Rolled-up holiday pay (12.07%)", "12.07% of pay for work done, paid now instead of when leave is taken"),
        ("Statutory sick pay (2 days)", "Statutory Sick Pay for qualifying days off sick"),
    ]
    assert [line.amount_pence for line in deductions] == [1_000, 500, 300]
    assert "code S1257L" in deductions[0].detail and "category A" in deductions[1].detail
    assert [line.amount_pence for line in employer] == [700, 200]
