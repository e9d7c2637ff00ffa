"""Whether an agreement's terms hold together, every problem named with its field. Pure.

The pay floor is passed in (``Floor`` values for the Scottish minimum for adult social care
workers, from the platform's rate data) because this package does not depend on payroll. A PA
hourly rate must reach the floor on every date the agreement covers; the budget funds it with
the employer's on-costs on top, so the sentence says what an hour costs with them. Dates the
agreement covers for which no floor is published yet cannot be checked: that is a warning, not
a refusal, since the agreement itself promises a variation when the floor rises.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from agreements.defaults import LONGEST_TERM_YEARS
from agreements.errors import AgreementInvalidError
from agreements.terms import REPRESENTATIVE_ROLES, BudgetKind, Frequency, ManagedBy, Terms
from ledgers.categories.taxonomy import national
from ledgers.money import Money

WEEKS_IN_YEAR = 52


@dataclass(frozen=True, slots=True)
class Floor:
    effective_from: date
    effective_to: date
    hourly_rate_pence: int
    reference: str


def money(pence: int | Decimal) -> str:
    """Pounds as a person reads them; a worked-out Decimal amount is rounded half up to the penny first."""
    return str(Money(_round(Decimal(pence))))


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _budget_problems(terms: Terms) -> list[tuple[str, str]]:
    problems = []
    total = sum(line.amount_pence for line in terms.budget_lines)
    if not terms.budget_lines:
        problems.append(("budget_lines", "the budget has no lines: say what the money pays for"))
    elif total != terms.annual_total_pence:
        problems.append(
            (
                "budget_lines",
                f"the budget lines add up to {money(total)}, not the annual total of {money(terms.annual_total_pence)}",
            )
        )
    pa_pay = 0
    for index, line in enumerate(terms.budget_lines):
        where = f"budget_lines[{index}]"
        if line.kind is BudgetKind.PA_HOURS:
            if line.hours_per_week is None or line.hourly_rate_pence is None:
                problems.append((where, f"{where}: PA hours need hours_per_week and hourly_rate_pence"))
                continue
            expected = _round(line.hours_per_week * line.hourly_rate_pence * WEEKS_IN_YEAR)
            pa_pay += line.amount_pence
            if line.amount_pence != expected:
                problems.append(
                    (
                        f"{where}.amount_pence",
                        f"{where}: {line.hours_per_week.normalize():f} hours a week at "
                        f"{money(line.hourly_rate_pence)} for {WEEKS_IN_YEAR} weeks is {money(expected)}, "
                        f"not {money(line.amount_pence)}",
                    )
                )
    for index, line in enumerate(terms.budget_lines):
        if line.kind is BudgetKind.EMPLOYER_ON_COSTS:
            where = f"budget_lines[{index}]"
            if line.percent_of_pa_pay is None:
                problems.append((where, f"{where}: employer on-costs need percent_of_pa_pay"))
                continue
            expected = _round(Decimal(pa_pay) * line.percent_of_pa_pay / 100)
            if line.amount_pence != expected:
                problems.append(
                    (
                        f"{where}.amount_pence",
                        f"{where}: {line.percent_of_pa_pay.normalize():f}% of the PA pay of {money(pa_pay)} is "
                        f"{money(expected)}, not {money(line.amount_pence)}",
                    )
                )
    if terms.annual_contribution_pence > terms.annual_total_pence:
        problems.append(
            (
                "annual_contribution_pence",
                f"the contribution of {money(terms.annual_contribution_pence)} is more than the budget "
                f"of {money(terms.annual_total_pence)}",
            )
        )
    return problems


def on_cost_percent(terms: Terms) -> Decimal:
    return sum(
        (line.percent_of_pa_pay or Decimal(0) for line in terms.lines_of(BudgetKind.EMPLOYER_ON_COSTS)), Decimal(0)
    )


def _floor_problems(terms: Terms, floors: Sequence[Floor]) -> tuple[list[tuple[str, str]], list[str]]:
    problems, warnings = [], []
    percent = on_cost_percent(terms)
    covered_to = terms.starts_on - timedelta(days=1)
    for floor in sorted(floors, key=lambda floor: floor.effective_from):
        start, end = max(floor.effective_from, terms.starts_on), min(floor.effective_to, terms.ends_on)
        if start > end:
            continue
        covered_to = max(covered_to, end)
        for index, line in enumerate(terms.budget_lines):
            if line.kind is not BudgetKind.PA_HOURS or line.hourly_rate_pence is None:
                continue
            if line.hourly_rate_pence < floor.hourly_rate_pence:
                needed = Decimal(floor.hourly_rate_pence) * (1 + percent / 100)
                funded = Decimal(line.hourly_rate_pence) * (1 + percent / 100)
                problems.append(
                    (
                        f"budget_lines[{index}].hourly_rate_pence",
                        f"from {start.isoformat()} to {end.isoformat()} the Scottish PA minimum is "
                        f"{money(floor.hourly_rate_pence)} an hour ({money(needed)} with on-costs of "
                        f"{percent.normalize():f}%), but budget_lines[{index}] pays {money(line.hourly_rate_pence)} "
                        f"({money(funded)} with on-costs) [{floor.reference}]",
                    )
                )
    if covered_to < terms.ends_on:
        warnings.append(
            f"No Scottish PA minimum is published for {(covered_to + timedelta(days=1)).isoformat()} onwards; "
            "the PA rate could not be checked for those dates."
        )
    return problems, warnings


def _date_and_party_problems(terms: Terms) -> list[tuple[str, str]]:
    problems = []
    if terms.ends_on < terms.starts_on:
        problems.append(
            (
                "ends_on",
                f"the agreement ends on {terms.ends_on.isoformat()}, before it starts on {terms.starts_on.isoformat()}",
            )
        )
    if terms.support_plan_dated > terms.starts_on:
        problems.append(
            (
                "support_plan_dated",
                f"the support plan is dated {terms.support_plan_dated.isoformat()}, after the agreement starts "
                f"on {terms.starts_on.isoformat()}: the agreement must come from a plan already made",
            )
        )
    if terms.cycle_starts_on > terms.starts_on:
        problems.append(
            (
                "cycle_starts_on",
                f"the payment cycle must be dated on or before the start ({terms.starts_on.isoformat()}), "
                "so the first payment can be placed on it",
            )
        )
    if terms.frequency is Frequency.MONTHLY and terms.cycle_starts_on.day > 28:
        problems.append(("cycle_starts_on", "a monthly cycle must fall on day 1 to 28, which every month has"))
    if terms.managed_by is ManagedBy.REPRESENTATIVE and not (terms.representative_name and terms.representative_role):
        problems.append(("representative_name", "a representative manages the payment: give their name and role"))
    if terms.representative_role is not None and terms.representative_role not in REPRESENTATIVE_ROLES:
        problems.append(
            ("representative_role", f"representative_role must be one of {', '.join(REPRESENTATIVE_ROLES)}")
        )
    if terms.managed_by is ManagedBy.THIRD_PARTY and not terms.third_party_name:
        problems.append(("third_party_name", "the payment goes to a third party: name them"))
    if terms.managed_by is ManagedBy.THIRD_PARTY and terms.third_party_requested_on is None:
        problems.append(
            ("third_party_requested_on", "a payment goes to a third party only at the person's request: give its date")
        )
    if terms.managed_by is not ManagedBy.THIRD_PARTY and (
        terms.third_party_setup_fee_pence or terms.third_party_fee_per_payment_pence or terms.third_party_requested_on
    ):
        problems.append(("managed_by", "a third party's request and fees are for a payment made to a third party"))
    ids = Counter(outcome.id for outcome in terms.outcomes)
    if not terms.outcomes:
        problems.append(("outcomes", "name at least one agreed personal outcome"))
    problems += [("outcomes", f"outcome id {name!r} is used {count} times") for name, count in ids.items() if count > 1]
    categories = national().categories
    for index, use in enumerate(terms.permitted_uses):
        if use.category not in categories:
            problems.append(
                (
                    f"permitted_uses[{index}].category",
                    f"{use.category!r} is not a spend category (known: {', '.join(sorted(categories))})",
                )
            )
        for linked in use.outcomes:
            if linked not in ids:
                problems.append(
                    (
                        f"permitted_uses[{index}].outcomes",
                        f"permitted_uses[{index}] links to outcome {linked!r}, which is not agreed",
                    )
                )
    if not terms.permitted_uses:
        problems.append(("permitted_uses", "say what the money may be used for"))
    return problems


def check_terms(terms: Terms, floors: Sequence[Floor]) -> list[str]:
    """Refuse terms that do not hold together (every problem at once); return the warnings."""
    problems = _date_and_party_problems(terms) + _budget_problems(terms)
    floor_problems, warnings = _floor_problems(terms, floors)
    problems += floor_problems
    if problems:
        raise AgreementInvalidError(problems)
    years = LONGEST_TERM_YEARS.value
    if terms.ends_on >= terms.starts_on + relativedelta(years=years):
        warnings.append(
            f"The agreement runs for more than {years} years, the platform's default longest term: "
            f"{LONGEST_TERM_YEARS.why}"
        )
    return warnings
