"""How pages say things: money, days, times and hours in words, and audit events as sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dp_platform.audit.sentences import sentence, who
from dp_platform.web.formatting import day, hours, moment, money

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("pence", "text"), [(123_456, "£1,234.56"), (5, "£0.05"), (-500, "-£5.00"), (0, "£0.00"), (None, "")]
)
def test_money_reads_in_pounds_and_pence(pence, text):
    assert money(pence) == text


def test_days_read_as_words_whatever_they_arrive_as():
    assert day(date(2026, 4, 6)) == "6 April 2026"
    assert day("2026-12-25") == "25 December 2026"
    assert day(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"  # 00:30 on 1 April in Scotland (BST)


def test_times_are_scottish_and_twelve_hour():
    assert moment(datetime(2026, 4, 6, 13, 5, tzinfo=UTC)) == "6 April 2026 at 2:05pm"
    assert moment(datetime(2026, 12, 1, 0, 7, tzinfo=UTC)) == "1 December 2026 at 12:07am"
    assert moment(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "1 December 2026 at 12:00pm"


def test_hours_without_trailing_zeros():
    assert (hours(Decimal("7.50")), hours(Decimal("8.00")), hours(Decimal("0.25"))) == ("7.5", "8", "0.25")


def test_audit_events_read_as_sentences_from_what_they_recorded():
    finalised = sentence(
        "payrun.finalised", {"net_pence": 176_442}, who("Gordon Shaw", "Thistle Payroll", "bureau_staff")
    )
    assert finalised == "Gordon Shaw of Thistle Payroll finalised a pay run: net pay £1,764.42."
    approved = sentence(
        "spend.review_approved",
        {"payee": "SUNNYSIDE CARE HOME", "amount_pence": 56_000, "reason": "Agreed at review."},
        "Duncan Reid",
    )
    assert approved == "Duncan Reid approved SUNNYSIDE CARE HOME (£560.00): Agreed at review."
    older = sentence("spend.review_resolved", {"category": "household_bills", "reason": "Refunded"}, "Duncan Reid")
    assert older == "Duncan Reid resolved the exception on a payment for household bills: Refunded."
    drafted = sentence("payrun.drafted", {"paid_on": "2026-05-01", "payslips": 1, "gross_pence": 10_500}, "Morag")
    assert drafted == "Morag drafted the pay run paid on 1 May 2026 (1 payslip, gross £105.00)."


def test_an_action_without_words_is_still_named_and_the_platform_is_an_actor():
    assert sentence("widget.frobbed", {}, "Morag") == "Morag: widget: frobbed."
    assert who(None, None, "system") == "The platform"
    assert who(None, "Thistle Payroll", "bureau_staff") == "Thistle Payroll"


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("/accounts/1/pay-runs", "/accounts/1/pay-runs"),
        ("//evil.example/x", "/home"),
        ("https://evil.example/", "/home"),
        ("/\\evil.example", "/home"),
        ("/login?next=/x", "/home"),
        (None, "/home"),
    ],
)
def test_after_signing_in_the_browser_only_goes_to_a_page_of_this_site(asked, sent_to):
    from dp_platform.web.auth import safe_next

    assert safe_next(asked) == sent_to
