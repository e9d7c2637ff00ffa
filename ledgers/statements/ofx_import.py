"""OFX (Open Financial Exchange) statements, versions 1 (SGML) and 2 (XML), read with ofxtools.

OFX gives the closing ("ledger") balance and each transaction's bank id (FITID), which
becomes the line's reference, so re-imports and overlapping downloads match exactly.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

from ofxtools.Parser import OFXTree

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order

_LINE_IN_MESSAGE = re.compile(r"line (\d+)", re.IGNORECASE)
_TAG = re.compile(rb"<(/?)([A-Za-z0-9_.]+)[^>]*>\s*(<?)")
MAX_DEPTH = 32
"""A real statement nests seven or eight aggregates deep; a file nesting deeper is refused before
the XML parser sees it, as one nested thousands deep would overflow its C stack and kill the process."""


def _deepest(data: bytes) -> int:
    """How deep the file's aggregates nest. In OFX 1 only aggregates are closed; an element is an
    aggregate when another tag follows it directly (a value follows a leaf), so leaves never count."""
    open_tags: list[bytes] = []
    deepest = 0
    for match in _TAG.finditer(data):
        closing, name, followed_by_tag = match.groups()
        name = name.upper()
        if closing:
            if name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name) :]
        elif followed_by_tag:
            open_tags.append(name)
            deepest = max(deepest, len(open_tags))
            if deepest > MAX_DEPTH:
                return deepest
    return deepest


def _lines_of(data: bytes, marker: bytes) -> list[int]:
    """The 1-based line of each ``marker`` in the file, in one pass, for error messages."""
    upper = data.upper()
    lines, line, last = [], 1, 0
    position = upper.find(marker)
    while position >= 0:
        line += upper.count(b"\n", last, position)
        last = position
        lines.append(line)
        position = upper.find(marker, position + 1)
    return lines


def _pence(value: Decimal, file: str, line: int, field: str) -> Money:
    pence = value * 100
    if pence != pence.to_integral_value():
        raise StatementError(file, line, field, f"{value} has a fraction of a penny")
    return Money(int(pence))


def parse_ofx(data: bytes, file: str) -> ParsedStatement:
    depth = _deepest(data)
    if depth > MAX_DEPTH:
        raise StatementError(
            file, 1, "ofx", f"the file nests its elements more than {MAX_DEPTH} deep; no bank's statement does"
        )
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
    except Exception as error:  # ofxtools raises many types (header, syntax, spec, value); all mean "bad file"
        match = _LINE_IN_MESSAGE.search(str(error))
        raise StatementError(
            file, int(match.group(1)) if match else 1, "ofx", f"not a readable OFX statement ({error})".strip()
        ) from None
    statements = list(getattr(ofx, "statements", []) or [])
    if len(statements) != 1:
        raise StatementError(file, 1, "STMTRS", f"expected one bank statement in the file, found {len(statements)}")
    statement = statements[0]
    lines = []
    where = _lines_of(data, b"<STMTTRN>")
    for index, transaction in enumerate(statement.banktranlist or []):
        line = where[index] if index < len(where) else 1
        if transaction.trnamt is None or transaction.dtposted is None:
            raise StatementError(file, line, "TRNAMT" if transaction.trnamt is None else "DTPOSTED", "missing")
        amount = _pence(transaction.trnamt, file, line, "TRNAMT")
        if not amount:
            raise StatementError(file, line, "TRNAMT", "the amount is zero")
        description = " ".join(part for part in (transaction.name, transaction.memo) if part)
        lines.append(
            StatementLine(line, transaction.dtposted.date(), description, amount, None, transaction.fitid or None)
        )
    if not lines:
        raise StatementError(file, 1, "BANKTRANLIST", "the statement has no transactions")
    closing = None
    if statement.ledgerbal is not None and statement.ledgerbal.balamt is not None:
        closing = _pence(statement.ledgerbal.balamt, file, (_lines_of(data, b"<LEDGERBAL>") or [1])[0], "BALAMT")
    ordered = in_date_order(lines)
    opening = closing - Money(sum(line.amount.pence for line in ordered)) if closing is not None else None
    return ParsedStatement("ofx", tuple(ordered), opening_balance=opening, closing_balance=closing)
