"""The demo's agreements: Morag's in force, with its first payment received into her ledger;
Callum's signed by his mother Isla as his representative and waiting for the council's signature.
Dates are the story's as written; ``DemoCalendar`` tells them on the days they fall now."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from agreements.template import CURRENT
from dp_platform.demo.calendar import DemoCalendar
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import DpAccountRow, UserRow
from dp_platform.workflows.agreements import draft_for_account, record_payment_for_account, sign_for_account

OUTCOMES = [
    {"id": "O1", "description": "Live in my own home with support at the times I choose"},
    {"id": "O2", "description": "Keep swimming and see friends every week"},
]
USES = [
    {"category": "pa_wages", "description": "Employing my personal assistants", "outcomes": ["O1", "O2"]},
    {"category": "short_breaks", "description": "Short breaks away from home", "outcomes": ["O2"]},
    {"category": "activities", "description": "Swimming and the leisure centre", "outcomes": ["O2"]},
]


def _terms(when: DemoCalendar, holder: str, **changes: Any) -> dict[str, Any]:
    # 25 h a week x £14.00 x 52 = £18,200.00; on-costs 22.5% = £4,095.00; contingency £625.00;
    # short breaks £1,000.00: £23,920.00 a year, £1,840.00 every 4 weeks.
    terms = {
        "holder_name": holder,
        "authority_name": "Glenmore Council",
        "support_plan_reference": "SP-2026-001",
        "support_plan_dated": _on(when, "2026-03-16"),
        "outcomes": OUTCOMES,
        "starts_on": _on(when, "2026-04-06"),
        "ends_on": "2027-03-31",
        "annual_total_pence": 2_392_000,
        "budget_lines": [
            {"kind": "pa_hours", "description": "Personal assistants", "amount_pence": 1_820_000,
             "hours_per_week": "25", "hourly_rate_pence": 1400},
            {"kind": "employer_on_costs", "description": "Employer costs: NI, pension, holiday, insurance, payroll",
             "amount_pence": 409_500, "percent_of_pa_pay": "22.5"},
            {"kind": "contingency", "description": "Contingency", "amount_pence": 62_500},
            {"kind": "short_breaks", "description": "Short breaks", "amount_pence": 100_000},
        ],
        "frequency": "four_weekly",
        "cycle_starts_on": _on(when, "2026-04-06"),
        "bank_account_name": f"{holder} Direct Payment account",
        "permitted_uses": USES,
    }  # fmt: skip
    terms.update(changes)
    return terms


def _on(when: DemoCalendar, written: str) -> str:
    return when.on(date.fromisoformat(written)).isoformat()


async def seed_demo_agreements(
    session: AsyncSession,
    when: DemoCalendar,
    worker: UserRow,
    morag: tuple[DpAccountRow, UserRow],
    callum: tuple[DpAccountRow, UserRow],
) -> None:
    social_worker = await load_user_actor(session, worker.id)
    assert social_worker is not None
    for (account, signer), terms in (
        (morag, _terms(when, "Morag Campbell")),
        (
            callum,
            _terms(
                when,
                "Callum Fraser",
                managed_by="representative",
                representative_name="Isla Fraser",
                representative_role="parent",
                support_plan_reference="CP-2026-044",
                starts_on=_on(when, "2026-05-04"),
                annual_contribution_pence=0,
            ),
        ),
    ):
        holder = await load_user_actor(session, signer.id)
        assert holder is not None
        agreement = await draft_for_account(session, social_worker, account.id, template_key=CURRENT, terms=terms)
        digest = agreement.latest.content_hash
        await sign_for_account(session, holder, account.id, agreement.agreement.id, 1, digest)
        if account is morag[0]:
            await sign_for_account(session, social_worker, account.id, agreement.agreement.id, 1, digest)
            await record_payment_for_account(
                session,
                holder,
                account.id,
                agreement.agreement.id,
                due_on=when.on(date(2026, 4, 6)),
                received_on=when.on(date(2026, 4, 6)),
            )
