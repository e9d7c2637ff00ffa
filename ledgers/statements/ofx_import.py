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


def _line_of(text: str, marker: str, occurrence: int) -> int:
    """The 1-based line of the ``occurrence``-th ``marker`` in the file, for error messages."""
    position = -1
    for _ in range(occurrence + 1):
        position = text.upper().find(marker, position + 1)
        if position < 0:
            return 1
    return text.count("\n", 0, position) + 1


def _pence(value: Decimal, file: str, line: int, field: str) -> Money:
    pence = value * 100
    if pence != pence.to_integral_value():
        raise StatementError(file, line, field, f"{value} has a fraction of a penny")
    return Money(int(pence))


def parse_ofx(data: bytes, file: str) -> ParsedStatement:
    text = data.decode("utf-8", errors="replace")
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
    for index, transaction in enumerate(statement.banktranlist or []):
        line = _line_of(text, "<STMTTRN>", index)
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
        closing = _pence(statement.ledgerbal.balamt, file, _line_of(text, "<LEDGERBAL>", 0), "BALAMT")
    ordered = in_date_order(lines)
    opening = closing - Money(sum(line.amount.pence for line in ordered)) if closing is not None else None
    return ParsedStatement("ofx", tuple(ordered), opening_balance=opening, closing_balance=closing)
