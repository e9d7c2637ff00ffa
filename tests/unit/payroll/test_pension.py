from datetime import date

import pytest

from payroll.pension import Arrangement, WorkerCategory, assess_pension
from payroll.periods import PayFrequency
from payroll.rates import series

pytestmark = pytest.mark.unit

THRESHOLDS = series("tpr.auto_enrolment_thresholds").at(payment_date=date(2026, 5, 1))


def assess(gross_pence, born=date(1990, 1, 1), enrolled=True, frequency=PayFrequency.FOUR_WEEKLY):
    return assess_pension(
        date_of_birth=born,
        paid_on=date(2026, 5, 1),
        frequency=frequency,
        gross_pence=gross_pence,
        enrolled=enrolled,
        arrangement=Arrangement.RELIEF_AT_SOURCE,
        thresholds=THRESHOLDS,
    )


@pytest.mark.parametrize(
    ("gross", "born", "category"),
    [
        (76_800, date(1990, 1, 1), WorkerCategory.NON_ELIGIBLE_JOBHOLDER),  # at the trigger: not "more than"
        (76_801, date(1990, 1, 1), WorkerCategory.ELIGIBLE_JOBHOLDER),
        (100_000, date(2005, 1, 1), WorkerCategory.NON_ELIGIBLE_JOBHOLDER),  # 21: too young to be auto-enrolled
        (48_000, date(1990, 1, 1), WorkerCategory.ENTITLED_WORKER),  # at the lower level
        (100_000, date(1955, 1, 1), WorkerCategory.NON_ELIGIBLE_JOBHOLDER),  # over State Pension age
    ],
)
def test_who_must_be_enrolled(gross, born, category):
    result = assess(gross, born)
    assert result.category is category
    assert result.must_enrol is (category is WorkerCategory.ELIGIBLE_JOBHOLDER)


def test_contributions_stop_at_the_upper_level_of_qualifying_earnings():
    result = assess(500_000)
    assert result.qualifying_earnings_pence == (3_867 - 480) * 100
    assert result.employer_pence == 10_161  # 3,387 x 3%


def test_not_enrolled_means_no_contributions_but_the_duty_is_still_reported():
    result = assess(200_000, enrolled=False)
    assert (result.employer_pence, result.employee_pence, result.must_enrol) == (0, 0, True)


def test_contributions_below_the_legal_minimum_are_refused():
    from decimal import Decimal

    with pytest.raises(ValueError, match="minimum"):
        assess_pension(
            date_of_birth=date(1990, 1, 1),
            paid_on=date(2026, 5, 1),
            frequency=PayFrequency.MONTHLY,
            gross_pence=200_000,
            enrolled=True,
            arrangement=Arrangement.NET_PAY,
            thresholds=THRESHOLDS,
            employer_rate=Decimal("0.02"),
        )
