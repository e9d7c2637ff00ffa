"""Every case in cases.toml gets its decision from the PA record, with the provision cited, as a pay run
decides it (``payroll.family.pay_decision``); tests/api/test_family_pay_runs.py runs the same sides
through a real pay run."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from payroll.family import FamilyApproval, Ground, blocking_finding, pa_named, pay_decision

pytestmark = pytest.mark.unit

CASES = tomllib.loads((Path(__file__).parent / "cases.toml").read_text())["cases"]
PAYDAY = date(2026, 5, 1)


def _approval(raw: dict[str, str]) -> FamilyApproval:
    def day(name: str) -> date | None:
        return date.fromisoformat(raw[name]) if name in raw else None

    return FamilyApproval(
        ground=Ground(raw["ground"]),
        starts_on=date.fromisoformat(raw["starts"]),
        person_agreed_on=day("person"),
        family_member_agreed_on=day("family_member"),
        authority_agreed_on=day("authority"),
        ends_on=day("ends"),
    )


def test_each_side_of_each_regulation_is_a_case():
    expected = {(case["rules"][0], case["expect"]) for case in CASES}
    assert {
        ("NAT-CAT-SUPPORT", "allowed"),
        ("NAT-REG7-FAMILY", "needs_approval"),
        ("NAT-REG7-FAMILY", "allowed"),
        ("NAT-REG9-GUARDIAN", "not_allowed"),
    } <= expected


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_regulation_case(case):
    approvals = [_approval(case["approval"])] if "approval" in case else []
    decision = pay_decision("Ewan Grant", case["relationship"], approvals, PAYDAY, 1_890_00)
    assert decision.decision.label == case["expect"]
    hits = {hit.rule_id: hit for hit in decision.hits}
    for rule_id in case["rules"]:
        assert case["cites"] in [url for _, url in hits[rule_id].sources], rule_id
    finding = blocking_finding("Ewan Grant", decision)
    if case["expect"] == "allowed":
        assert finding is None
        if case["relationship"] == "family_member":  # the agreement is why: it sets the family rule aside
            assert hits["NAT-REG7-FAMILY"].set_aside == "approved by the council"
    else:
        assert finding is not None and finding.blocking
        assert case["cites"] in [url for _, url in finding.sources]
        assert "Ewan Grant" in finding.sentence


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("EWAN GRANT EXTRA HOURS", 0),
        ("FP TO E GRANT REF MAY", 0),
        ("GRANT THORNTON LLP", None),  # a surname alone names nobody
        ("AILSA MACKAY", 1),
        ("E MACKAY", None),  # neither Ailsa's initial nor Ewan's surname
        ("TESCO STORES", None),
    ],
)
def test_a_bank_line_names_a_pa_by_surname_and_first_name_or_initial(description, expected):
    assert pa_named(description, ["Ewan Grant", "Ailsa Mackay"]) == expected


def test_two_pas_a_line_could_name_name_neither():
    assert pa_named("J SMITH", ["Jean Smith", "John Smith"]) is None
