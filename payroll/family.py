"""Who a Direct Payment may pay as a PA: regulations 7 to 9 of the Self-directed Support (Direct
Payments) (Scotland) Regulations 2014, decided from the PA record for every payment to that PA.

A family member (reg 7) may be paid only when the person, the family member and the council have
agreed, the family member can provide the support, and one of the grounds of reg 8 applies; never when
they are the person's guardian, continuing attorney or welfare attorney with powers over the support,
or the council finds undue pressure (reg 9). The decision is the spend engine's, on the same national
rules a bank line meets (``NAT-REG7-FAMILY``, ``NAT-REG9-GUARDIAN``), so a wage and a bank payment to
the same person cannot be decided two ways. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ledgers.categories.engine import Spend, SpendDecision, decide
from ledgers.categories.taxonomy import Decision, national
from payroll.errors import PayrollError
from payroll.payslip_record import SlipFinding

REG_8 = (
    "Self-directed Support (Direct Payments) (Scotland) Regulations 2014, reg 8",
    "https://www.legislation.gov.uk/ssi/2014/25/regulation/8",
)
REG_9 = (
    "Self-directed Support (Direct Payments) (Scotland) Regulations 2014, reg 9",
    "https://www.legislation.gov.uk/ssi/2014/25/regulation/9",
)
FAMILY_RULE = "NAT-REG7-FAMILY"


class Ground(StrEnum):
    """The circumstances of reg 8, one of which must apply for a family member to be paid."""

    LIMITED_CHOICE = "limited_choice"
    COMMUNICATION_NEEDS = "communication_needs"
    AVAILABILITY = "availability"
    INTIMATE_SUPPORT = "intimate_support"
    BELIEFS = "beliefs"
    PALLIATIVE_CARE = "palliative_care"
    EMERGENCY = "emergency"
    OTHER_FACTORS = "other_factors"
    NOT_RECORDED = "not_recorded"
    """Agreements recorded before the ground was kept: they cover no day until recorded again."""


GROUNDS = {
    Ground.LIMITED_CHOICE: "There is a limited choice of providers who could provide the support",
    Ground.COMMUNICATION_NEEDS: "The person's communication needs make it difficult for another provider",
    Ground.AVAILABILITY: "The support is needed at times when the family member is available and others "
    "would not reasonably be",
    Ground.INTIMATE_SUPPORT: "The intimate nature of the support makes a family member preferable to the person",
    Ground.BELIEFS: "The person's religious or cultural beliefs make a family member preferable",
    Ground.PALLIATIVE_CARE: "The person needs palliative care",
    Ground.EMERGENCY: "The person has an emergency or short-term need for care",
    Ground.OTHER_FACTORS: "Other factors make it appropriate, in the council's opinion",
}
"""The grounds in the words a person reads, in the order reg 8 lists them."""


@dataclass(frozen=True, slots=True)
class FamilyApproval:
    ground: Ground
    starts_on: date
    person_agreed_on: date | None
    family_member_agreed_on: date | None
    authority_agreed_on: date | None
    ends_on: date | None = None
    withdrawn_on: date | None = None
    reference: str = ""

    def covers(self, day: date) -> bool:
        """Reg 8 is met on ``day`` only once all three have agreed, on a recorded ground, within its days."""
        agreed = (self.person_agreed_on, self.family_member_agreed_on, self.authority_agreed_on)
        return (
            self.ground is not Ground.NOT_RECORDED
            and all(on is not None and on <= day for on in agreed)
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


def check_approval(approval: FamilyApproval, ground_detail: str) -> None:
    """What a new agreement must hold before it is recorded, each refusal naming its field."""
    if approval.ground is Ground.NOT_RECORDED:
        raise PayrollError("Choose the ground in regulation 8 that applies.", field="ground")
    if approval.ground is Ground.OTHER_FACTORS and not ground_detail.strip():
        raise PayrollError("Say what the other factors are.", field="ground_detail")
    for name, on in (
        ("person_agreed_on", approval.person_agreed_on),
        ("family_member_agreed_on", approval.family_member_agreed_on),
        ("authority_agreed_on", approval.authority_agreed_on),
    ):
        if on is None:
            who = {"person_agreed_on": "the person", "family_member_agreed_on": "the family member"}.get(
                name, "the council"
            )
            raise PayrollError(f"Give the day {who} agreed (regulation 8 needs all three).", field=name)
    if approval.ends_on is not None and approval.ends_on < approval.starts_on:
        raise PayrollError("The agreement ends before it starts.", field="ends_on")


def approval_on(approvals: Iterable[FamilyApproval], day: date) -> FamilyApproval | None:
    return next((approval for approval in approvals if approval.covers(day)), None)


def pay_decision(
    payee: str, relationship: str, approvals: Iterable[FamilyApproval], on: date, amount_pence: int
) -> SpendDecision:
    """The national rules' decision on paying ``payee`` wages on ``on``: an agreement covering the day
    sets the family rule aside; nothing sets reg 9 aside."""
    approved = {FAMILY_RULE} if approval_on(approvals, on) is not None else set()
    spend = Spend(on=on, amount_pence=amount_pence, category="pa_wages", payee=payee, relationship=relationship)
    return decide(spend, national(), approved_rules=approved)


def blocking_finding(payee: str, decision: SpendDecision) -> SlipFinding | None:
    """A payslip's finding when the Direct Payment may not pay this PA: no reason given at finalising
    sets it aside (the council's agreement does, for a family member; nothing does, under reg 9)."""
    if decision.decision not in (Decision.NEEDS_APPROVAL, Decision.NOT_ALLOWED):
        return None
    deciding = decision.deciding
    if decision.decision is Decision.NOT_ALLOWED:
        sentence = f"The Direct Payment may not pay {payee}: {' '.join(hit.sentence for hit in deciding)}"
    else:
        sentence = (
            f"{payee} is a family member: the Direct Payment may pay them only once the person, {payee} and the "
            "council have agreed on a ground in regulation 8, and no agreement covers this payday."
        )
    return SlipFinding(
        rule=",".join(decision.rule_ids),
        sentence=sentence,
        blocking=True,
        decision=decision.decision.label,
        sources=tuple(tuple(source) for hit in deciding for source in hit.sources),
    )


def pa_named(description: str, names: Sequence[str]) -> int | None:
    """Which of the PAs ``names`` a bank line's words name (surname, and first name or its initial), or
    None when none or more than one does: a payment to a PA meets the same regulations as their wages."""
    words = set(re.findall(r"[A-Z]+", description.upper()))
    found = []
    for index, name in enumerate(names):
        parts = re.findall(r"[A-Z]+", name.upper())
        if len(parts) >= 2 and parts[-1] in words and (parts[0] in words or parts[0][0] in words):
            found.append(index)
    return found[0] if len(found) == 1 else None
