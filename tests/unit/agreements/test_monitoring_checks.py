"""The council's checks, one case each: the facts of an account on a day, and exactly what is found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from agreements.monitoring.catalogue import Check
from agreements.monitoring.checks import check_account, checks_not_run
from agreements.monitoring.due_dates import hmrc_due_on, overdue_of, pension_due_on, wages_due_on
from agreements.monitoring.facts import (
    AccountFacts,
    Assistant,
    Budget,
    FlaggedSpend,
    HoursPaid,
    MoneyOut,
    UnderpaidSlip,
)
from agreements.monitoring.thresholds import (
    LocalThreshold,
    LocalThresholds,
    Threshold,
    ThresholdError,
    checked,
    threshold_named,
)

TODAY = date(2026, 6, 15)
BUDGET = Budget("DP-1", date(2026, 4, 6), 2_600_000, 8, Decimal(20))
"""£26,000 a year: £500 a week."""
POLICY = "Example Council Direct Payments policy 2026, section 7"


def local(name: Threshold, value: int, effective_from: date = date(2026, 4, 1)) -> LocalThreshold:
    return LocalThreshold(name, value, effective_from, POLICY, "https://www.example.gov.uk/dp-policy")


def facts(**changes: object) -> AccountFacts:
    base = AccountFacts(today=TODAY, budget=BUDGET, statements_to=TODAY, opened_on=date(2026, 4, 1))
    return replace(base, **changes)  # type: ignore[arg-type]


def found(account: AccountFacts, *thresholds: LocalThreshold) -> list[tuple[Check, str]]:
    return [(finding.check, finding.key) for finding in check_account(account, LocalThresholds(thresholds))]


def test_an_account_in_order_finds_nothing() -> None:
    assert found(facts(bank_pence=300_000, owed_pence=50_000)) == []


def test_surplus_just_under_and_just_over_the_agreements_weeks() -> None:
    limit = 8 * 50_000
    assert found(facts(bank_pence=limit)) == []
    [finding] = check_account(facts(bank_pence=limit + 1), LocalThresholds())
    assert finding.check is Check.SURPLUS and finding.amount_pence == 1
    assert finding.threshold is None
    assert ("Weeks allowed", "8, from the surplus clause of agreement DP-1") in finding.evidence
    assert "£4,000.01 is free to spend: 8.0 weeks of the budget" in finding.sentence


def test_surplus_counts_what_is_owed_out_of_the_bank() -> None:
    assert found(facts(bank_pence=500_000, owed_pence=100_001)) == []
    assert found(facts(bank_pence=500_000, owed_pence=99_999)) == [(Check.SURPLUS, "surplus:2026-06")]


def test_surplus_on_the_day_the_councils_threshold_changes() -> None:
    """The council moves from the agreement's 8 weeks to 6 weeks from 15 June: 7 weeks held is
    fine on the 14th and a surplus on the 15th."""
    six_weeks = local(Threshold.SURPLUS_WEEKS, 6, TODAY)
    held = facts(bank_pence=7 * 50_000)
    assert found(replace(held, today=date(2026, 6, 14)), six_weeks) == []
    [finding] = check_account(held, LocalThresholds([six_weeks]))
    assert finding.check is Check.SURPLUS and finding.amount_pence == 50_000
    assert finding.threshold == six_weeks
    assert ("Weeks allowed", f"6, from {POLICY} (https://www.example.gov.uk/dp-policy)") in finding.evidence


def test_each_missed_payment_is_its_own_exception() -> None:
    account = facts(missed_payments=((date(2026, 5, 4), 200_000), (date(2026, 6, 1), 200_000)))
    assert found(account) == [(Check.MISSED_PAYMENT, "missed:2026-05-04"), (Check.MISSED_PAYMENT, "missed:2026-06-01")]


def test_statements_missing_only_once_the_council_sets_its_days() -> None:
    late = facts(statements_to=date(2026, 5, 1))
    assert found(late) == []
    within = local(Threshold.STATEMENTS_WITHIN_DAYS, 45)
    assert found(late, within) == []
    assert found(replace(late, statements_to=date(2026, 4, 30)), within) == [
        (Check.STATEMENTS_MISSING, "statements:2026-04-30")
    ]
    assert found(facts(statements_to=None), within) == [(Check.STATEMENTS_MISSING, "statements:none")]
    assert found(facts(statements_to=None, opened_on=date(2026, 6, 1)), within) == []


def test_unreconciled_lines_older_than_the_councils_weeks() -> None:
    weeks = local(Threshold.UNRECONCILED_WEEKS, 4)
    assert found(facts(oldest_unmatched_on=date(2026, 5, 18), unmatched_count=3), weeks) == []
    [finding] = check_account(facts(oldest_unmatched_on=date(2026, 5, 17), unmatched_count=3), LocalThresholds([weeks]))
    assert finding.key == "unreconciled:2026-05-17"
    assert finding.sentence.startswith("3 bank lines are not matched")


def test_flagged_spends_split_into_not_allowed_and_outside_the_plan() -> None:
    spends = (
        FlaggedSpend("r1", date(2026, 5, 2), 4_500, "betfred", "gambling", "Gambling is never allowed.", False),
        FlaggedSpend("r2", date(2026, 5, 9), 12_000, "argos", "equipment", "Not linked to an outcome.", True),
    )
    assert found(facts(flagged_spends=spends)) == [
        (Check.PROHIBITED_SPEND, "spend:r1"),
        (Check.SPEND_OUTSIDE_PLAN, "spend:r2"),
    ]


def test_pay_below_the_floor_names_the_pa_and_the_arrears() -> None:
    slip = UnderpaidSlip("s1", "Iain Ross", date(2026, 5, 29), ("Paid £12.00 an hour, below £12.60.",), 2_400)
    [finding] = check_account(facts(underpaid=(slip,)), LocalThresholds())
    assert (finding.check, finding.amount_pence) == (Check.PAY_BELOW_FLOOR, 2_400)
    assert ("Arrears owed", "£24.00") in finding.evidence


PA = Assistant(
    "pa1",
    "Morag Bell",
    date(2026, 4, 6),
    pvg_checked_on=date(2026, 3, 1),
    pvg_expires_on=date(2031, 3, 1),
    right_to_work_checked_on=date(2026, 3, 1),
)


def test_a_family_member_pa_needs_the_councils_agreement() -> None:
    family = replace(PA, relationship="family_member")
    assert found(facts(assistants=(family,), insurance_expires_on=date(2027, 1, 1))) == [
        (Check.FAMILY_PA_UNAPPROVED, "family:pa1")
    ]
    approved = replace(family, family_approved=True)
    assert found(facts(assistants=(approved,), insurance_expires_on=date(2027, 1, 1))) == []


def test_a_guardian_may_never_be_the_pa_even_approved() -> None:
    guardian = replace(PA, relationship="guardian", family_approved=True)
    assert found(facts(assistants=(guardian,), insurance_expires_on=date(2027, 1, 1))) == [
        (Check.FAMILY_PA_UNAPPROVED, "family:pa1:powers")
    ]


def test_pvg_right_to_work_and_insurance_missing_or_expired() -> None:
    expired = replace(PA, pvg_expires_on=date(2026, 6, 14), right_to_work_expires_on=date(2026, 6, 1))
    assert found(facts(assistants=(expired,), insurance_expires_on=date(2026, 6, 14))) == [
        (Check.RIGHT_TO_WORK, "rtw:pa1:2026-06-01"),
        (Check.INSURANCE, "insurance:2026-06-14"),
        (Check.PVG, "pvg:pa1:2026-06-14"),
    ]
    missing = replace(PA, pvg_checked_on=None, right_to_work_checked_on=None)
    assert found(facts(assistants=(missing,))) == [
        (Check.INSURANCE, "insurance:none"),
        (Check.PVG, "pvg:pa1:none"),
        (Check.RIGHT_TO_WORK, "rtw:pa1:none"),
    ]
    expires_today = replace(PA, pvg_expires_on=TODAY)
    assert found(facts(assistants=(expires_today,), insurance_expires_on=TODAY)) == []


def test_a_pa_who_has_left_is_not_checked() -> None:
    left = replace(PA, pvg_checked_on=None, left_on=date(2026, 5, 31))
    assert found(facts(assistants=(left,))) == []


def test_duplicates_within_the_councils_window() -> None:
    lines = (
        MoneyOut("a", date(2026, 6, 1), "careco", "CARECO LTD INV 4411", 36_000),
        MoneyOut("b", date(2026, 6, 4), "careco", "CARECO LTD INV 4411", 36_000),
        MoneyOut("c", date(2026, 6, 4), "careco", "CARECO LTD INV 4420", 12_000),
        MoneyOut("d", date(2026, 5, 4), "morag bell", "MORAG BELL WAGES", 85_000),
        MoneyOut("e", date(2026, 6, 1), "morag bell", "MORAG BELL WAGES", 85_000),
    )
    assert found(facts(money_out=lines)) == []
    window = local(Threshold.DUPLICATE_WITHIN_DAYS, 3)
    [finding] = check_account(facts(money_out=lines), LocalThresholds([window]))
    assert (finding.check, finding.key, finding.amount_pence) == (Check.DUPLICATE_PAYMENT, "duplicate:a:b", 36_000)
    assert found(facts(money_out=lines), local(Threshold.DUPLICATE_WITHIN_DAYS, 2)) == []


def test_cash_over_the_limit_in_any_four_weeks_once_per_crossing() -> None:
    cash = (
        MoneyOut("c1", date(2026, 5, 1), "atm", "CASH ATM", 10_000, "cash"),
        MoneyOut("c2", date(2026, 5, 20), "atm", "CASH ATM", 10_000, "cash"),
        MoneyOut("c3", date(2026, 5, 25), "atm", "CASH ATM", 5_000, "cash"),
        MoneyOut("t1", date(2026, 5, 25), "tesco", "TESCO", 50_000, "household_bills"),
        MoneyOut("c4", date(2026, 6, 10), "atm", "CASH ATM", 1_000, "cash"),
    )
    limit = local(Threshold.CASH_LIMIT_PENCE, 20_000)
    [finding] = check_account(facts(money_out=cash), LocalThresholds([limit]))
    assert (finding.key, finding.amount_pence) == ("cash:c3", 5_000)
    assert "£250.00 was taken out in cash in the 4 weeks to 25 May 2026" in finding.sentence


def test_overspent_beyond_the_councils_margin() -> None:
    margin = local(Threshold.OVERSPEND_PERCENT, 10)
    days = (TODAY - BUDGET.starts_on).days + 1
    to_date = round(Decimal(2_600_000) * days / 365)
    allowed = round(Decimal(to_date) * Decimal("1.1"))
    assert found(facts(spent_since_start_pence=allowed), margin) == []
    [finding] = check_account(facts(spent_since_start_pence=allowed + 1), LocalThresholds([margin]))
    assert finding.check is Check.OVERSPENT and finding.amount_pence == allowed + 1 - to_date


def test_hours_paid_far_above_the_hours_agreed() -> None:
    runs = (
        HoursPaid("r1", date(2026, 4, 6), date(2026, 5, 3), Decimal(96)),
        HoursPaid("r2", date(2026, 5, 4), date(2026, 5, 31), Decimal("96.01")),
    )
    margin = local(Threshold.HOURS_ABOVE_AGREED_PERCENT, 20)
    assert found(facts(hours_paid=runs), margin) == [(Check.HOURS_ABOVE_AGREED, "hours:r2")]


def test_checks_not_run_are_those_the_council_has_set_no_threshold_for() -> None:
    thresholds = LocalThresholds([local(Threshold.CASH_LIMIT_PENCE, 0)])
    assert Check.CASH_OVER_LIMIT not in checks_not_run(thresholds, TODAY)
    assert Check.DUPLICATE_PAYMENT in checks_not_run(thresholds, TODAY)
    assert Check.CASH_OVER_LIMIT in checks_not_run(thresholds, date(2026, 3, 31))
    assert Check.SURPLUS not in checks_not_run(thresholds, TODAY)


@pytest.mark.parametrize(
    ("paid_on", "quarterly", "due"),
    [
        (date(2026, 4, 5), False, date(2026, 4, 22)),
        (date(2026, 4, 6), False, date(2026, 5, 22)),
        (date(2026, 12, 30), False, date(2027, 1, 22)),
        (date(2026, 4, 6), True, date(2026, 7, 22)),
        (date(2026, 7, 5), True, date(2026, 7, 22)),
        (date(2026, 10, 6), True, date(2027, 1, 22)),
    ],
)
def test_hmrc_due_dates(paid_on: date, quarterly: bool, due: date) -> None:
    assert hmrc_due_on(paid_on, quarterly=quarterly) == due


def test_pension_and_wages_due_dates() -> None:
    assert pension_due_on(date(2026, 12, 31)) == date(2027, 1, 22)
    assert wages_due_on(date(2026, 5, 29)) == date(2026, 6, 3)


def test_overdue_is_what_is_owed_beyond_the_amounts_not_yet_due() -> None:
    accruals = [(date(2026, 4, 30), 20_000), (date(2026, 5, 28), 21_000)]
    # HMRC: April's (tax month to 5 May) due 22 May; May's due 22 June. Owed both on 15 June.
    late = overdue_of("hmrc", 41_000, accruals, TODAY, hmrc_due_on)
    assert late is not None and (late.due_on, late.owed_pence) == (date(2026, 5, 22), 20_000)
    assert overdue_of("hmrc", 21_000, accruals, TODAY, hmrc_due_on) is None
    part = overdue_of("hmrc", 25_000, accruals, TODAY, hmrc_due_on)
    assert part is not None and part.owed_pence == 4_000


def test_a_threshold_needs_a_value_its_unit_allows_and_a_source() -> None:
    with pytest.raises(ThresholdError, match="at least 1 weeks"):
        checked(local(Threshold.SURPLUS_WEEKS, 0))
    with pytest.raises(ThresholdError, match="where the threshold comes from"):
        checked(LocalThreshold(Threshold.CASH_LIMIT_PENCE, 100, TODAY, "  "))
    with pytest.raises(ThresholdError, match="no threshold called"):
        threshold_named("surplus_days")
    assert checked(local(Threshold.CASH_LIMIT_PENCE, 0)).value == 0


def test_the_version_in_force_on_the_day_decides() -> None:
    first, second = local(Threshold.SURPLUS_WEEKS, 8, date(2026, 4, 1)), local(Threshold.SURPLUS_WEEKS, 6, TODAY)
    thresholds = LocalThresholds([second, first])
    assert thresholds.on(Threshold.SURPLUS_WEEKS, date(2026, 3, 31)) is None
    assert thresholds.on(Threshold.SURPLUS_WEEKS, date(2026, 6, 14)) == first
    assert thresholds.on(Threshold.SURPLUS_WEEKS, TODAY) == second


def test_spending_is_set_against_the_budget_lines_it_belongs_to() -> None:
    from agreements.monitoring.budget import budget_use
    from agreements.terms import parse_terms
    from tests.unit.agreements.terms_example import morag

    terms = parse_terms(
        morag()
    )  # a year: PA hours 14,560.00, on-costs 3,276.00, contingency 600.00, short breaks 1,500.00
    uses = budget_use(
        terms,
        {"pa_wages": 150_000, "insurance": 5_000, "short_breaks": 20_000, "activities": 3_000},
        date(2026, 4, 15),
        date(2026, 5, 12),
    )

    def share(yearly: int) -> int:  # 28 days of a year's amount, to the penny half up
        return int((Decimal(yearly) * 28 / 365).quantize(Decimal(1), rounding="ROUND_HALF_UP"))

    assert [(use.label, use.budget_pence, use.spent_pence) for use in uses] == [
        ("Personal assistants and their employer costs", share(1_456_000 + 327_600), 155_000),
        ("Short breaks", share(150_000), 20_000),
        ("Everything else (contingency and other lines)", share(60_000), 3_000),
    ]
    assert uses[1].left_pence == share(150_000) - 20_000
