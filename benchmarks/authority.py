"""Council benchmark: a council of N Direct Payment accounts, each with a year of realistic records,
and the time to build its portfolio and to run every monitoring check over it.

    .venv/bin/python -m benchmarks.authority [--accounts 10000]

Each account has an agreement in force for the last year with its 13 four-weekly payments (one
account in 25 missed one), about 300 ledger postings (the council's payments, 13 pay runs with their
wages, tax and pension paid, and some 60 other spends), the last four months of bank lines (most
reconciled), two PAs (some checks missing or expired), their last three pay periods' timesheets and
every payslip, and a spend exception in one account in ten. The council has every threshold set.

Loading is bulk (COPY, triggers off) and not timed. Timed, three times each, in a fresh session:
the portfolio (``authority_portfolio``, which runs the checks too) and the exception scan
(``council_queue``), each whole: every query and all the Python from the call to the result. The
machine's load average is printed beside each figure. Runs on a scratch database (DP_DATABASE_URL's
server or the embedded one), dropped at the end. Prints figures, the seconds last; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from agreements.content import content as agreement_content
from agreements.tables import AgreementRow
from agreements.template import CURRENT, render_clauses, template
from agreements.terms import parse_terms, terms_to_dict
from benchmarks.ledger import _drop, _scratch_database
from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.settings import load_settings
from dp_platform.tenancy.access import load_user_actor
from dp_platform.workflows.exceptions import council_queue
from dp_platform.workflows.portfolio import authority_portfolio
from ledgers.chart import OPTION_1_CHART
from ledgers.ids import new_id
from tests.unit.agreements.terms_example import morag

TODAY = date.today()  # noqa: DTZ011 - the records are dated back from today
STARTS = TODAY - timedelta(days=364)
BATCH = 500
SPENDS = ("expenses:agency", "expenses:activities", "expenses:transport", "expenses:equipment", "expenses:short_breaks")
THRESHOLDS = {
    "statements_within_days": 35,
    "unreconciled_weeks": 8,
    "duplicate_within_days": 3,
    "cash_limit_pence": 25_000,
    "hours_above_agreed_percent": 25,
    "overspend_percent": 10,
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "platform_dp_accounts": ("id", "authority_id", "reference", "holder_name", "opened_on"),
    "ledger_accounts": ("id", "book_id", "code", "name", "opened_on", "version", "balance_pence"),
    "ledger_journal_entries": (
        "id",
        "book_id",
        "occurred_on",
        "narration",
        "source",
        "idempotency_key",
        "request_hash",
    ),
    "ledger_postings": (
        "id",
        "entry_id",
        "account_id",
        "book_id",
        "occurred_on",
        "amount_pence",
        "account_version",
        "balance_after_pence",
    ),
    "agreement_agreements": (
        "id",
        "account_id",
        "authority_id",
        "reference",
        "template_key",
        "status",
        "in_force_version",
    ),
    "agreement_versions": ("id", "agreement_id", "number", "status", "content", "content_hash"),
    "agreement_payments": ("id", "agreement_id", "due_on", "received_on", "amount_pence", "ledger_entry_id"),
    "ledger_statements": (
        "id",
        "book_id",
        "filename",
        "file_sha256",
        "format",
        "start_on",
        "end_on",
        "line_count",
        "new_line_count",
    ),
    "ledger_statement_lines": (
        "id",
        "book_id",
        "statement_id",
        "source_line",
        "value_on",
        "description",
        "amount_pence",
        "fingerprint",
    ),
    "ledger_matches": ("id", "book_id", "statement_line_id", "posting_id", "entry_id", "matched_by", "explanation"),
    "ledger_spend_line_categories": (
        "line_id",
        "book_id",
        "payee_key",
        "category",
        "source",
        "reason",
        "confirmed",
        "relationship",
    ),
    "ledger_spend_reviews": (
        "id",
        "book_id",
        "subject_type",
        "subject_id",
        "occurred_on",
        "amount_pence",
        "payee_key",
        "description",
        "category",
        "kind",
        "decision",
        "rule_ids",
        "sentence",
        "status",
    ),
    "payroll_employers": ("account_id", "paye_reference", "accounts_office_reference", "insurance_expires_on"),
    "payroll_personal_assistants": (
        "id",
        "account_id",
        "full_name",
        "started_on",
        "date_of_birth",
        "pvg_checked_on",
        "pvg_expires_on",
        "right_to_work_checked_on",
        "relationship",
    ),
    "payroll_pay_runs": (
        "id",
        "account_id",
        "frequency",
        "tax_year_start",
        "period_number",
        "version",
        "period_start",
        "period_end",
        "paid_on",
        "status",
    ),
    "payroll_payslips": (
        "id",
        "pay_run_id",
        "pa_id",
        "tax_code",
        "ni_category",
        "gross_pence",
        "net_pence",
        "holiday_hours_accrued",
        "findings",
        "lines",
        "rates_used",
    ),
    "payroll_timesheet_entries": ("id", "pa_id", "worked_on", "hours", "kind", "hourly_rate_pence"),
}


class Book:
    """One account's ledger while it is generated: balanced entries, running versions and balances."""

    def __init__(self, account_id: uuid.UUID, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        self.id, self.rows = account_id, rows
        self.accounts = {item.code.value: new_id() for item in OPTION_1_CHART}
        self.versions = dict.fromkeys(self.accounts.values(), 0)
        self.balances = dict.fromkeys(self.accounts.values(), 0)
        self.count = 0

    def post(self, day: date, narration: str, *postings: tuple[str, int]) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
        entry = new_id()
        self.count += 1
        self.rows["ledger_journal_entries"].append(
            (entry, self.id, day, narration, "benchmark", f"bench:{self.count}", "0" * 64)
        )
        ids = {}
        for code, pence in postings:
            account = self.accounts[code]
            self.versions[account] += 1
            self.balances[account] += pence
            ids[code] = new_id()
            self.rows["ledger_postings"].append(
                (ids[code], entry, account, self.id, day, pence, self.versions[account], self.balances[account])
            )
        return entry, ids

    def flush_accounts(self) -> None:
        self.rows["ledger_accounts"] += [
            (account, self.id, code, code, STARTS - timedelta(days=1), self.versions[account], self.balances[account])
            for code, account in self.accounts.items()
        ]


def _account(
    index: int, authority_id: uuid.UUID, content: dict[str, Any], rows: dict[str, list[tuple[Any, ...]]]
) -> None:
    chance = random.Random(index)
    account_id = new_id()
    rows["platform_dp_accounts"].append((account_id, authority_id, f"DP-{index:06d}", f"Person {index}", STARTS))
    book = Book(account_id, rows)
    annual = chance.randrange(1_500_000, 4_000_000, 100)
    raw = morag(
        starts_on=STARTS.isoformat(),
        ends_on=(STARTS + timedelta(days=364)).isoformat(),
        cycle_starts_on=STARTS.isoformat(),
        annual_total_pence=annual,
        budget_lines=[{"kind": "pa_hours", "description": "PA hours", "amount_pence": annual, "hours_per_week": "40"}],
    )
    terms = parse_terms(raw)
    agreement = AgreementRow(
        id=new_id(),
        account_id=account_id,
        authority_id=authority_id,
        reference=f"DPA-{index:06d}",
        template_key=CURRENT,
        status="in_force",
        in_force_version=1,
    )
    version_content = {**content, "terms": terms_to_dict(terms)}
    rows["agreement_agreements"].append(
        (agreement.id, account_id, authority_id, agreement.reference, agreement.template_key, "in_force", 1)
    )
    rows["agreement_versions"].append((new_id(), agreement.id, 1, "in_force", version_content, f"{index:064x}"))
    missed = index % 25 == 0
    payment = annual // 13
    statement_from = TODAY - timedelta(days=120)
    bank_lines: list[tuple[date, str, int, uuid.UUID, uuid.UUID, str | None]] = []

    def bank(
        day: date, description: str, pence: int, entry: uuid.UUID, posting: uuid.UUID, category: str | None
    ) -> None:
        if day >= statement_from:
            bank_lines.append((day, description, pence, entry, posting, category))

    for number in range(14):
        due = STARTS + timedelta(days=28 * number)
        if due > TODAY or (missed and number == 10):
            continue
        entry, ids = book.post(
            due, "Council payment", ("assets:bank:dp_account", payment), ("income:authority:dp_payment", -payment)
        )
        rows["agreement_payments"].append((new_id(), agreement.id, due, due, payment, entry))
        bank(due, "GLENMORE COUNCIL DP", payment, entry, ids["assets:bank:dp_account"], None)
    pas = []
    for number in range(2):
        pa = new_id()
        expired = chance.random() < 0.05
        pas.append(pa)
        rows["payroll_personal_assistants"].append(
            (
                pa,
                account_id,
                f"PA {index}-{number}",
                STARTS,
                date(1980, 1, 1),
                STARTS - timedelta(days=30),
                TODAY - timedelta(days=3) if expired else TODAY + timedelta(days=900),
                None if chance.random() < 0.05 else STARTS - timedelta(days=30),
                "family_member" if chance.random() < 0.02 else "none",
            )
        )
    rows["payroll_employers"].append((account_id, "123/AB45678", "123PA00012345", TODAY + timedelta(days=200)))
    wages = payment * 7 // 10
    for number in range(13):
        start = STARTS + timedelta(days=28 * number)
        end = start + timedelta(days=27)
        if end >= TODAY:
            break
        gross, employer_ni, pension = wages, wages // 20, wages // 33
        tax_and_ni, employee_pension = gross * 2 // 10, gross // 25
        net, hmrc, pension_due = (
            gross - tax_and_ni - employee_pension,
            tax_and_ni + employer_ni,
            pension + employee_pension,
        )
        book.post(
            end,
            "Pay run",
            ("expenses:pa_wages:gross", gross),
            ("expenses:pa_wages:employer_ni", employer_ni),
            ("expenses:pa_wages:employer_pension", pension),
            ("liabilities:wages:net_due", -net),
            ("liabilities:hmrc:paye_ni", -hmrc),
            ("liabilities:pension:due", -pension_due),
        )
        for code, pence, name in (
            ("liabilities:wages:net_due", net, "WAGES"),
            ("liabilities:hmrc:paye_ni", hmrc, "HMRC"),
            ("liabilities:pension:due", pension_due, "NEST"),
        ):
            paid_on = end + timedelta(days=2 if name == "WAGES" else 20)
            if paid_on < TODAY:
                entry, ids = book.post(paid_on, f"{name} paid", (code, pence), ("assets:bank:dp_account", -pence))
                bank(paid_on, f"{name} {index}", -pence, entry, ids["assets:bank:dp_account"], "pa_wages")
        run = new_id()
        rows["payroll_pay_runs"].append(
            (
                run,
                account_id,
                "four_weekly",
                date(start.year if start.month > 4 or (start.month == 4 and start.day >= 6) else start.year - 1, 4, 6),
                100 + number,
                1,
                start,
                end,
                end,
                "finalised",
            )
        )
        for pa in pas:
            rows["payroll_payslips"].append(
                (new_id(), run, pa, "S1257L", "A", gross // 2, net // 2, Decimal("8.0000"), [], [], [])
            )
            if end >= TODAY - timedelta(weeks=12):
                for day in range(0, 28, 3):
                    rows["payroll_timesheet_entries"].append(
                        (new_id(), pa, start + timedelta(days=day), Decimal(8), "standard", 1400)
                    )
    for number in range(60):
        day = STARTS + timedelta(days=chance.randrange(0, 364))
        code = SPENDS[number % len(SPENDS)]
        pence = chance.randrange(1_000, 20_000)
        entry, ids = book.post(day, "Spend", (code, pence), ("assets:bank:dp_account", -pence))
        bank(day, f"SHOP {number % 7} {index}", -pence, entry, ids["assets:bank:dp_account"], code.split(":")[1])
    book.flush_accounts()
    statement = new_id()
    rows["ledger_statements"].append(
        (
            statement,
            account_id,
            "statement.csv",
            f"{index:064x}",
            "csv",
            statement_from,
            TODAY - timedelta(days=3),
            len(bank_lines),
            len(bank_lines),
        )
    )
    for number, (day, description, pence, entry, posting, category) in enumerate(
        sorted(bank_lines, key=lambda line: line[0])
    ):
        line = new_id()
        rows["ledger_statement_lines"].append(
            (line, account_id, statement, str(number + 2), day, description, pence, f"{index}:{number}")
        )
        if chance.random() < 0.99:
            rows["ledger_matches"].append((new_id(), account_id, line, posting, entry, "auto", "benchmark"))
        if pence < 0 and category:
            rows["ledger_spend_line_categories"].append(
                (line, account_id, description.split()[0], category, "payee_history", "benchmark", True, "none")
            )
        if pence < 0 and index % 10 == 0 and number == 5:
            rows["ledger_spend_reviews"].append(
                (
                    new_id(),
                    account_id,
                    "statement_line",
                    line,
                    day,
                    pence,
                    "BETTING",
                    description,
                    "gambling",
                    "exception",
                    "not_allowed",
                    ["NAT-EXCL-GAMBLING"],
                    "Gambling is never paid for from a Direct Payment.",
                    "open",
                )
            )


async def _load(url: str, authority_id: uuid.UUID, accounts: int, content: dict[str, Any]) -> int:
    """COPY in batches on a connection of its own (its JSONB codec is the binary one COPY needs)."""
    postings = 0
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.set_type_codec(
            "jsonb", encoder=_jsonb, decoder=lambda value: value, schema="pg_catalog", format="binary"
        )
        for first in range(0, accounts, BATCH):
            rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
            for index in range(first, min(first + BATCH, accounts)):
                _account(index, authority_id, content, rows)
            postings += len(rows["ledger_postings"])
            async with connection.transaction():
                await connection.execute("SET LOCAL session_replication_role = replica")
                for table, columns in COLUMNS.items():
                    if rows[table]:
                        await connection.copy_records_to_table(table, records=rows[table], columns=columns)
    finally:
        await connection.close()
    return postings


def _jsonb(value: object) -> bytes:
    """JSONB's binary form for COPY: a version byte, then the text."""
    return b"\x01" + json.dumps(value).encode()


async def _timed(label: str, work) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for attempt in range(3):
        started = time.perf_counter()
        result = await work()
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        load = os.getloadavg()[0]
        print(
            f"{label}, run {attempt + 1}: {elapsed:.2f} s ({len(result):,} rows; load average {load:.2f})", flush=True
        )
    return best


async def run(accounts: int) -> None:
    settings = load_settings(os.environ)
    server = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    url = await _scratch_database(server)
    engine = create_engine(url, pool_size=4)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        chosen = template(CURRENT)
        terms = parse_terms(morag())
        content = agreement_content(chosen.key, render_clauses(chosen, terms, {}), terms_to_dict(terms))
        authority_id, finance_id = new_id(), new_id()
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO platform_authorities (id, code, name, kind) "
                    "VALUES (:id, 'BENCH', 'Benchmark Council', 'local_authority')"
                ),
                {"id": authority_id},
            )
            await connection.execute(
                text(
                    "INSERT INTO platform_users (id, email, display_name, role, authority_id, is_active) "
                    "VALUES (:id, 'finance@bench.example', 'Finance', 'authority_finance', :authority, true)"
                ),
                {"id": finance_id, "authority": authority_id},
            )
            for name, value in THRESHOLDS.items():
                await connection.execute(
                    text(
                        "INSERT INTO agreement_monitoring_thresholds (id, authority_id, name, value, effective_from, "
                        "source_title) VALUES (:id, :authority, :name, :value, :day, 'Benchmark Council policy')"
                    ),
                    {"id": new_id(), "authority": authority_id, "name": name, "value": value, "day": STARTS},
                )
        started = time.perf_counter()
        postings = await _load(url, authority_id, accounts, content)
        async with engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            for table in COLUMNS:
                await connection.execute(text(f"ANALYZE {table}"))
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"set up {accounts:,} accounts with {postings:,} ledger postings ({postings / accounts:.0f} each) "
            f"in {time.perf_counter() - started:.0f} s (not timed below)",
            flush=True,
        )
        async with sessions() as session:
            actor = await load_user_actor(session, finance_id)
        assert actor is not None

        async def portfolio():  # type: ignore[no-untyped-def]
            async with sessions() as session:
                return await authority_portfolio(session, actor, TODAY)

        async def scan():  # type: ignore[no-untyped-def]
            async with sessions() as session:
                queue = await council_queue(session, actor, TODAY)
                return queue.items

        found: dict[str, int] = {}
        for item in await scan():
            found[item.title] = found.get(item.title, 0) + 1
        print("exceptions found: " + ", ".join(f"{title} {count:,}" for title, count in sorted(found.items())))
        best_portfolio = await _timed("portfolio (with every check)", portfolio)
        best_scan = await _timed("exception scan", scan)
        print(f"aim: {accounts:,} accounts in under 5 s for each")
        print(f"seconds (best of 3): portfolio {best_portfolio:.2f}, exception scan {best_scan:.2f}")
    finally:
        await engine.dispose()
        await _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.accounts))


if __name__ == "__main__":
    main()
