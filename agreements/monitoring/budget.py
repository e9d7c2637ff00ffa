"""Spending against the agreement's budget lines over a window of days. Pure.

The ledger knows spending by spend category; the agreement budgets by line. Lines are grouped by
what their money is spent on: the PA hours and the employer's costs of them (wages, employer NI
and pension, payroll services, employer's insurance, recruiting and training PAs); short breaks;
and everything else, which the contingency and any other lines cover. Each group's budget for the
window is its lines' yearly amounts for the days in it (rounded half up to the penny).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from agreements.terms import BudgetKind, Terms

DAYS_IN_YEAR = 365
GROUPS: tuple[tuple[str, frozenset[BudgetKind], frozenset[str] | None], ...] = (
    (
        "Personal assistants and their employer costs",
        frozenset({BudgetKind.PA_HOURS, BudgetKind.EMPLOYER_ON_COSTS}),
        frozenset({"pa_wages", "payroll_services", "insurance", "recruitment", "training"}),
    ),
    ("Short breaks", frozenset({BudgetKind.SHORT_BREAKS}), frozenset({"short_breaks"})),
    ("Everything else (contingency and other lines)", frozenset({BudgetKind.CONTINGENCY, BudgetKind.OTHER}), None),
)


@dataclass(frozen=True, slots=True)
class BudgetUse:
    label: str
    lines: tuple[str, ...]
    """The agreement's lines in the group, by their own descriptions."""
    budget_pence: int
    spent_pence: int

    @property
    def left_pence(self) -> int:
        return self.budget_pence - self.spent_pence


def budget_use(terms: Terms, spent_by_category: dict[str, int], first: date, last: date) -> list[BudgetUse]:
    days = max((last - first).days + 1, 0)
    named = {category for _, _, categories in GROUPS if categories for category in categories}
    uses = []
    for label, kinds, categories in GROUPS:
        lines = [line for line in terms.budget_lines if line.kind in kinds]
        yearly = sum(line.amount_pence for line in lines)
        budget = int((Decimal(yearly) * days / DAYS_IN_YEAR).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        spent = sum(
            pence
            for category, pence in spent_by_category.items()
            if (category in categories if categories is not None else category not in named)
        )
        if lines or spent:
            uses.append(BudgetUse(label, tuple(line.description for line in lines), budget, spent))
    return uses
