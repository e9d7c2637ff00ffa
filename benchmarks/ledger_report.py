"""The platform's all-account balance report at a date, as its own process: what the ledger benchmark
times whole against ``ledger balance`` reading its file. It imports only what the report needs.

    python -m benchmarks.ledger_report --url postgresql://... --on 2025-11-27 --books <id>,<id>,...

Prints one line an account with a balance: its journal name and the balance in pence.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import date

import asyncpg

REPORT = """
SELECT a.code, a.book_id, sum(p.amount_pence) AS total
FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
WHERE p.occurred_on <= $1 AND a.book_id = ANY($2::uuid[])
GROUP BY a.code, a.book_id
HAVING sum(p.amount_pence) <> 0
"""


async def report(url: str, on: date, books: list[str]) -> list[str]:
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        rows = await connection.fetch(REPORT, on, books)
    finally:
        await connection.close()
    return [f"{row['code'].replace(':', '_')}:{row['book_id'].hex}\t{row['total']}" for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--on", type=date.fromisoformat, required=True)
    parser.add_argument("--books", required=True, help="the books to report, comma-separated ids")
    args = parser.parse_args()
    print("\n".join(asyncio.run(report(args.url, args.on, args.books.split(",")))))


if __name__ == "__main__":
    main()
