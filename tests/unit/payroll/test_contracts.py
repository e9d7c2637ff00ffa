from datetime import date, timedelta

import pytest
from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

from payroll.contracts import ContractRate, is_scottish_bank_holiday, resolve
from payroll.errors import PayrollError, RateNotPublishedError
from payroll.rates import series

pytestmark = pytest.mark.unit

RATES = (
    ContractRate("standard", 1345, date(2026, 4, 1)),
    ContractRate("standard", 1260, date(2025, 4, 1)),
    ContractRate("weekend", 1500, date(2025, 4, 1)),
    ContractRate("bank_holiday", 2000, date(2026, 4, 1)),
    ContractRate("sleepover", 1345, date(2026, 4, 1)),
)


def _substitute(day: date, taken: set[date]) -> date:
    while day.weekday() >= 5 or day in taken:
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_the_published_scottish_dates_follow_the_acts(year):
    """The stored list is GOV.UK's; this checks it against the 1971 and 2007 Acts' rules."""
    fixed = []
    for day in (date(year, 1, 1), date(year, 1, 2), date(year, 12, 25), date(year, 12, 26)):
        fixed.append(_substitute(day, set(fixed)))
    expected = {
        *fixed,
        easter(year) - timedelta(days=2),
        date(year, 5, 1) + relativedelta(weekday=MO(1)),
        date(year, 5, 31) + relativedelta(weekday=MO(-1)),
        date(year, 8, 1) + relativedelta(weekday=MO(1)),
        _substitute(date(year, 11, 30), set()),
    }
    assert set(series("ukgov.scottish_bank_holidays").at(calendar_day=date(year, 6, 1))["dates"]) == expected


def test_the_calendar_chooses_the_rate_when_the_line_does_not():
    assert resolve(RATES, date(2026, 11, 30), None) == ("bank_holiday", 2000)  # St Andrew's Day, a Monday
    assert resolve(RATES, date(2026, 11, 28), None) == ("weekend", 1500)
    assert resolve(RATES, date(2026, 11, 27), None) == ("standard", 1345)
    assert resolve(RATES, date(2025, 12, 1), None) == ("standard", 1260)  # holiday, but no such rate then
    assert resolve(RATES, date(2026, 11, 27), "sleepover") == ("sleepover", 1345)


def test_a_pay_rise_applies_from_its_date_only():
    assert resolve(RATES, date(2026, 3, 31), "standard") == ("standard", 1260)
    assert resolve(RATES, date(2026, 4, 1), "standard") == ("standard", 1345)


def test_no_rate_in_force_is_an_error_naming_the_field():
    with pytest.raises(PayrollError, match="no night rate in force on 2026-05-01") as caught:
        resolve(RATES, date(2026, 5, 1), "night")
    assert caught.value.field == "hourly_rate_pence"
    with pytest.raises(PayrollError, match="no standard rate"):
        resolve(RATES, date(2025, 3, 31), None)


def test_a_year_with_no_published_holidays_is_an_error():
    assert is_scottish_bank_holiday(date(2027, 1, 4))
    with pytest.raises(RateNotPublishedError):
        is_scottish_bank_holiday(date(2028, 1, 3))


def test_leave_is_paid_at_the_standard_rate_in_force():
    assert resolve(RATES, date(2026, 11, 30), "holiday") == ("holiday", 1345)
    with pytest.raises(PayrollError, match="no standard rate in force on 2025-03-31"):
        resolve(RATES, date(2025, 3, 31), "holiday")
