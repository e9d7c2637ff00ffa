"""Bureau payroll benchmark: one four-weekly run for 5,000 PAs across the employers a bureau holds
payroll mandates for, drafted, finalised into each employer's ledger and audited, as
``dp-platform payroll bureau-run --finalise`` does it.

    .venv/bin/python -m benchmarks.bureau [--pas 1000 2500 5000] [--pas-per-employer 2]

Each size runs on its own scratch database, so the figures show how the run grows with the bureau.

Runs on a scratch database (DP_DATABASE_URL's server or the embedded one) that is dropped at
the end. Setting up the employers is not timed; the run is. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.ledger import _drop, _load, _scratch_database
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.settings import load_settings
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.tables import AuthorityRow, DpAccountRow, MandateRow, OrganisationRow, UserRow
from dp_platform.workflows.bureau import run_bureau_payroll
from ledgers.chart import OPTION_1_CHART
from ledgers.ids import new_id
from ledgers.tables import LedgerAccountRow
from payroll.periods import PayFrequency
from payroll.tables import PersonalAssistantRow, TimesheetEntryRow

START = date(2026, 4, 6)


async def populate_bureau(sessions, pas: int, per_employer: int) -> uuid.UUID:  # type: ignore[no-untyped-def]
    employers = pas // per_employer
    async with sessions() as session, session.begin():
        authority = AuthorityRow(code="BENCH", name="Benchmark Council", kind="local_authority")
        bureau = OrganisationRow(name="Benchmark Payroll Bureau", kind="payroll_bureau")
        session.add_all([authority, bureau])
        await session.flush()
        staff = UserRow(
            email="bench@bureau.example", display_name="Bench", role="bureau_staff", organisation_id=bureau.id
        )
        holder = UserRow(email="holder@bench.example", display_name="Holder", role="employer")
        session.add_all([staff, holder])
        await session.flush()
        accounts = [
            {
                "id": new_id(),
                "authority_id": authority.id,
                "reference": f"DP-{index:05d}",
                "holder_name": f"Holder {index}",
                "opened_on": date(2025, 4, 1),
            }
            for index in range(employers)
        ]
        await session.execute(insert(DpAccountRow), accounts)
        await session.execute(
            insert(MandateRow),
            [
                {
                    "id": new_id(),
                    "account_id": account["id"],
                    "organisation_id": bureau.id,
                    "scopes": ["run_payroll", "view"],
                    "valid_from": date(2025, 4, 1),
                    "granted_by_user_id": holder.id,
                }
                for account in accounts
            ],
        )
        await session.execute(
            insert(LedgerAccountRow),
            [
                {
                    "id": new_id(),
                    "book_id": account["id"],
                    "code": item.code.value,
                    "name": item.name,
                    "opened_on": date(2025, 4, 1),
                }
                for account in accounts
                for item in OPTION_1_CHART
            ],
        )
        pa_rows, entries = [], []
        for index in range(pas):
            pa_id = new_id()
            pa_rows.append(
                {
                    "id": pa_id,
                    "account_id": accounts[index % employers]["id"],
                    "full_name": f"PA {index}",
                    "started_on": date(2025, 4, 7),
                    "date_of_birth": date(1970 + index % 35, 1 + index % 12, 1 + index % 28),
                    "tax_code": "S1257L" if index % 10 else "SBR",
                }
            )
            entries += [
                {
                    "id": new_id(),
                    "pa_id": pa_id,
                    "worked_on": START + timedelta(days=day),
                    "hours": Decimal("7.5"),
                    "kind": "standard",
                    "hourly_rate_pence": 1400 + 5 * (index % 20),
                }
                for day in range(0, 28, 2)
            ]
        await session.execute(insert(PersonalAssistantRow), pa_rows)
        for start in range(0, len(entries), 10_000):
            await session.execute(insert(TimesheetEntryRow), entries[start : start + 10_000])
        return staff.id


async def run(pas: int, per_employer: int) -> None:
    settings = load_settings(os.environ)
    server = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    url = await _scratch_database(server)
    engine = create_engine(url, pool_size=4)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        started = time.perf_counter()
        staff_id = await populate_bureau(sessions, pas, per_employer)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"set up {pas:,} PAs over {pas // per_employer:,} employers with 14 timesheet days each "
            f"in {time.perf_counter() - started:.1f} s (not timed below)"
        )
        async with sessions() as session:
            actor = await load_user_actor(session, staff_id)
        started = time.perf_counter()
        outcomes = await run_bureau_payroll(
            sessions,
            actor,
            frequency=PayFrequency.FOUR_WEEKLY,
            period_number=1,
            period_start=START,
            period_end=START + timedelta(days=27),
            paid_on=date(2026, 5, 1),
            finalise=True,
        )
        elapsed = time.perf_counter() - started
        payslips = sum(outcome.payslips for outcome in outcomes)
        finalised = sum(1 for outcome in outcomes if outcome.status == "finalised")
        aim = 10 * pas / 5_000  # the aim is 5,000 PAs in < 10 s; a smaller bureau in proportion
        print(
            f"bureau run, {pas:,} PAs: {payslips:,} payslips for {len(outcomes):,} employers ({finalised:,} finalised, "
            f"posted to the ledger and audited) in {elapsed:.1f} s = {payslips / elapsed:,.0f} payslips/s "
            f"(aim < {aim:.1f} s: {'hit' if elapsed < aim else 'missed'}) {_load()}"
        )
    finally:
        await engine.dispose()
        await _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pas", type=int, nargs="+", default=[1_000, 2_500, 5_000])
    parser.add_argument("--pas-per-employer", type=int, default=2)
    args = parser.parse_args()
    for pas in args.pas:
        asyncio.run(run(pas, args.pas_per_employer))


if __name__ == "__main__":
    main()
