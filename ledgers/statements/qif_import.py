"""QIF (Quicken Interchange Format) statements, as UK banks still offer them for money software.

A QIF file is a list of records, one field per line, each line's first letter naming the field
(``D`` date, ``T`` amount, ``P`` payee, ``M`` memo, ``N`` cheque or reference number) and ``^``
ending a record. UK banks write dates day first. QIF carries no running balance, so the import
cannot check one; the fingerprint of each line is its date, amount, payee and occurrence.
"""

from __future__ import annotations

from datetime import date, datetime

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.csv_import import decode
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order

_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
_BANK_TYPES = {"bank", "cash", "ccard", "oth a", "oth l"}


def _date(text: str, file: str, line: int) -> date:
    cleaned = text.strip().replace("'", "/").replace(" ", "")
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise StatementError(file, line, "D", f"'{text.strip()}' is not a date written day first, like 31/01/2026")


def parse_qif(data: bytes, file: str) -> ParsedStatement:
    text = decode(data, file)
    rows = text.splitlines()
    header = rows[0].strip() if rows else ""
    if not header.lower().startswith("!type:"):
        raise StatementError(file, 1, "!Type", "a QIF file starts with a line like '!Type:Bank'")
    kind = header.split(":", 1)[1].strip().lower()
    if kind not in _BANK_TYPES:
        raise StatementError(file, 1, "!Type", f"'{header}' is not a bank account's transactions (expected !Type:Bank)")
    lines: list[StatementLine] = []
    fields: dict[str, tuple[int, str]] = {}
    for number, raw in enumerate(rows[1:], start=2):
        row = raw.strip()
        if not row:
            continue
        if row == "^":
            lines.append(_line(fields, file, number))
            fields = {}
        elif row[0] in "DTUPMNL" and row[0] not in fields:
            fields[row[0]] = (number, row[1:])
    if fields:
        lines.append(_line(fields, file, len(rows)))
    if not lines:
        raise StatementError(file, 2, "records", "the file has no transactions")
    return ParsedStatement("qif", tuple(in_date_order(lines)))


def _line(fields: dict[str, tuple[int, str]], file: str, end: int) -> StatementLine:
    start = min(number for number, _ in fields.values())
    if "D" not in fields:
        raise StatementError(file, start, "D", "the transaction has no date line")
    amount_field = "T" if "T" in fields else "U"
    if amount_field not in fields:
        raise StatementError(file, start, "T", "the transaction has no amount line")
    at, written = fields[amount_field]
    try:
        amount = Money.parse(written)
    except ValueError:
        raise StatementError(file, at, amount_field, f"'{written}' is not an amount of money") from None
    if not amount:
        raise StatementError(file, at, amount_field, "the amount is zero")
    payee = fields.get("P", (0, ""))[1].strip()
    memo = fields.get("M", (0, ""))[1].strip()
    description = " ".join(part for part in (payee, memo) if part) or "(no description)"
    reference = fields.get("N", (0, ""))[1].strip() or None
    return StatementLine(start, _date(fields["D"][1], file, fields["D"][0]), description, amount, None, reference)
