"""A payslip's stored lines and findings read back as the records they were written from."""

from datetime import date
from decimal import Decimal

from payroll.fair_work import Finding
from payroll.payslip import PayLine
from payroll.payslip_record import SlipFinding, SlipLine

STORED_FAIR_WORK = {  # as payslips drafted before these records stored a finding, key for key
    "rule": "below_pa_minimum",
    "first_on": "2026-04-06",
    "last_on": "2026-04-12",
    "hours": "30",
    "paid_rate_pence": 1200,
    "minimum_pence": 1250,
    "shortfall_per_hour_pence": 50,
    "arrears_pence": 1500,
    "rate": "scotland.pa_minimum@2026-04-01",
    "sentence": "Ailsa was paid 12.00/h ...",
}
STORED_BLOCKING = {
    "rule": "family-member",
    "blocking": True,
    "decision": "needs approval",
    "sentence": "Ailsa is a family member: ...",
    "sources": [["The 2014 Regulations, reg 8", "https://www.legislation.gov.uk/ssi/2014/25/regulation/8"]],
}


def test_a_stored_fair_work_finding_reads_typed_and_writes_back_the_same_keys():
    finding = SlipFinding.from_json(STORED_FAIR_WORK)
    assert finding.first_on == date(2026, 4, 6) and finding.hours == Decimal(30) and finding.arrears_pence == 1500
    assert not finding.blocking
    assert finding.as_json() == STORED_FAIR_WORK


def test_a_stored_blocking_finding_reads_typed_and_writes_back_the_same_keys():
    finding = SlipFinding.from_json(STORED_BLOCKING)
    assert finding.blocking and finding.arrears_pence == 0 and finding.first_on is None
    assert finding.sources == (("The 2014 Regulations, reg 8", STORED_BLOCKING["sources"][0][1]),)
    assert finding.as_json() == STORED_BLOCKING


def test_a_calculated_finding_and_line_survive_the_round_trip():
    calculated = Finding(
        rule="below_minimum_wage",
        worker="Ailsa",
        first_on=date(2026, 4, 6),
        last_on=date(2026, 4, 6),
        hours=Decimal("7.5"),
        paid_rate_pence=1100,
        minimum_pence=1221,
        shortfall_per_hour_pence=121,
        arrears_pence=908,
        rate_reference="uk.nmw@2026-04-01",
    )
    finding = SlipFinding.of(calculated)
    assert finding.sentence == calculated.sentence()
    assert SlipFinding.from_json(finding.as_json()) == finding
    line = SlipLine.of(PayLine("standard hours", Decimal("37.50"), 1250, 46_875))
    assert line.as_json()["hours"] == "37.50"
    assert SlipLine.from_json(line.as_json()) == line
    assert (
        SlipLine.from_json(
            {"label": "holiday pay", "hours": None, "hourly_rate_pence": None, "amount_pence": 500}
        ).hours
        is None
    )
