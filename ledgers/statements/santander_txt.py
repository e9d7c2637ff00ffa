"""Santander's text download: the layout Santander UK offers under "Download transactions" as a
text file, one field per line (``Date:``, ``Description:``, ``Amount:``, ``Balance:``), a blank
line between transactions, newest first, below ``From:`` and ``Account:`` lines.
"""

from __future__ import annotations

from datetime import datetime

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.csv_import import decode
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order

_FIELDS = ("date", "description", "amount", "balance")


def looks_like_santander(head: bytes) -> bool:
    text = head.replace(b"\xa0", b" ").lstrip().lower()
    return text.startswith(b"from:") and b"account:" in text and b"date:" in text


def parse_santander_txt(data: bytes, file: str) -> ParsedStatement:
    lines: list[StatementLine] = []
    record: dict[str, tuple[int, str]] = {}
    rows = decode(data, file).replace("\xa0", " ").splitlines()
    for number, raw in enumerate(rows, start=1):
        label, _, value = raw.partition(":")
        label = label.strip().lower()
        if label == "date" and record:
            lines.append(_line(record, file))
            record = {}
        if label in _FIELDS:
            record[label] = (number, value.strip())
    if record:
        lines.append(_line(record, file))
    if not lines:
        raise StatementError(file, 1, "Date", "no 'Date:' lines: this is not a Santander text download")
    ordered = in_date_order(lines)
    opening = None
    if ordered[0].balance_after is not None:
        opening = ordered[0].balance_after - ordered[0].amount
    return ParsedStatement(
        "txt:santander", tuple(ordered), opening_balance=opening, closing_balance=ordered[-1].balance_after
    )


def _money(record: dict[str, tuple[int, str]], field: str, file: str) -> Money | None:
    if field not in record:
        return None
    at, text = record[field]
    try:
        return Money.parse(text.replace("GBP", "").strip())
    except ValueError:
        raise StatementError(file, at, field.title(), f"'{text}' is not an amount of money") from None


def _line(record: dict[str, tuple[int, str]], file: str) -> StatementLine:
    at, written = record["date"]
    for field in ("description", "amount"):
        if field not in record:
            raise StatementError(
                file, at, field.title(), f"the transaction dated {written} has no {field.title()} line"
            )
    try:
        value_on = datetime.strptime(written, "%d/%m/%Y").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise StatementError(file, at, "Date", f"'{written}' is not a date like 31/01/2026") from None
    amount = _money(record, "amount", file)
    assert amount is not None
    if not amount:
        raise StatementError(file, record["amount"][0], "Amount", "the amount is zero")
    return StatementLine(at, value_on, record["description"][1], amount, _money(record, "balance", file))
