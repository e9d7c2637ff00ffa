from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgers.money import Money

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("bad", [1.5, True, Decimal("1"), "100", None])
def test_money_holds_only_int_pence(bad):
    with pytest.raises(TypeError):
        Money(bad)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("12.34", 1234),
        ("-12.34", -1234),
        ("£1,234.5", 123450),
        ("-£0.07", -7),
        ("(20.00)", -2000),
        ("+3", 300),
        (" 1 234.00 ", 123400),
    ],
)
def test_parse_reads_amounts_as_banks_write_them(text, pence):
    assert Money.parse(text) == Money(pence)


@pytest.mark.parametrize("text", ["12.345", "abc", "", "1.2.3", "12,34", "£", "--1"])
def test_parse_refuses_what_is_not_exactly_an_amount(text):
    with pytest.raises(ValueError):
        Money.parse(text)


def test_arithmetic_stays_in_pence_and_rates_give_decimals_to_round_explicitly():
    assert Money(150) + Money(25) - Money(5) == Money(170)
    assert -Money(3) == Money(-3)
    assert Money(1000) * 3 == Money(3000)
    product = Money(1001) * Decimal("0.138")
    assert product == Decimal("138.138")
    assert Money.from_decimal(Decimal("138.5"), rounding=ROUND_HALF_UP) == Money(139)


def test_display():
    assert str(Money(123456)) == "£1,234.56"
    assert str(Money(-5)) == "-£0.05"


def test_from_pounds_is_exact():
    assert Money.from_pounds("12.30") == Money(1230)
    with pytest.raises(ValueError):
        Money.from_pounds("0.001")


@given(st.integers(min_value=-(10**12), max_value=10**12), st.lists(st.integers(0, 1000), min_size=1, max_size=12))
def test_allocate_never_loses_or_invents_a_penny(pence, weights):
    if sum(weights) == 0:
        weights[0] = 1
    parts = Money(pence).allocate(weights)
    assert sum(part.pence for part in parts) == pence
    assert all(abs(part.pence) <= abs(pence) for part in parts)


def test_allocate_gives_the_odd_penny_to_the_largest_remainder():
    assert Money(100).allocate([1, 1, 1]) == [Money(34), Money(33), Money(33)]
