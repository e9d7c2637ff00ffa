"""The facts of one account that the council's checks read, as plain values, and what a check finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from agreements.monitoring.catalogue import Check
from agreements.monitoring.due_dates import Overdue
from agreements.monitoring.thresholds import LocalThreshold

WEEKS_IN_YEAR = 52


@dataclass(frozen=True, slots=True)
class Budget:
    """The agreement in force, as far as the checks measure against it."""

    reference: str
    starts_on: date
    annual_total_pence: int
    surplus_threshold_weeks: int
    hours_per_week: Decimal | None = None

    @property
    def weekly(self) -> Decimal:
        return Decimal(self.annual_total_pence) / WEEKS_IN_YEAR


@dataclass(frozen=True, slots=True)
class FlaggedSpend:
    """A spend the spend rules did not allow, with the rule's own sentence."""

    review_id: str
    occurred_on: date
    amount_pence: int
    payee: str
    category: str
    sentence: str
    outside_plan: bool


@dataclass(frozen=True, slots=True)
class UnderpaidSlip:
    payslip_id: str
    pa_name: str
    paid_on: date
    sentences: tuple[str, ...]
    arrears_pence: int


@dataclass(frozen=True, slots=True)
class Assistant:
    id: str
    name: str
    started_on: date
    left_on: date | None = None
    relationship: str = "none"
    family_approved: bool = False
    """The council's agreement (reg 8) covers the day of the checks."""
    pvg_checked_on: date | None = None
    pvg_expires_on: date | None = None
    right_to_work_checked_on: date | None = None
    right_to_work_expires_on: date | None = None

    def employed_on(self, day: date) -> bool:
        return self.started_on <= day and (self.left_on is None or day <= self.left_on)


@dataclass(frozen=True, slots=True)
class MoneyOut:
    """A money-out bank line: ``amount_pence`` is positive."""

    id: str
    value_on: date
    payee: str
    description: str
    amount_pence: int
    category: str | None = None


@dataclass(frozen=True, slots=True)
class HoursPaid:
    run_id: str
    period_start: date
    period_end: date
    hours: Decimal


@dataclass(frozen=True, slots=True)
class AccountFacts:
    today: date
    budget: Budget | None = None
    bank_pence: int = 0
    owed_pence: int = 0
    spent_since_start_pence: int = 0
    missed_payments: tuple[tuple[date, int], ...] = ()
    statements_to: date | None = None
    opened_on: date | None = None
    oldest_unmatched_on: date | None = None
    unmatched_count: int = 0
    overdue: tuple[Overdue, ...] = ()
    flagged_spends: tuple[FlaggedSpend, ...] = ()
    underpaid: tuple[UnderpaidSlip, ...] = ()
    assistants: tuple[Assistant, ...] = ()
    insurance_expires_on: date | None = None
    money_out: tuple[MoneyOut, ...] = ()
    hours_paid: tuple[HoursPaid, ...] = ()
    review_due_on: date | None = None
    returns_unsent: tuple[tuple[date, date, date], ...] = ()
    """Return periods ``(from, to, due on)`` that have ended with no return sent (due or not yet)."""

    @property
    def free_pence(self) -> int:
        return self.bank_pence - self.owed_pence


@dataclass(frozen=True, slots=True)
class Finding:
    check: Check
    key: str
    sentence: str
    """What the records show, for a person."""
    found_on: date
    """The day the thing the finding is about happened (a payment due, a line paid, a check expiring)."""
    evidence: tuple[tuple[str, str], ...] = ()
    amount_pence: int | None = None
    """The money the finding is about, where there is one."""
    threshold: LocalThreshold | None = None
    """The council's threshold it was measured against, with its source."""
    facts: dict[str, object] = field(default_factory=dict)
    """The same evidence as plain values, for the API and CSV."""

    @property
    def title(self) -> str:
        return self.check.about.title

    @property
    def rule(self) -> str:
        return self.check.about.rule
