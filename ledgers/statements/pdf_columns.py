"""PDF statements as high-street banks print them: no ruled table, just words placed in columns.

A layout names its column headings; on each page the heading row is found, and every word below
it is given to the column it sits under: an amount to the amount column whose heading its right
edge is nearest (banks right-align figures under their headings), a date to the date column,
the rest to the description. A description may run over several lines; the line with the
amounts ends the transaction. A transaction printed without a date took place on the date above
it, as HSBC and Barclays print a day's payments. Where a layout prints the day without the year
(Barclays), the year comes from the statement period printed at the top of the first page.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pdfplumber.pdf import PDF

from ledgers.errors import StatementError
from ledgers.money import Money
from ledgers.statements.model import ParsedStatement, StatementLine, in_date_order

_AMOUNT = re.compile(r"^-?£?[\d,]+\.\d{2}$")
_LINE_TOLERANCE = 3.0


@dataclass(frozen=True, slots=True)
class PdfLayout:
    name: str
    bank: str
    date_heading: str
    description_heading: str
    paid_out_heading: str
    paid_in_heading: str
    balance_heading: str
    date_formats: tuple[str, ...]
    """Formats without ``%Y``/``%y`` take the year from the statement period."""
    opening_labels: tuple[str, ...]
    closing_labels: tuple[str, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        return (
            self.date_heading,
            self.description_heading,
            self.paid_out_heading,
            self.paid_in_heading,
            self.balance_heading,
        )


PDF_LAYOUTS = Path(__file__).resolve().parent / "data" / "pdf_layouts.toml"


def _layouts(path: Path = PDF_LAYOUTS) -> tuple[PdfLayout, ...]:
    return tuple(
        PdfLayout(**{name: tuple(value) if isinstance(value, list) else value for name, value in layout.items()})
        for layout in tomllib.loads(path.read_text())["layout"]
    )


LAYOUTS = _layouts()


@dataclass(frozen=True, slots=True)
class _Row:
    page: int
    number: int
    words: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return " ".join(word["text"] for word in self.words)

    @property
    def where(self) -> str:
        return f"page {self.page}, line {self.number}"


def _rows(pdf: PDF) -> list[_Row]:
    rows: list[_Row] = []
    for page_number, page in enumerate(pdf.pages, start=1):
        lines: list[list[dict[str, Any]]] = []
        for word in sorted(page.extract_words(), key=lambda word: (round(word["top"]), word["x0"])):
            if lines and abs(lines[-1][0]["top"] - word["top"]) <= _LINE_TOLERANCE:
                lines[-1].append(word)
            else:
                lines.append([word])
        rows += [
            _Row(page_number, number, sorted(line, key=lambda word: word["x0"]))
            for number, line in enumerate(lines, start=1)
        ]
    return rows


def _heading_spans(row: _Row, layout: PdfLayout) -> dict[str, tuple[float, float]] | None:
    """Where each heading sits on a row (left and right edge), if the row holds them all (in any order:
    Lloyds prints money in before money out, the others after)."""
    words = row.words
    spans: dict[str, tuple[float, float]] = {}
    taken: set[int] = set()
    for heading in layout.headings:
        parts = heading.split()
        for index in range(len(words) - len(parts) + 1):
            at = set(range(index, index + len(parts)))
            if not at & taken and [word["text"] for word in words[index : index + len(parts)]] == parts:
                spans[heading] = (words[index]["x0"], words[index + len(parts) - 1]["x1"])
                taken |= at
                break
        else:
            return None
    return spans


def recognise(pdf: PDF) -> tuple[PdfLayout, list[_Row]] | None:
    rows = _rows(pdf)
    for layout in LAYOUTS:
        if any(_heading_spans(row, layout) for row in rows[:80]):
            return layout, rows
    return None


def _money(text: str, file: str, where: str, field: str) -> Money:
    try:
        return Money.parse(text)
    except ValueError:
        raise StatementError(file, where, field, f"'{text}' is not an amount of money") from None


_PERIOD_DAY = re.compile(r"\b(\d{1,2} [A-Za-z]{3,9} 20\d\d)\b")


def _period(rows: list[_Row]) -> tuple[date, date] | None:
    """The statement period printed at the top ("1 Dec 2025 - 14 Jan 2026"), for dates printed without a year."""
    days: list[date] = []
    for row in rows[:15]:
        for text in _PERIOD_DAY.findall(row.text):
            for pattern in ("%d %b %Y", "%d %B %Y"):
                try:
                    days.append(datetime.strptime(text, pattern).date())  # noqa: DTZ007 - a calendar date
                    break
                except ValueError:
                    continue
    return (min(days), max(days)) if days else None


def _day(text: str, layout: PdfLayout, period: tuple[date, date] | None, file: str, where: str) -> date | None:
    for pattern in layout.date_formats:
        with_year = "%y" in pattern or "%Y" in pattern
        try:  # a day printed without its year is read in 2000, a leap year, so 29 February reads too
            written, read_as = (text, pattern) if with_year else (f"{text} 2000", f"{pattern} %Y")
            parsed = datetime.strptime(written, read_as)  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
        if with_year:
            return parsed.date()
        if period is None:
            raise StatementError(file, where, "date", "the statement period (and so the year) is not printed")
        start, end = period
        for year in range(start.year, end.year + 1):
            try:
                day = date(year, parsed.month, parsed.day)
            except ValueError:
                continue
            if start <= day <= end:
                return day
        raise StatementError(file, where, "date", f"'{text}' is outside the statement period")
    return None


def parse_columns(layout: PdfLayout, rows: list[_Row], file: str) -> ParsedStatement:
    period = _period(rows)
    spans: dict[str, tuple[float, float]] | None = None
    lines: list[StatementLine] = []
    opening = closing = None
    on: date | None = None
    description: list[str] = []
    for row in rows:
        found = _heading_spans(row, layout)
        if found:
            spans = found  # a description begun at the foot of a page goes on under the next page's headings
            continue
        if spans is None:
            continue
        date_right = spans[layout.description_heading][0]
        amount_columns = {
            heading: spans[heading][1]
            for heading in (layout.paid_out_heading, layout.paid_in_heading, layout.balance_heading)
        }
        date_words = [word["text"] for word in row.words if word["x1"] <= date_right]
        amounts: dict[str, str] = {}
        words: list[str] = []
        for word in row.words:
            if word["x1"] <= date_right:
                continue
            if _AMOUNT.match(word["text"]) and word["x0"] > spans[layout.description_heading][1]:
                nearest = min(amount_columns, key=lambda heading: abs(amount_columns[heading] - word["x1"]))
                amounts[nearest] = word["text"]
            else:
                words.append(word["text"])
        if date_words:
            day = _day(" ".join(date_words), layout, period, file, row.where)
            if day is None:
                if not amounts:
                    continue  # a line of the page's furniture to the left (a page number, a footer)
                raise StatementError(file, row.where, "date", f"'{' '.join(date_words)}' is not a date")
            on = day
        text = " ".join(words)
        label = text.upper()
        if any(label.startswith(mark.upper()) for mark in layout.opening_labels):
            if layout.balance_heading in amounts:
                opening = _money(amounts[layout.balance_heading], file, row.where, "balance")
            description = []
            continue
        if any(label.startswith(mark.upper()) for mark in layout.closing_labels):
            if layout.balance_heading in amounts:
                closing = _money(amounts[layout.balance_heading], file, row.where, "balance")
            description = []
            continue
        paid_out, paid_in = amounts.get(layout.paid_out_heading), amounts.get(layout.paid_in_heading)
        if paid_out is None and paid_in is None:
            if text and on is not None:
                description.append(text)
            continue
        if paid_out is not None and paid_in is not None:
            raise StatementError(file, row.where, "paid in", "a line holds both money out and money in")
        if on is None:
            raise StatementError(file, row.where, "date", "a payment appears before any date")
        if paid_in is not None:
            amount = _money(paid_in, file, row.where, "paid in")
        else:
            amount = -_money(paid_out, file, row.where, "paid out")  # type: ignore[arg-type]
        balance = amounts.get(layout.balance_heading)
        lines.append(
            StatementLine(
                row.where,
                on,
                " ".join([*description, text]).strip() or "(no description)",
                amount,
                _money(balance, file, row.where, "balance") if balance else None,
            )
        )
        description = []
    if not lines:
        raise StatementError(file, 1, "layout", f"this {layout.bank} statement shows no transactions")
    return ParsedStatement(
        f"pdf:{layout.name}", tuple(in_date_order(lines)), opening_balance=opening, closing_balance=closing
    )
