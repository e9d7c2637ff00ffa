"""A monitoring report over a period, for one account or a whole council: a summary first, then each
account's figures and every open exception, with totals. Pure: the caller reads the records; this
module holds the report's shape, its CSV rows (pounds, names, never ids) and its PDF.

Balances are as at the end of the period; money received and spent is what happened within it; the
exceptions are those the checks find on the day the report is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledgers.money import Money


@dataclass(frozen=True, slots=True)
class ReportLine:
    person: str
    reference: str
    bank_pence: int
    owed_pence: int
    received_pence: int
    """The council's payments received within the period."""
    spent_pence: int
    """Spending within the period (expense accounts, net of reversals)."""
    weeks_held: Decimal | None
    open_exceptions: int

    @property
    def free_pence(self) -> int:
        return self.bank_pence - self.owed_pence


@dataclass(frozen=True, slots=True)
class ReportException:
    person: str
    reference: str
    title: str
    sentence: str
    found_on: date
    amount_pence: int | None
    state: str
    """``Open``, or who it is with."""


@dataclass(frozen=True, slots=True)
class MonitoringReport:
    title: str
    council: str
    period_from: date
    period_to: date
    made_on: date
    made_by: str
    lines: tuple[ReportLine, ...]
    exceptions: tuple[ReportException, ...]

    def total(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.lines)

    @property
    def summary(self) -> list[tuple[str, str]]:
        checks: dict[str, int] = {}
        for exception in self.exceptions:
            checks[exception.title] = checks.get(exception.title, 0) + 1
        rows = [
            ("Accounts", str(len(self.lines))),
            (f"Held in the bank on {_day(self.period_to)}", str(Money(self.total("bank_pence")))),
            ("Owed (wages, tax, pension, surplus due back)", str(Money(self.total("owed_pence")))),
            ("Free to spend", str(Money(self.total("free_pence")))),
            ("Received from the council in the period", str(Money(self.total("received_pence")))),
            ("Spent in the period", str(Money(self.total("spent_pence")))),
            ("Open exceptions", str(len(self.exceptions))),
        ]
        rows += [(f"  {title}", str(count)) for title, count in sorted(checks.items())]
        return rows


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _pounds(pence: int) -> str:
    """Pounds for a spreadsheet: 1234.56, no sign of currency, no thousands separator."""
    return f"{Money(pence).to_pounds():.2f}"


ACCOUNT_COLUMNS = (
    "Person",
    "Reference",
    "In the bank (£)",
    "Owed (£)",
    "Free to spend (£)",
    "Received in the period (£)",
    "Spent in the period (£)",
    "Weeks of budget held",
    "Open exceptions",
)
EXCEPTION_COLUMNS = ("Person", "Reference", "Exception", "What the records show", "Since", "Money (£)", "State")


def account_rows(report: MonitoringReport) -> list[list[str]]:
    rows = [list(ACCOUNT_COLUMNS)]
    for line in report.lines:
        rows.append(
            [
                line.person,
                line.reference,
                _pounds(line.bank_pence),
                _pounds(line.owed_pence),
                _pounds(line.free_pence),
                _pounds(line.received_pence),
                _pounds(line.spent_pence),
                "" if line.weeks_held is None else str(line.weeks_held),
                str(line.open_exceptions),
            ]
        )
    rows.append(
        [
            "Total",
            "",
            _pounds(report.total("bank_pence")),
            _pounds(report.total("owed_pence")),
            _pounds(report.total("free_pence")),
            _pounds(report.total("received_pence")),
            _pounds(report.total("spent_pence")),
            "",
            str(report.total("open_exceptions")),
        ]
    )
    return rows


def exception_rows(report: MonitoringReport) -> list[list[str]]:
    return [list(EXCEPTION_COLUMNS)] + [
        [
            item.person,
            item.reference,
            item.title,
            item.sentence,
            item.found_on.isoformat(),
            "" if item.amount_pence is None else _pounds(item.amount_pence),
            item.state,
        ]
        for item in report.exceptions
    ]


def _latin1(text: str) -> str:
    return (
        text.replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2019", "'")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def render_report(report: MonitoringReport) -> bytes:
    from fpdf import FPDF  # fpdf with its font tables is half a second of every start; only a PDF needs it

    pdf = FPDF(format="A4", orientation="landscape")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_title(_latin1(report.title))

    def text(line: str, size: int = 10, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.5, _latin1(line), new_x="LMARGIN", new_y="NEXT")

    def row(cells: list[str], widths: list[int], style: str = "", numbers: frozenset[int] = frozenset()) -> None:
        pdf.set_font("Helvetica", style=style, size=8)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            pdf.cell(width, 5, _latin1(cell)[: int(width / 1.6)], align="R" if index in numbers else "L")
        pdf.ln(5)

    text(report.title, 16, "B")
    text(f"{report.council}. {_day(report.period_from)} to {_day(report.period_to)}.")
    text(f"Made on {_day(report.made_on)} by {report.made_by}.", 9)
    pdf.ln(2)
    text("Summary", 12, "B")
    for label, value in report.summary:
        pdf.set_font("Helvetica", size=9)
        pdf.cell(110, 5, _latin1(label))
        pdf.cell(40, 5, _latin1(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    text("Accounts", 12, "B")
    widths = [50, 25, 28, 28, 28, 30, 28, 22, 20]
    numbers = frozenset(range(2, 9))
    row(
        ["Person", "Reference", "In the bank", "Owed", "Free", "Received", "Spent", "Weeks held", "Exceptions"],
        widths,
        "B",
        numbers,
    )
    for line in report.lines:
        figures = (line.bank_pence, line.owed_pence, line.free_pence, line.received_pence, line.spent_pence)
        held = "" if line.weeks_held is None else str(line.weeks_held)
        row(
            [line.person, line.reference, *(str(Money(p)) for p in figures), held, str(line.open_exceptions)],
            widths,
            numbers=numbers,
        )
    totals = ("bank_pence", "owed_pence", "free_pence", "received_pence", "spent_pence")
    row(
        ["Total", "", *(str(Money(report.total(name))) for name in totals), "", str(report.total("open_exceptions"))],
        widths,
        "B",
        numbers,
    )
    pdf.ln(3)
    text("Open exceptions", 12, "B")
    if not report.exceptions:
        text("The checks find nothing to look at.", 9)
    for item in report.exceptions:
        amount = "" if item.amount_pence is None else f" ({Money(item.amount_pence)})"
        text(
            f"{item.person} ({item.reference}): {item.title}{amount}. {item.state}, since {_day(item.found_on)}.",
            9,
            "B",
        )
        text(item.sentence, 9)
        pdf.ln(1)
    pdf.ln(2)
    text(
        "Balances are as at the end of the period; money received and spent is what happened within it; "
        "exceptions are those the checks find on the day the report was made, each with the rule and "
        "evidence on the council's exception pages.",
        8,
    )
    return bytes(pdf.output())
