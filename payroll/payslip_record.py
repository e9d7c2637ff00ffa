"""A stored payslip's lines and findings, typed as they are read back.

A payslip keeps its lines and findings as JSON (the payslip as it was drafted, whatever the rates or
rules say later). Code reads them through these records, so a misspelt key is an AttributeError at the
line that misspells it, and mypy sees what each field holds. ``as_json`` writes the stored form;
``from_json`` reads it (and reads every payslip stored before these records existed: same keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from payroll.fair_work import Finding
from payroll.payslip import PayLine


@dataclass(frozen=True, slots=True)
class SlipLine:
    label: str
    hours: Decimal | None
    hourly_rate_pence: int | None
    amount_pence: int

    @classmethod
    def of(cls, line: PayLine) -> SlipLine:
        return cls(line.label, line.hours, line.hourly_rate_pence, line.amount_pence)

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> SlipLine:
        hours = stored.get("hours")
        return cls(
            label=str(stored["label"]),
            hours=Decimal(str(hours)) if hours is not None else None,
            hourly_rate_pence=stored.get("hourly_rate_pence"),
            amount_pence=int(stored["amount_pence"]),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "hours": str(self.hours) if self.hours is not None else None,
            "hourly_rate_pence": self.hourly_rate_pence,
            "amount_pence": self.amount_pence,
        }


@dataclass(frozen=True, slots=True)
class SlipFinding:
    """A reason the payslip should not be paid as it stands.

    A fair-work finding (paid below a floor) carries the days, hours, rates and arrears; a blocking
    finding (the Direct Payment may not pay this PA) carries the decision and its sources instead,
    and no override reason sets it aside.
    """

    rule: str
    sentence: str
    blocking: bool = False
    first_on: date | None = None
    last_on: date | None = None
    hours: Decimal | None = None
    paid_rate_pence: int | None = None
    minimum_pence: int | None = None
    shortfall_per_hour_pence: int | None = None
    arrears_pence: int = 0
    rate: str | None = None
    """The rate series and date the floor was read from, e.g. ``scotland.pa_minimum@2026-04-01``."""
    decision: str | None = None
    sources: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, finding: Finding) -> SlipFinding:
        return cls(
            rule=finding.rule,
            sentence=finding.sentence(),
            first_on=finding.first_on,
            last_on=finding.last_on,
            hours=finding.hours,
            paid_rate_pence=finding.paid_rate_pence,
            minimum_pence=finding.minimum_pence,
            shortfall_per_hour_pence=finding.shortfall_per_hour_pence,
            arrears_pence=finding.arrears_pence,
            rate=finding.rate_reference,
        )

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> SlipFinding:
        def day(name: str) -> date | None:
            value = stored.get(name)
            return date.fromisoformat(str(value)) if value else None

        hours = stored.get("hours")
        return cls(
            rule=str(stored["rule"]),
            sentence=str(stored["sentence"]),
            blocking=bool(stored.get("blocking", False)),
            first_on=day("first_on"),
            last_on=day("last_on"),
            hours=Decimal(str(hours)) if hours is not None else None,
            paid_rate_pence=stored.get("paid_rate_pence"),
            minimum_pence=stored.get("minimum_pence"),
            shortfall_per_hour_pence=stored.get("shortfall_per_hour_pence"),
            arrears_pence=int(stored.get("arrears_pence") or 0),
            rate=stored.get("rate"),
            decision=stored.get("decision"),
            sources=tuple(tuple(str(part) for part in source) for source in stored.get("sources", ())),
        )

    def as_json(self) -> dict[str, Any]:
        """Only the keys this kind of finding has, as payslips have always stored them."""
        if self.blocking:
            return {
                "rule": self.rule,
                "blocking": True,
                "decision": self.decision,
                "sentence": self.sentence,
                "sources": [list(source) for source in self.sources],
            }
        return {
            "rule": self.rule,
            "first_on": self.first_on.isoformat() if self.first_on else None,
            "last_on": self.last_on.isoformat() if self.last_on else None,
            "hours": str(self.hours) if self.hours is not None else None,
            "paid_rate_pence": self.paid_rate_pence,
            "minimum_pence": self.minimum_pence,
            "shortfall_per_hour_pence": self.shortfall_per_hour_pence,
            "arrears_pence": self.arrears_pence,
            "rate": self.rate,
            "sentence": self.sentence,
        }
