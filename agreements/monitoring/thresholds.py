"""The thresholds a council sets for its own monitoring, as dated values with their source. Pure.

Scotland has no national surplus figure, no national cash limit and no national rule on how
quickly records must be reconciled: each is the authority's local policy (statutory guidance
2022, "Underspent budgets and seeking repayment"; SDS Standard 13). So the platform holds no
defaults for them: a check whose threshold the council has not set is not run, and the
council's pages say so. The one exception is the surplus, which the agreement itself states
(its surplus clause); a council's own dated threshold takes over from the day it is in force.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from agreements.errors import AgreementError


class ThresholdError(AgreementError):
    title = "Threshold not valid"


class ThresholdConflictError(ThresholdError):
    category = "conflict"
    title = "Threshold already set from that day"


class Threshold(StrEnum):
    SURPLUS_WEEKS = "surplus_weeks"
    UNRECONCILED_WEEKS = "unreconciled_weeks"
    STATEMENTS_WITHIN_DAYS = "statements_within_days"
    CASH_LIMIT_PENCE = "cash_limit_pence"
    DUPLICATE_WITHIN_DAYS = "duplicate_within_days"
    HOURS_ABOVE_AGREED_PERCENT = "hours_above_agreed_percent"
    OVERSPEND_PERCENT = "overspend_percent"
    STANDING_APPROVAL_LIMIT_PENCE = "standing_approval_limit_pence"

    @property
    def meaning(self) -> str:
        return _MEANINGS[self][0]

    @property
    def unit(self) -> str:
        return _MEANINGS[self][1]

    @property
    def least(self) -> int:
        return _MEANINGS[self][2]


_MEANINGS: dict[Threshold, tuple[str, str, int]] = {
    Threshold.SURPLUS_WEEKS: ("Money free to spend above this many weeks of the budget is a surplus", "weeks", 1),
    Threshold.UNRECONCILED_WEEKS: ("A bank line left unexplained for longer than this many weeks", "weeks", 1),
    Threshold.STATEMENTS_WITHIN_DAYS: ("The latest bank statement ends no more than this many days ago", "days", 1),
    Threshold.CASH_LIMIT_PENCE: ("Cash taken out in any 4 weeks above this amount", "pence", 0),
    Threshold.DUPLICATE_WITHIN_DAYS: ("The same amount paid to the same payee twice within this many days", "days", 0),
    Threshold.HOURS_ABOVE_AGREED_PERCENT: ("Hours paid more than this percentage above the hours agreed", "percent", 0),
    Threshold.OVERSPEND_PERCENT: ("Spending more than this percentage above the budget to date", "percent", 0),
    Threshold.STANDING_APPROVAL_LIMIT_PENCE: (
        "An approved spend not in the plan stands for later ones to its payee up to this amount each", "pence", 0,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LocalThreshold:
    name: Threshold
    value: int
    effective_from: date
    source_title: str
    source_url: str | None = None

    @property
    def source(self) -> str:
        return f"{self.source_title} ({self.source_url})" if self.source_url else self.source_title


def threshold_named(name: str) -> Threshold:
    try:
        return Threshold(name)
    except ValueError:
        known = ", ".join(t.value for t in Threshold)
        raise ThresholdError(
            f"there is no threshold called {name!r}; the thresholds are {known}", field="name"
        ) from None


def checked(threshold: LocalThreshold) -> LocalThreshold:
    """The threshold, if it can be used: a value the unit allows and a source a reader can follow."""
    if isinstance(threshold.value, bool) or not isinstance(threshold.value, int):
        raise ThresholdError("the value is a whole number", field="value")
    if threshold.value < threshold.name.least:
        raise ThresholdError(
            f"{threshold.name.value} is at least {threshold.name.least} {threshold.name.unit}", field="value"
        )
    if not threshold.source_title.strip():
        raise ThresholdError(
            "say where the threshold comes from: the council's policy and its section", field="source_title"
        )
    if threshold.source_url and not threshold.source_url.startswith(("https://", "http://")):
        raise ThresholdError("the source's address starts with https://", field="source_url")
    return threshold


class LocalThresholds:
    """One council's thresholds, every dated version of each; the version in force on a day decides."""

    def __init__(self, versions: Iterable[LocalThreshold] = ()) -> None:
        self._versions: dict[Threshold, list[LocalThreshold]] = {}
        for version in sorted(versions, key=lambda v: v.effective_from):
            self._versions.setdefault(version.name, []).append(version)

    def on(self, name: Threshold, day: date) -> LocalThreshold | None:
        in_force = None
        for version in self._versions.get(name, []):
            if version.effective_from <= day:
                in_force = version
        return in_force

    def versions(self, name: Threshold) -> list[LocalThreshold]:
        return list(self._versions.get(name, []))
