"""Every row of HMRC's published payroll test data (copied
beside this file as hmrc_test_cases.csv) reproduced to the penny: tax, employee NI and employer NI."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from payroll.ni import calculate_ni
from payroll.paye import calculate_paye
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.tax_codes import parse_tax_code

pytestmark = pytest.mark.unit

ROWS = list(csv.DictReader((Path(__file__).parent / "hmrc_test_cases.csv").open()))


def pence(text: str) -> int:
    value = Decimal(text) * 100
    assert value == value.to_integral_value()
    return int(value)


def payment_date(row: dict[str, str]) -> date:
    """A pay date inside the row's period (the rates are annual, so any such date serves)."""
    start = date(int(row["tax_year"][:4]), 4, 6)
    n = int(row["period_number"]) - 1
    frequency = PayFrequency(row["period_type"])
    if frequency is PayFrequency.MONTHLY:
        return start + relativedelta(months=n)
    return start + timedelta(weeks=(frequency.weeks or 1) * n)


@pytest.mark.parametrize("row", ROWS, ids=[row["case_id"] for row in ROWS])
def test_hmrc_row_to_the_penny(row):
    paid_on = payment_date(row)
    frequency = PayFrequency(row["period_type"])
    code = parse_tax_code(row["tax_code"], week1_month1=row["week1_month1"] == "yes")
    tax = calculate_paye(
        code,
        frequency,
        int(row["period_number"]),
        taxable_pay_pence=pence(row["gross_pay_this_period"]),
        previous_taxable_pay_pence=pence(row["taxable_pay_to_date_previous"]),
        previous_tax_pence=pence(row["tax_paid_to_date_previous"]),
        bands=series(code.band_series).at(payment_date=paid_on),
    )
    ni = calculate_ni(
        row["ni_category"],
        frequency,
        pence(row["gross_pay_this_period"]),
        thresholds=series("hmrc.ni.class1.thresholds").at(payment_date=paid_on),
        rates=series("hmrc.ni.class1.category_rates").at(payment_date=paid_on),
    )
    assert (tax.tax_pence, ni.employee_pence, ni.employer_pence) == (
        pence(row["expected_tax_this_period"]),
        pence(row["expected_employee_ni"]),
        pence(row["expected_employer_ni"]),
    ), row["notes"]
