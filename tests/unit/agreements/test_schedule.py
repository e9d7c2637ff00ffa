from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agreements.schedule import payment_schedule
from agreements.terms import Frequency, parse_terms
from tests.unit.agreements.terms_example import morag

pytestmark = pytest.mark.unit


def test_four_weekly_in_advance_starting_mid_month_for_a_year():
    """Hand-worked: £23,400.00 a year is £1,800.00 every 4 weeks, less £100.00 contribution. The
    council's cycle runs from Monday 6 April 2026; the agreement runs 15 April 2026 to 14 April 2027.
    First payment: 15 April to 3 May, 19 of 28 days: 1,800 x 19/28 = 1,221.428.. -> 1,221.43 gross,
    100 x 19/28 = 67.857.. -> 67.86 contribution. Last: 5 to 14 April 2027, 10 of 28 days: 642.857..
    -> 642.86 gross, 35.714.. -> 35.71 contribution."""
    terms = replace(
        parse_terms(morag()),
        starts_on=date(2026, 4, 15),
        ends_on=date(2027, 4, 14),
        annual_total_pence=2_340_000,
        annual_contribution_pence=130_000,
    )
    schedule = payment_schedule(terms)
    regular = [
        "2026-05-04", "2026-06-01", "2026-06-29", "2026-07-27", "2026-08-24", "2026-09-21",
        "2026-10-19", "2026-11-16", "2026-12-14", "2027-01-11", "2027-02-08", "2027-03-08",
    ]  # fmt: skip
    expected = [("2026-04-15", "2026-05-03", 19, 122_143, 6_786)]
    for due in regular:
        start = date.fromisoformat(due)
        expected.append((due, date.fromordinal(start.toordinal() + 27).isoformat(), 28, 180_000, 10_000))
    expected.append(("2027-04-05", "2027-04-14", 10, 64_286, 3_571))
    assert [
        (p.due_on.isoformat(), p.covers_to.isoformat(), p.days_covered, p.gross_pence, p.contribution_pence)
        for p in schedule
    ] == expected
    assert schedule[0].net_pence == 115_357 and schedule[0].part_period and not schedule[1].part_period
    assert sum(p.net_pence for p in schedule) == 115_357 + 12 * 170_000 + 60_715


def test_monthly_in_arrears_is_paid_the_day_after_each_period():
    terms = replace(
        parse_terms(morag()),
        frequency=Frequency.MONTHLY,
        cycle_starts_on=date(2026, 4, 1),
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 6, 15),
        in_advance=False,
        annual_total_pence=1_200_000,
    )
    schedule = payment_schedule(terms)
    assert [(p.due_on.isoformat(), p.days_covered, p.days_in_period, p.gross_pence) for p in schedule] == [
        ("2026-05-01", 30, 30, 100_000),
        ("2026-06-01", 31, 31, 100_000),
        ("2026-06-16", 15, 30, 50_000),
    ]


def test_a_weekly_agreement_starting_on_its_cycle_has_no_part_periods_at_the_start():
    terms = replace(
        parse_terms(morag()),
        frequency=Frequency.WEEKLY,
        cycle_starts_on=date(2026, 4, 6),
        starts_on=date(2026, 4, 13),
        ends_on=date(2026, 5, 10),
        annual_total_pence=520_000,
    )
    schedule = payment_schedule(terms)
    assert [p.due_on.isoformat() for p in schedule] == ["2026-04-13", "2026-04-20", "2026-04-27", "2026-05-04"]
    assert {p.gross_pence for p in schedule} == {10_000}


@given(
    before=st.integers(0, 800),
    starts=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    days=st.integers(0, 800),
    frequency=st.sampled_from(["weekly", "four_weekly", "monthly"]),
)
def test_the_schedule_covers_every_day_of_the_agreement_once(
    before: int, starts: date, days: int, frequency: str
) -> None:
    """Whatever the cycle (on or before the start, as validation requires), its periods cover each day
    from the start to the end exactly once, each within one cycle and paid on its first day."""
    from datetime import timedelta

    cycle = starts - timedelta(days=before)
    if frequency == "monthly":
        cycle = cycle.replace(day=min(cycle.day, 28))
    ends = starts + timedelta(days=days)
    terms = parse_terms(
        morag(
            starts_on=starts.isoformat(),
            ends_on=ends.isoformat(),
            cycle_starts_on=cycle.isoformat(),
            frequency=frequency,
        )
    )
    payments = payment_schedule(terms)
    covered = [payment.covers_from + timedelta(days=n) for payment in payments for n in range(payment.days_covered)]
    assert covered == [starts + timedelta(days=n) for n in range(days + 1)]
    for payment in payments:
        assert payment.due_on == payment.covers_from and payment.days_covered <= payment.days_in_period
        if frequency != "monthly":
            assert payment.days_in_period == (7 if frequency == "weekly" else 28)
            assert (payment.covers_to + timedelta(days=1) - cycle).days % payment.days_in_period == 0 or (
                payment.covers_to == ends
            )
