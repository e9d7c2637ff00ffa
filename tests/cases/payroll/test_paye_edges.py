"""PAYE and NI edge cases, by payment date, exact to the penny."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from payroll.ni import calculate_ni
from payroll.paye import calculate_paye
from payroll.periods import PayFrequency
from payroll.rates import series
from payroll.tax_codes import parse_tax_code

pytestmark = pytest.mark.unit

CASES = tomllib.loads((Path(__file__).parent / "paye_edges.toml").read_text(), parse_float=Decimal)["case"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_paye_edge_case(case):
    code = parse_tax_code(case["tax_code"])
    frequency = PayFrequency(case["frequency"])
    paid_on = case["paid_on"]
    tax = calculate_paye(
        code,
        frequency,
        case["period_number"],
        taxable_pay_pence=case["gross_pence"],
        previous_taxable_pay_pence=case.get("previous_taxable_pence", 0),
        previous_tax_pence=case.get("previous_tax_pence", 0),
        bands=series(code.band_series).at(payment_date=paid_on),
    )
    ni = calculate_ni(
        case["ni_category"],
        frequency,
        case["gross_pence"],
        thresholds=series("hmrc.ni.class1.thresholds").at(payment_date=paid_on),
        rates=series("hmrc.ni.class1.category_rates").at(payment_date=paid_on),
    )
    got = {"tax_pence": tax.tax_pence, "employee_ni_pence": ni.employee_pence, "employer_ni_pence": ni.employer_pence}
    assert got == case["expect"], case["derivation"]
