"""PDF statements, read with pdfplumber. The layouts of HSBC, Barclays and Lloyds (``pdf_columns``), and two
generic ones:

- ``table``: a ruled table with the headings Date, Description, Paid out, Paid in, Balance
  (and "Balance brought forward" / "Balance carried forward" rows), as most high-street
  banks print them;
- ``text``: one line per transaction, ``DD/MM/YYYY  description  amount  balance`` with a
  signed amount, between "Opening balance" and "Closing balance" lines, as online banks and
  building societies often print them.

A PDF in neither layout is refused rather than guessed at.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pdfplumber
from pdfplumber.pdf import PDF

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order
from ledgers.statements.pdf_columns import parse_columns, recognise

_TABLE_HEADINGS = ("date", "description", "paid out", "paid in", "balance")
_AMOUNT = r"-?£?[\d,]+\.\d{2}"
_TEXT_LINE = re.compile(rf"^(\d{{2}}/\d{{2}}/\d{{4}})\s+(.+?)\s+({_AMOUNT})\s+({_AMOUNT})$")
_OPENING = re.compile(rf"^opening balance:?\s+({_AMOUNT})$", re.IGNORECASE)
_CLOSING = re.compile(rf"^closing balance:?\s+({_AMOUNT})$", re.IGNORECASE)


def _date(text: str, file: str, where: str) -> date:
    for pattern in ("%d %b %Y", "%d/%m/%Y", "%d %B %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise StatementError(file, where, "date", f"'{text}' is not a date")


def _money(text: str | None, file: str, where: str, field: str) -> Money | None:
    if text is None or not text.strip():
        return None
    try:
        return Money.parse(text)
    except ValueError:
        raise StatementError(file, where, field, f"'{text}' is not an amount of money") from None


MAX_PAGES = 300
"""More pages than a year of any bank's statements; a longer PDF is refused before its pages are read."""


def _open(data: bytes, file: str) -> PDF:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer's many failure types all mean "not a readable PDF"
        raise StatementError(file, 1, "pdf", f"not a readable PDF ({type(error).__name__})") from None
    if len(pdf.pages) > MAX_PAGES:
        pdf.close()
        raise StatementError(file, 1, "pdf", f"the PDF has more than {MAX_PAGES} pages; import it in parts")
    return pdf


def _table_rows(pdf: PDF) -> list[tuple[str, list[str | None]]] | None:
    rows: list[tuple[str, list[str | None]]] = []
    found = False
    for page_number, page in enumerate(pdf.pages, start=1):
        for table in page.extract_tables():
            if not table:
                continue
            headings = tuple((cell or "").strip().lower() for cell in table[0])
            start = 1 if headings[: len(_TABLE_HEADINGS)] == _TABLE_HEADINGS else 0
            if start == 0 and not found:
                continue
            found = True
            rows.extend((f"page {page_number}, row {index + 1}", row) for index, row in enumerate(table[start:], start))
    return rows if found else None


def _parse_table(rows: list[tuple[str, list[str | None]]], file: str) -> ParsedStatement:
    lines: list[StatementLine] = []
    opening = closing = None
    for where, row in rows:
        if len(row) < len(_TABLE_HEADINGS):
            raise StatementError(file, where, "row", f"expected {len(_TABLE_HEADINGS)} columns, found {len(row)}")
        day, description, paid_out, paid_in, balance = (cell or "" for cell in row[:5])
        label = description.strip().lower()
        if label in {"balance brought forward", "opening balance"}:
            opening = _money(balance, file, where, "balance")
            continue
        if label in {"balance carried forward", "closing balance"}:
            closing = _money(balance, file, where, "balance")
            continue
        out = _money(paid_out, file, where, "paid out")
        into = _money(paid_in, file, where, "paid in")
        for amount, field in ((out, "paid out"), (into, "paid in")):
            if amount is not None and amount.pence < 0:
                raise StatementError(file, where, field, "amounts in this column carry no sign")
        if (out is None) == (into is None):
            raise StatementError(file, where, "paid in", "exactly one of paid out and paid in must hold an amount")
        amount = into if into is not None else -out  # type: ignore[operator]
        lines.append(
            StatementLine(
                where,
                _date(day, file, where),
                " ".join(description.split()),
                amount,
                _money(balance, file, where, "balance"),
            )
        )
    if not lines:
        raise StatementError(file, 1, "table", "the statement table has no transactions")
    return ParsedStatement("pdf:table", tuple(in_date_order(lines)), opening_balance=opening, closing_balance=closing)


def _parse_text(pdf: PDF, file: str) -> ParsedStatement:
    lines: list[StatementLine] = []
    opening = closing = None
    for page_number, page in enumerate(pdf.pages, start=1):
        for line_number, text in enumerate((page.extract_text() or "").splitlines(), start=1):
            where = f"page {page_number}, line {line_number}"
            text = text.strip()
            if match := _OPENING.match(text):
                opening = _money(match.group(1), file, where, "opening balance")
            elif match := _CLOSING.match(text):
                closing = _money(match.group(1), file, where, "closing balance")
            elif match := _TEXT_LINE.match(text):
                day, description, amount, balance = match.groups()
                value = _money(amount, file, where, "amount")
                if not value:
                    raise StatementError(file, where, "amount", "the amount is zero")
                lines.append(
                    StatementLine(
                        where, _date(day, file, where), description, value, _money(balance, file, where, "balance")
                    )
                )
    if not lines:
        first = next(
            (
                text.strip()
                for page in pdf.pages[:1]
                for text in (page.extract_text() or "").splitlines()
                if text.strip()
            ),
            None,
        )
        seen = f"its first page begins '{first[:80]}'" if first else "it holds no text (a scanned image?)"
        raise StatementError(
            file,
            1,
            "layout",
            f"no statement layout recognised ({seen}): not an HSBC, Barclays or Lloyds statement, not a "
            "Date/Description/Paid out/Paid in/Balance table, nor lines of 'DD/MM/YYYY description amount "
            "balance'; download the statement from online banking as CSV, OFX or QIF instead",
        )
    return ParsedStatement("pdf:text", tuple(in_date_order(lines)), opening_balance=opening, closing_balance=closing)


def parse_pdf(data: bytes, file: str) -> ParsedStatement:
    with _open(data, file) as pdf:
        try:
            rows = _table_rows(pdf)
            if rows is not None:
                return _parse_table(rows, file)
            bank = recognise(pdf)
            if bank is not None:
                return parse_columns(*bank, file)
            return _parse_text(pdf, file)
        except StatementError:
            raise
        except Exception as error:  # pdfminer fails in many ways on damaged files
            raise StatementError(file, 1, "pdf", f"the PDF could not be read ({type(error).__name__})") from None
