from datetime import date, timedelta

import pytest

from payroll.errors import PayrollError
from payroll.ssp import Absence, parse_qualifying_days, ssp_for_period

pytestmark = pytest.mark.unit

MON_FRI = parse_qualifying_days("mon,tue,wed,thu,fri")
MON_WED_FRI = parse_qualifying_days("mon, wed, fri")
LEL = {date(2024, 4, 6): 123, date(2025, 4, 6): 125, date(2026, 4, 6): 129}


def lel_on(day: date) -> int:
    return LEL[max(start for start in LEL if start <= day)]


def ssp(absences, start, end, *, awe=20000, days=MON_FRI):
    return ssp_for_period(
        [Absence(first, last) for first, last in absences],
        qualifying_days=days,
        average_weekly_earnings_pence=lambda _: awe,
        weekly_lel_pounds=lel_on,
        period_start=start,
        period_end=end,
    )


JUNE_2025 = (date(2025, 6, 1), date(2025, 6, 28))


def test_2025_three_waiting_days_then_the_flat_daily_rate():
    result = ssp([(date(2025, 6, 2), date(2025, 6, 6))], *JUNE_2025)
    assert (result.waiting_days, result.days_paid, result.amount_pence) == (3, 2, 4750)  # 118.75 x 2/5
    assert result.rates_used == ("hmrc.statutory_pay.ssp@2025-04-06",)


def test_2025_three_days_sick_is_not_a_period_of_incapacity():
    result = ssp([(date(2025, 6, 2), date(2025, 6, 4))], *JUNE_2025)
    assert (result.waiting_days, result.days_paid, result.amount_pence) == (0, 0, 0)


def test_2025_earnings_below_the_lower_earnings_limit_get_nothing_and_say_why():
    result = ssp([(date(2025, 6, 2), date(2025, 6, 6))], *JUNE_2025, awe=12499)
    assert result.amount_pence == 0
    assert "below the lower earnings limit 125.00" in result.notes[0]


def test_a_part_week_is_rounded_up_to_the_penny_as_hmrc_tables_are():
    result = ssp([(date(2025, 6, 2), date(2025, 6, 9))], *JUNE_2025, days=MON_WED_FRI)
    assert (result.waiting_days, result.days_paid, result.amount_pence) == (3, 1, 3959)  # 118.75 / 3 = 39.583


def test_linked_periods_serve_waiting_days_once():
    absences = [(date(2025, 6, 2), date(2025, 6, 6)), (date(2025, 7, 7), date(2025, 7, 10))]
    july = ssp(absences, date(2025, 6, 29), date(2025, 7, 26))
    assert (july.waiting_days, july.days_paid, july.amount_pence) == (0, 4, 9500)


def test_periods_more_than_8_weeks_apart_start_again():
    absences = [(date(2025, 6, 2), date(2025, 6, 6)), (date(2025, 8, 5), date(2025, 8, 8))]
    august = ssp(absences, date(2025, 7, 27), date(2025, 8, 23))
    assert (august.waiting_days, august.days_paid, august.amount_pence) == (3, 1, 2375)


def test_a_sickness_split_across_pay_periods_is_paid_once_in_total():
    absence = [(date(2025, 6, 2), date(2025, 6, 13))]
    first = ssp(absence, date(2025, 5, 31), date(2025, 6, 6))
    second = ssp(absence, date(2025, 6, 7), date(2025, 6, 13))
    assert (first.amount_pence, second.amount_pence, second.waiting_days) == (4750, 11875, 0)


def test_2026_one_day_sick_is_paid_from_the_first_day():
    result = ssp([(date(2026, 6, 2), date(2026, 6, 2))], date(2026, 5, 31), date(2026, 6, 27))
    assert (result.waiting_days, result.days_paid, result.amount_pence) == (0, 1, 2465)  # 123.25 / 5
    assert result.rates_used == ("hmrc.statutory_pay.ssp@2026-04-06",)


def test_2026_low_earners_get_80_percent_of_average_weekly_earnings_with_no_lower_limit():
    result = ssp(
        [(date(2026, 6, 1), date(2026, 6, 5))], date(2026, 5, 31), date(2026, 6, 27), awe=10000, days=MON_WED_FRI
    )
    assert (result.days_paid, result.amount_pence) == (3, 8000)


def test_the_day_before_and_the_day_of_the_6_april_2026_change():
    result = ssp([(date(2026, 4, 1), date(2026, 4, 10))], date(2026, 3, 29), date(2026, 4, 25))
    # 1-3 April are the old rule's waiting days (Good Friday is still a qualifying day); 6-10 April at 123.25.
    assert (result.waiting_days, result.days_paid, result.amount_pence) == (3, 5, 12325)
    late = ssp([(date(2026, 4, 3), date(2026, 4, 7))], date(2026, 3, 29), date(2026, 4, 25))
    assert (late.waiting_days, late.days_paid, late.amount_pence) == (1, 2, 4930)


def test_a_chain_pays_at_most_28_weeks():
    first = date(2026, 4, 12)  # a Sunday: 30 whole SSP weeks
    result = ssp([(first, first + timedelta(weeks=30, days=-1))], first, first + timedelta(weeks=30))
    assert (result.days_paid, result.amount_pence) == (140, 28 * 12325)
    assert len(result.notes) == 10 and "28 weeks of SSP already paid" in result.notes[0]


def test_unknown_earnings_are_an_error_naming_the_field():
    with pytest.raises(PayrollError) as caught:
        ssp([(date(2026, 6, 2), date(2026, 6, 2))], date(2026, 5, 31), date(2026, 6, 27), awe=None)
    assert caught.value.field == "average_weekly_earnings_pence"


def test_qualifying_days_are_weekday_names():
    assert parse_qualifying_days("Sat,sun") == frozenset({5, 6})
    for text in ("", "monday", "mon,xyz"):
        with pytest.raises(PayrollError):
            parse_qualifying_days(text)


def test_average_weekly_earnings_over_the_8_weeks_before_the_sickness():
    from payroll.sick_pay_service import average_weekly_earnings

    four_weekly = [(date(2026, 1, 9), 100000, "four_weekly"), (date(2026, 2, 6), 120000, "four_weekly")]
    four_weekly.append((date(2026, 3, 6), 140000, "four_weekly"))
    assert average_weekly_earnings(four_weekly, date(2026, 3, 20)) == 32500  # (120000 + 140000) / 8
    assert average_weekly_earnings(four_weekly, date(2026, 3, 6)) == 27500  # not the payday itself: 220000 / 8
    monthly = [(date(2026, month, day), 200000, "monthly") for month, day in ((1, 30), (2, 27), (3, 31))]
    assert average_weekly_earnings(monthly, date(2026, 4, 10)) == 46154  # 400000 x 12 / 104
    assert average_weekly_earnings(four_weekly[:1], date(2026, 2, 1)) == 25000  # one period held: 100000 / 4
    assert average_weekly_earnings(four_weekly, date(2026, 1, 9)) is None
