"""A complete, valid set of terms, for tests to change one thing at a time."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from agreements.validation import Floor

PA_MINIMUM = [
    Floor(date(2024, 4, 1), date(2025, 3, 31), 1200, "scotgov.pa_minimum_hourly_rate@2024-04-01"),
    Floor(date(2025, 4, 1), date(2026, 3, 31), 1260, "scotgov.pa_minimum_hourly_rate@2025-04-01"),
    Floor(date(2026, 4, 1), date(2027, 3, 31), 1345, "scotgov.pa_minimum_hourly_rate@2026-04-01"),
]

MORAG: dict[str, Any] = {
    "holder_name": "Morag Campbell",
    "authority_name": "Glenmore Council",
    "support_plan_reference": "SP-2026-014",
    "support_plan_dated": "2026-03-20",
    "outcomes": [
        {"id": "O1", "description": "Live at home with support at the times I choose"},
        {"id": "O2", "description": "Keep up my swimming and see friends each week"},
    ],
    "starts_on": "2026-04-15",
    "ends_on": "2027-03-31",
    # 20 h x 14.00 x 52 = 14,560.00; on-costs 22.5% = 3,276.00; contingency 600.00; short breaks 1,500.00
    "annual_total_pence": 1_993_600,
    "budget_lines": [
        {"kind": "pa_hours", "description": "Personal assistants", "amount_pence": 1_456_000,
         "hours_per_week": "20", "hourly_rate_pence": 1400},
        {"kind": "employer_on_costs", "description": "Employer costs (NI, pension, holiday, insurance, payroll)",
         "amount_pence": 327_600, "percent_of_pa_pay": "22.5"},
        {"kind": "contingency", "description": "Contingency", "amount_pence": 60_000},
        {"kind": "short_breaks", "description": "Short breaks", "amount_pence": 150_000},
    ],
    "frequency": "four_weekly",
    "cycle_starts_on": "2026-04-06",
    "bank_account_name": "M Campbell Direct Payment account",
    "permitted_uses": [
        {"category": "pa_wages", "description": "Employing personal assistants", "outcomes": ["O1", "O2"]},
        {"category": "short_breaks", "description": "Short breaks", "outcomes": ["O2"]},
    ],
}  # fmt: skip


def morag(**changes: Any) -> dict[str, Any]:
    terms = copy.deepcopy(MORAG)
    terms.update(changes)
    return terms
