"""The fair-work case file, run case by case, exact to the penny."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from payroll.fair_work import WorkedTime, Worker, assess_pay_run
from payroll.rates import series

pytestmark = pytest.mark.unit

CASES = tomllib.loads((Path(__file__).parent / "fair_work.toml").read_text(), parse_float=Decimal)["case"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_fair_work_case(case):
    pa_minimum = series("scotgov.pa_minimum_hourly_rate")
    findings = assess_pay_run(
        Worker(**case["worker"]),
        case["period_start"],
        [WorkedTime(**entry) for entry in case["hours"]],
        pa_minimum_on=lambda day: pa_minimum.at(hours_worked=day),
        minimum_wage_for_period=series("lpc.minimum_wage_hourly_rates").at(
            pay_reference_period_start=case["period_start"]
        ),
    )
    got = [
        {
            "rule": f.rule,
            "first_on": f.first_on,
            "last_on": f.last_on,
            "hours": f.hours,
            "minimum_pence": f.minimum_pence,
            "shortfall_per_hour_pence": f.shortfall_per_hour_pence,
            "arrears_pence": f.arrears_pence,
        }
        for f in findings
    ]
    assert got == case["expect"], case["derivation"]
    for finding in findings:
        assert case["worker"]["name"] in finding.sentence()
