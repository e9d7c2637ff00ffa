from datetime import date
from decimal import Decimal

import pytest

from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.rti import hours_band, ni_buckets, period_number_item

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("frequency", "paid_on", "item"),
    [
        (PayFrequency.MONTHLY, date(2026, 5, 5), {"MonthNo": 1}),
        (PayFrequency.MONTHLY, date(2026, 5, 6), {"MonthNo": 2}),
        (PayFrequency.MONTHLY, date(2027, 4, 5), {"MonthNo": 12}),
        (PayFrequency.FOUR_WEEKLY, date(2026, 5, 1), {"WeekNo": 4}),
        (PayFrequency.WEEKLY, date(2026, 4, 6), {"WeekNo": 1}),
        (PayFrequency.WEEKLY, date(2027, 4, 5), {"WeekNo": 53}),
    ],
)
def test_tax_week_or_month_of_the_payment_date(frequency, paid_on, item):
    assert period_number_item(frequency, paid_on) == item


@pytest.mark.parametrize(("hours", "band"), [("60", "A"), ("64", "B"), ("95.96", "B"), ("96", "C"), ("120", "D")])
def test_hours_bands_on_a_four_weekly_payroll(hours, band):
    assert hours_band(Decimal(hours), PayFrequency.FOUR_WEEKLY) == band


def test_ni_earnings_buckets():
    thresholds = series("hmrc.ni.class1.thresholds").at(payment_date=date(2026, 5, 1))
    assert ni_buckets(204_000, PayFrequency.FOUR_WEEKLY, thresholds) == (51_600, 45_100, 107_300)
    assert ni_buckets(50_000, PayFrequency.FOUR_WEEKLY, thresholds) == (0, 0, 0)  # below the LEL of 516
    assert ni_buckets(60_000, PayFrequency.FOUR_WEEKLY, thresholds) == (51_600, 8_400, 0)
