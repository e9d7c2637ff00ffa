"""Every spend in cases.toml gets its expected decision and deciding rule ids."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from ledgers.categories.engine import Permission, Spend, decide
from ledgers.categories.taxonomy import national, parse_rule

pytestmark = pytest.mark.unit

HERE = Path(__file__).parent
CASES = tomllib.loads((HERE / "cases.toml").read_text())["cases"]
GLENMORE = [
    parse_rule(raw, layer="local", known_categories=set(national().categories))
    for raw in tomllib.loads((HERE / "glenmore_local_rules.toml").read_text())["rules"]
]


def test_the_case_file_covers_enough_ground():
    assert len(CASES) >= 40
    assert {case["expect"] for case in CASES} == {"allowed", "allowed_with_conditions", "needs_approval", "not_allowed"}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_spend_case(case):
    spend = Spend(
        on=date.fromisoformat(case.get("on", "2026-06-01")),
        amount_pence=case.get("amount_pence", 2500),
        category=case.get("category"),
        payee=case.get("payee", ""),
        relationship=case.get("relationship", "none"),
        outcome=case.get("outcome"),
        mcc=case.get("mcc"),
        stays=tuple((date.fromisoformat(first), date.fromisoformat(last)) for first, last in case["stays"])
        if "stays" in case
        else None,
    )
    result = decide(
        spend,
        national(),
        local_rules=GLENMORE if case.get("local") else (),
        permissions=[
            Permission("DP-0001-A1", category, tuple(outcomes)) for category, outcomes in case.get("permissions", [])
        ],
        approved_rules=case.get("approved", ()),
    )
    assert (result.decision.label, result.rule_ids) == (case["expect"], case["rules"]), result.sentence
    assert all(hit.sources for hit in result.hits)
    assert result.sentence.startswith(
        {
            "allowed": "Allowed",
            "allowed_with_conditions": "Allowed if",
            "needs_approval": "Needs",
            "not_allowed": "Not",
        }[case["expect"]]
    )
