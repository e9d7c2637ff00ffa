"""The terms of one agreement: the facts the clauses are filled in with. Pure.

Terms travel as a JSON object (what the API receives and what a version stores); ``parse_terms``
turns one into typed terms, naming the field of every problem it finds, and ``terms_to_dict``
gives the canonical object back, so the stored form and the hashed form are the same.
Money is integer pence; hours per week and percentages are decimal strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from agreements.defaults import SURPLUS_THRESHOLD_WEEKS
from agreements.errors import AgreementInvalidError


class ManagedBy(StrEnum):
    SELF = "self"
    REPRESENTATIVE = "representative"
    """A guardian, attorney or parent manages the payment for the person."""
    THIRD_PARTY = "third_party"
    """Paid to a third party at the person's request (2014 Regulations reg 5)."""


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"


class BudgetKind(StrEnum):
    PA_HOURS = "pa_hours"
    EMPLOYER_ON_COSTS = "employer_on_costs"
    CONTINGENCY = "contingency"
    SHORT_BREAKS = "short_breaks"
    OTHER = "other"


class Monitoring(StrEnum):
    SHARED_RECORD = "shared_record"
    """The council reads the shared record on the platform; no returns to send."""
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


REPRESENTATIVE_ROLES = ("guardian", "continuing_attorney", "welfare_attorney", "parent", "other")


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    description: str


@dataclass(frozen=True, slots=True)
class BudgetLine:
    kind: BudgetKind
    description: str
    amount_pence: int
    hours_per_week: Decimal | None = None
    hourly_rate_pence: int | None = None
    percent_of_pa_pay: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PermittedUse:
    category: str
    """A spend category code (the categories of the national taxonomy)."""
    description: str
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Terms:
    holder_name: str
    authority_name: str
    support_plan_reference: str
    support_plan_dated: date
    outcomes: tuple[Outcome, ...]
    starts_on: date
    ends_on: date
    annual_total_pence: int
    budget_lines: tuple[BudgetLine, ...]
    frequency: Frequency
    cycle_starts_on: date
    """A date the authority's payment cycle runs on; regular payments fall on this cycle."""
    bank_account_name: str
    permitted_uses: tuple[PermittedUse, ...]
    managed_by: ManagedBy = ManagedBy.SELF
    representative_name: str | None = None
    representative_role: str | None = None
    third_party_name: str | None = None
    third_party_requested_on: date | None = None
    """The day the person asked for the payment to go to the third party (reg 5: only at their request)."""
    third_party_setup_fee_pence: int = 0
    """The third party's fee for taking the account on, paid from the Direct Payment once."""
    third_party_fee_per_payment_pence: int = 0
    """Its fee for each payment of the schedule it receives and manages, paid from the Direct Payment."""
    in_advance: bool = True
    annual_contribution_pence: int = 0
    surplus_threshold_weeks: int = SURPLUS_THRESHOLD_WEEKS.value
    """This platform's default, not a national rule: ``agreements.defaults`` says why and where from."""
    review_months: int = 12
    notice_weeks: int = 4
    records_years: int = 6
    monitoring: Monitoring = Monitoring.SHARED_RECORD

    def lines_of(self, kind: BudgetKind) -> list[BudgetLine]:
        return [line for line in self.budget_lines if line.kind is kind]


class _Reader:
    """Reads typed values out of the JSON object, collecting a problem for each bad field."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def get(self, raw: dict[str, Any], name: str, path: str, kind: str, *, default: Any = ..., optional: bool = False):  # type: ignore[no-untyped-def]
        value = raw.get(name)
        if value is None:
            if default is not ... or optional:
                return None if default is ... else default
            self.problems.append((f"{path}{name}", f"{path}{name} is missing"))
            return None
        try:
            if kind == "text":
                if not isinstance(value, str) or not value.strip():
                    raise ValueError
                return value.strip()
            if kind == "date":
                return value if isinstance(value, date) else date.fromisoformat(value)
            if kind == "pence":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError
                return value
            if kind == "count":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError
                return value
            if kind == "decimal":
                number = Decimal(str(value)) if not isinstance(value, float) else None
                if number is None or not number.is_finite() or number < 0:
                    raise ValueError
                return number
            if kind == "bool":
                if not isinstance(value, bool):
                    raise ValueError
                return value
        except (ValueError, TypeError, InvalidOperation):
            pass
        wanted = {
            "text": "some text",
            "date": "a date (YYYY-MM-DD)",
            "pence": "a whole number of pence, 0 or more",
            "count": "a whole number, 0 or more",
            "decimal": "a decimal number in a string, 0 or more",
            "bool": "true or false",
        }[kind]
        self.problems.append((f"{path}{name}", f"{path}{name} must be {wanted}, not {value!r}"))
        return None

    def choice(self, raw: dict[str, Any], name: str, path: str, options: type[StrEnum], default: Any = ...):  # type: ignore[no-untyped-def]
        value = self.get(raw, name, path, "text", default=default)
        if value is None or isinstance(value, options):
            return value
        try:
            return options(value)
        except ValueError:
            allowed = ", ".join(option.value for option in options)
            self.problems.append((f"{path}{name}", f"{path}{name} must be one of {allowed}, not {value!r}"))
            return None

    def items(self, raw: dict[str, Any], name: str) -> list[dict[str, Any]]:
        value = raw.get(name)
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problems.append((name, f"{name} must be a list of objects"))
            return []
        return value


def parse_terms(raw: dict[str, Any]) -> Terms:
    """Typed terms from their JSON object; every field problem is reported at once."""
    read = _Reader()
    outcomes = tuple(
        Outcome(
            read.get(item, "id", f"outcomes[{i}].", "text"), read.get(item, "description", f"outcomes[{i}].", "text")
        )
        for i, item in enumerate(read.items(raw, "outcomes"))
    )
    lines = tuple(
        BudgetLine(
            kind=read.choice(item, "kind", f"budget_lines[{i}].", BudgetKind),
            description=read.get(item, "description", f"budget_lines[{i}].", "text"),
            amount_pence=read.get(item, "amount_pence", f"budget_lines[{i}].", "pence"),
            hours_per_week=read.get(item, "hours_per_week", f"budget_lines[{i}].", "decimal", optional=True),
            hourly_rate_pence=read.get(item, "hourly_rate_pence", f"budget_lines[{i}].", "pence", optional=True),
            percent_of_pa_pay=read.get(item, "percent_of_pa_pay", f"budget_lines[{i}].", "decimal", optional=True),
        )
        for i, item in enumerate(read.items(raw, "budget_lines"))
    )
    uses = []
    for i, item in enumerate(read.items(raw, "permitted_uses")):
        linked = item.get("outcomes", [])
        if not isinstance(linked, list) or not all(isinstance(one, str) for one in linked):
            read.problems.append((f"permitted_uses[{i}].outcomes", "outcomes must be a list of outcome ids"))
            linked = []
        uses.append(
            PermittedUse(
                read.get(item, "category", f"permitted_uses[{i}].", "text"),
                read.get(item, "description", f"permitted_uses[{i}].", "text"),
                tuple(linked),
            )
        )
    terms = Terms(
        holder_name=read.get(raw, "holder_name", "", "text"),
        authority_name=read.get(raw, "authority_name", "", "text"),
        support_plan_reference=read.get(raw, "support_plan_reference", "", "text"),
        support_plan_dated=read.get(raw, "support_plan_dated", "", "date"),
        outcomes=outcomes,
        starts_on=read.get(raw, "starts_on", "", "date"),
        ends_on=read.get(raw, "ends_on", "", "date"),
        annual_total_pence=read.get(raw, "annual_total_pence", "", "pence"),
        budget_lines=lines,
        frequency=read.choice(raw, "frequency", "", Frequency),
        cycle_starts_on=read.get(raw, "cycle_starts_on", "", "date"),
        bank_account_name=read.get(raw, "bank_account_name", "", "text"),
        permitted_uses=tuple(uses),
        managed_by=read.choice(raw, "managed_by", "", ManagedBy, default=ManagedBy.SELF),
        representative_name=read.get(raw, "representative_name", "", "text", optional=True),
        representative_role=read.get(raw, "representative_role", "", "text", optional=True),
        third_party_name=read.get(raw, "third_party_name", "", "text", optional=True),
        third_party_requested_on=read.get(raw, "third_party_requested_on", "", "date", optional=True),
        third_party_setup_fee_pence=read.get(raw, "third_party_setup_fee_pence", "", "pence", default=0),
        third_party_fee_per_payment_pence=read.get(raw, "third_party_fee_per_payment_pence", "", "pence", default=0),
        in_advance=read.get(raw, "in_advance", "", "bool", default=True),
        annual_contribution_pence=read.get(raw, "annual_contribution_pence", "", "pence", default=0),
        surplus_threshold_weeks=read.get(
            raw, "surplus_threshold_weeks", "", "count", default=SURPLUS_THRESHOLD_WEEKS.value
        ),
        review_months=read.get(raw, "review_months", "", "count", default=12),
        notice_weeks=read.get(raw, "notice_weeks", "", "count", default=4),
        records_years=read.get(raw, "records_years", "", "count", default=6),
        monitoring=read.choice(raw, "monitoring", "", Monitoring, default=Monitoring.SHARED_RECORD),
    )
    known = {name for name in Terms.__dataclass_fields__}
    read.problems += [(name, f"{name} is not a term of the agreement") for name in sorted(set(raw) - known)]
    if read.problems:
        raise AgreementInvalidError(read.problems)
    return terms


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


THIRD_PARTY_ONLY = ("third_party_requested_on", "third_party_setup_fee_pence", "third_party_fee_per_payment_pence")


def terms_to_dict(terms: Terms) -> dict[str, Any]:
    """The canonical JSON object of the terms (what is stored, hashed and compared). The third party's
    request and fees are terms only of a payment made to a third party, so the canonical form of every
    other agreement is what it was before they existed."""
    plain: dict[str, Any] = _plain(terms)
    if terms.managed_by is not ManagedBy.THIRD_PARTY:
        for name in THIRD_PARTY_ONLY:
            plain.pop(name)
    return plain
