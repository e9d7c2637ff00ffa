"""One account's reconciliation is bounded by that account, however many matches the platform holds:
30,000 matched lines of another book are seeded (in a transaction rolled back after, with the row
triggers off while seeding: the rows are consistent by construction), the planner is
given their statistics, and the plans of the queries auto-reconciliation runs must reach the matches
and reversals only by index, from this book's own rows. A plan is read, not a time. Fewer rows make
the check stricter, not weaker: the smaller a table, the cheaper the planner finds reading all of it,
so an index plan chosen over 30,000 rows is chosen over 300,000 (seeding those took 25 s)."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from ledgers.reconcile_service import Period, lines_query, postings_query

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OTHERS = 30_000
OWN = 40
SEED = """
SET LOCAL session_replication_role = replica;
INSERT INTO ledger_accounts (id, book_id, code, name, opened_on) VALUES
  (:other_bank, :other, 'assets:bank:dp_bank', 'bank', '2020-01-01'),
  (:own_bank, :own, 'assets:bank:dp_bank', 'bank', '2020-01-01');
INSERT INTO ledger_statements (id, book_id, filename, file_sha256, format, start_on, end_on, line_count, new_line_count)
  VALUES (:other_statement, :other, 'other.csv', 'o', 'csv', '2026-01-01', '2026-12-31', :others, :others),
         (:own_statement, :own, 'own.csv', 'w', 'csv', '2026-01-01', '2026-12-31', :own_count, :own_count);
CREATE TEMPORARY TABLE seeded ON COMMIT DROP AS
  SELECT b, g, date '2026-05-01' + (g % 60) AS day,
         CASE b WHEN 'o' THEN CAST(:other AS uuid) ELSE CAST(:own AS uuid) END AS book,
         CASE b WHEN 'o' THEN CAST(:other_bank AS uuid) ELSE CAST(:own_bank AS uuid) END AS bank,
         CASE b WHEN 'o' THEN CAST(:other_statement AS uuid) ELSE CAST(:own_statement AS uuid) END AS statement
  FROM (SELECT 'o' AS b, generate_series(1, :others) AS g UNION ALL SELECT 'w', generate_series(1, :own_count)) s;
INSERT INTO ledger_journal_entries (id, book_id, occurred_on, narration, source, idempotency_key, request_hash)
  SELECT md5(b || g)::uuid, book, day, 'seeded', 'manual', b || g, 'h' FROM seeded;
INSERT INTO ledger_postings (id, entry_id, account_id, book_id, occurred_on, amount_pence, account_version,
                             balance_after_pence)
  SELECT md5('p' || b || g)::uuid, md5(b || g)::uuid, bank, book, day, 100, g, 100 * g FROM seeded;
INSERT INTO ledger_statement_lines (id, book_id, statement_id, source_line, value_on, description, amount_pence,
                                    fingerprint)
  SELECT md5('l' || b || g)::uuid, book, statement, g::text, day, 'line', 100, md5('f' || b || g) FROM seeded;
INSERT INTO ledger_matches (id, book_id, statement_line_id, posting_id, entry_id, matched_by, explanation)
  SELECT md5('m' || g)::uuid, book, md5('l' || b || g)::uuid, md5('p' || b || g)::uuid, md5(b || g)::uuid, 'auto', 'x'
  FROM seeded WHERE b = 'o';
"""


def _nodes(plan: dict) -> list[dict]:
    return [plan, *(node for child in plan.get("Plans", ()) for node in _nodes(child))]


async def test_one_books_reconciliation_never_scans_other_books_matches(db):
    own, other = uuid.uuid4(), uuid.uuid4()
    ids = {name: uuid.uuid4() for name in ("other_bank", "own_bank", "other_statement", "own_statement")}
    async with db.connect() as connection:
        transaction = await connection.begin()
        try:
            for statement in SEED.split(";\n"):
                if statement.strip():
                    await connection.execute(
                        text(statement), {"own": own, "other": other, "others": OTHERS, "own_count": OWN, **ids}
                    )
            assert await connection.scalar(text("SELECT count(*) FROM ledger_matches")) >= OTHERS
            await connection.execute(text("ANALYZE ledger_matches, ledger_statement_lines, ledger_postings, "
                                          "ledger_journal_entries, ledger_accounts"))  # fmt: skip
            period = Period(date(2026, 5, 1), date(2026, 6, 30))
            for query in (
                lines_query(own, period, unmatched=True),
                postings_query(own, ids["own_bank"], period, unmatched=True),
            ):
                sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
                [[explained]] = (await connection.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"))).all()
                nodes = _nodes((explained if isinstance(explained, list) else json.loads(explained))[0]["Plan"])
                scanned = {node.get("Relation Name") for node in nodes if node["Node Type"] == "Seq Scan"}
                assert not scanned & {"ledger_matches", "ledger_journal_entries", "ledger_statement_lines",
                                      "ledger_postings"}, (scanned, sql)  # fmt: skip
                reached = {node.get("Relation Name") for node in nodes if "Index" in node["Node Type"]}
                assert "ledger_matches" in reached, reached  # each of this book's rows asks the index
                assert max(node.get("Plan Rows", 0) for node in nodes) < OTHERS // 100, explained
        finally:
            await transaction.rollback()
