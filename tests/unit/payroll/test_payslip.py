"""A whole payslip, worked by hand: four-weekly, Scottish code, relief-at-source pension."""

from datetime import date
from decimal import Decimal

import pytest

from payroll.fair_work import WorkedTime, Worker
from payroll.holiday import HolidayScheme
from payroll.payslip import PayslipRequest, calculate_payslip
from payroll.pension import Arrangement, WorkerCategory
from payroll.periods import PayFrequency
from payroll.rates import payslip_rates
from payroll.tax_codes import parse_tax_code

pytestmark = pytest.mark.unit

AILSA = Worker("Ailsa Mackay", date(1990, 5, 1))
PAID_ON, PERIOD_START = date(2026, 5, 1), date(2026, 4, 6)


def request(**changes):
    base = dict(
        worker=AILSA,
        tax_code=parse_tax_code("S1257L"),
        ni_category="A",
        frequency=PayFrequency.FOUR_WEEKLY,
        period_number=1,
        period_start=PERIOD_START,
        paid_on=PAID_ON,
        entries=(
            WorkedTime(date(2026, 4, 7), Decimal(140), 1350),
            WorkedTime(date(2026, 4, 12), Decimal(10), 1500, "weekend"),
        ),
    )
    return PayslipRequest(**{**base, **changes})


def test_a_four_weekly_payslip_by_hand():
    slip = calculate_payslip(request(), payslip_rates(PAID_ON, PERIOD_START, "hmrc.income_tax.scottish_bands"))
    assert [(line.label, line.amount_pence) for line in slip.lines] == [
        ("standard hours", 189_000),
        ("weekend hours", 15_000),
    ]
    assert slip.gross_pence == 204_000
    # pension: qualifying 2,040 - 480 = 1,560; employer 3% = 46.80; employee 5% = 78.00 less 20% relief = 62.40
    assert slip.pension.category is WorkerCategory.ELIGIBLE_JOBHOLDER
    assert (slip.pension.employer_pence, slip.pension.employee_pence, slip.pension.tax_relief_pence) == (
        4_680,
        6_240,
        1_560,
    )
    # PAYE: free pay 967.68, T = 1,072: 57.9792 + (1,072 - 305.1538) x 20% = 211.3484 -> 211.34
    assert slip.paye.tax_pence == 21_134
    # NI: employee (2,040 - 967) x 8% = 85.84; employer (2,040 - 385) x 15% = 248.25
    assert (slip.ni.employee_pence, slip.ni.employer_pence) == (8_584, 24_825)
    assert slip.net_pence == 204_000 - 21_134 - 8_584 - 6_240 == 168_042
    assert slip.employer_cost_pence == 204_000 + 24_825 + 4_680
    assert slip.holiday_hours_accrued == Decimal("18.1050")
    assert slip.findings == ()
    assert "hmrc.income_tax.scottish_bands@2026-04-06" in slip.rates_used


def test_net_pay_pension_lowers_taxable_pay_and_rolled_up_holiday_is_its_own_line():
    slip = calculate_payslip(
        request(pension_arrangement=Arrangement.NET_PAY, holiday_scheme=HolidayScheme.ROLLED_UP),
        payslip_rates(PAID_ON, PERIOD_START, "hmrc.income_tax.scottish_bands"),
    )
    # rolled up: 204,000 x 12.07% = 24,622.8 -> 24,623
    assert slip.lines[-1].label == "rolled-up holiday pay (12.07%)" and slip.lines[-1].amount_pence == 24_623
    assert slip.gross_pence == 228_623
    # qualifying 2,286.23 - 480 = 1,806.23; employee 5% = 90.3115 -> 90.31 before tax
    assert slip.pension.employee_pence == 9_031 and slip.pension.tax_relief_pence == 0
    assert slip.taxable_pence == 228_623 - 9_031
    assert slip.holiday_hours_accrued == 0


def test_underpayment_travels_with_the_payslip():
    slip = calculate_payslip(
        request(entries=(WorkedTime(date(2026, 4, 7), Decimal(100), 1300),)),
        payslip_rates(PAID_ON, PERIOD_START, "hmrc.income_tax.scottish_bands"),
    )
    [finding] = slip.findings
    assert (finding.rule, finding.shortfall_per_hour_pence, finding.arrears_pence) == ("below_pa_minimum", 45, 4_500)


def test_leave_taken_is_paid_but_neither_earns_leave_nor_counts_as_hours_worked():
    worked = WorkedTime(date(2026, 4, 7), Decimal(100), 1400)
    leave = WorkedTime(date(2026, 4, 8), Decimal("7.5"), 1000, "holiday")  # below every floor: not time worked
    slip = calculate_payslip(
        request(entries=(worked, leave)), payslip_rates(PAID_ON, PERIOD_START, "hmrc.income_tax.scottish_bands")
    )
    assert [(line.label, line.amount_pence) for line in slip.lines] == [
        ("holiday taken", 7_500),
        ("standard hours", 140_000),
    ]
    assert slip.gross_pence == 147_500
    assert slip.holiday_hours_accrued == Decimal("12.0700") and slip.holiday_hours_taken == Decimal("7.5")
    assert slip.findings == ()
    rolled_up = calculate_payslip(
        request(entries=(worked, leave), holiday_scheme=HolidayScheme.ROLLED_UP),
        payslip_rates(PAID_ON, PERIOD_START, "hmrc.income_tax.scottish_bands"),
    )
    assert rolled_up.lines[-1].amount_pence == 16_898  # 12.07% of the 1,400.00 worked only
