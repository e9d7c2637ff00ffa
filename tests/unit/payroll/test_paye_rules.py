"""PAYE rules beyond HMRC's test rows: code parsing, four-weekly tables, the regulatory limit."""

from datetime import date
from decimal import Decimal

import pytest

from payroll.errors import InvalidTaxCodeError, PayrollError
from payroll.ni import calculate_ni, ni_round
from payroll.paye import calculate_paye, period_one_free_pay
from payroll.periods import PayFrequency, table_position, tax_year_label
from payroll.rates import series
from payroll.tax_codes import CodeKind, Regime, parse_tax_code

pytestmark = pytest.mark.unit

SCOTTISH_2026 = series("hmrc.income_tax.scottish_bands").at(payment_date=date(2026, 5, 1))


@pytest.mark.parametrize(
    ("text", "regime", "kind", "number", "w1"),
    [
        ("S1257L", Regime.SCOTTISH, CodeKind.ALLOWANCE, 1257, False),
        ("1257L W1", Regime.RUK, CodeKind.ALLOWANCE, 1257, True),
        ("c1257lx", Regime.WELSH, CodeKind.ALLOWANCE, 1257, True),
        ("SK475", Regime.SCOTTISH, CodeKind.K, 475, False),
        ("S0TM1", Regime.SCOTTISH, CodeKind.ALLOWANCE, 0, True),
        ("SD3", Regime.SCOTTISH, CodeKind.FLAT, 0, False),
        ("NT", Regime.RUK, CodeKind.NO_TAX, 0, False),
    ],
)
def test_tax_codes_parse(text, regime, kind, number, w1):
    code = parse_tax_code(text)
    assert (code.regime, code.kind, code.number, code.week1_month1) == (regime, kind, number, w1)


@pytest.mark.parametrize("text", ["", "1257", "L1257", "D2", "K0", "SX1", "1257LW2", "S 1257 Q"])
def test_codes_hmrc_would_not_issue_are_refused(text):
    with pytest.raises(InvalidTaxCodeError):
        parse_tax_code(text)


@pytest.mark.parametrize(
    ("code", "weekly", "monthly"),
    [(1257, "241.92", "1048.26"), (45, "8.83", "38.25"), (585, "112.68", "488.26"), (1000, "192.49", "834.09")],
)
def test_tables_a_free_pay_matches_hmrc(code, weekly, monthly):
    assert str(period_one_free_pay(code, 52)) == weekly
    assert str(period_one_free_pay(code, 12)) == monthly


def test_four_weekly_payments_use_the_weekly_tables_at_week_4k():
    assert table_position(PayFrequency.FOUR_WEEKLY, 3).n == 12
    assert table_position(PayFrequency.FOUR_WEEKLY, 3, week1_month1=True).n == 4
    assert table_position(PayFrequency.FORTNIGHTLY, 5).n == 10
    extra = table_position(PayFrequency.FOUR_WEEKLY, 14)  # the "week 56" payday
    assert (extra.n, extra.non_cumulative) == (4, True)
    with pytest.raises(PayrollError, match="periods 1 to 14"):
        table_position(PayFrequency.FOUR_WEEKLY, 15)
    with pytest.raises(PayrollError, match="periods 1 to 12"):
        table_position(PayFrequency.MONTHLY, 13)


def test_the_regulatory_limit_holds_tax_to_half_of_this_periods_pay():
    code = parse_tax_code("SK1100")  # a large K code: more tax due than half the pay
    result = calculate_paye(
        code,
        PayFrequency.MONTHLY,
        1,
        taxable_pay_pence=40_000,
        previous_taxable_pay_pence=0,
        previous_tax_pence=0,
        bands=SCOTTISH_2026,
    )
    assert result.tax_pence == 20_000
    assert result.limited_by_pence == result.tax_due_to_date_pence - 20_000 > 0


def test_a_scottish_pa_on_four_weekly_pay_at_the_2026_pa_minimum():
    """150 hours at £12.60 paid four-weekly: the PA's own tax, as the cumulative tables give it."""
    code = parse_tax_code("S1257L")
    first = calculate_paye(
        code,
        PayFrequency.FOUR_WEEKLY,
        1,
        taxable_pay_pence=189_000,
        previous_taxable_pay_pence=0,
        previous_tax_pence=0,
        bands=SCOTTISH_2026,
    )
    # free pay 967.68, so T = 922; threshold tax 305.1538 x 19% = 57.9792 (4 dp);
    # 57.9792 + (922 - 305.1538) x 20% = 181.3484, floored to the penny
    assert first.tax_pence == 18_134
    ni = calculate_ni(
        "A",
        PayFrequency.FOUR_WEEKLY,
        189_000,
        thresholds=series("hmrc.ni.class1.thresholds").at(payment_date=date(2026, 5, 1)),
        rates=series("hmrc.ni.class1.category_rates").at(payment_date=date(2026, 5, 1)),
    )
    # employee (1,890 - 967) x 8% = 73.84; employer (1,890 - 385) x 15% = 225.75
    assert (ni.employee_pence, ni.employer_pence) == (7_384, 22_575)


def test_ni_rounding_drops_a_third_decimal_of_five_or_less():
    # Only the third decimal counts: 0.0259 keeps 0.025, whose third decimal is 5, so 0.02.
    assert [ni_round(Decimal(text)) for text in ("0.0056", "0.0064", "0.0256", "0.0259", "1.005", "1.006")] == [
        0,
        1,
        2,
        2,
        100,
        101,
    ]


def test_tax_year_labels():
    assert tax_year_label(date(2026, 4, 5)) == "2025/26"
    assert tax_year_label(date(2026, 4, 6)) == "2026/27"
