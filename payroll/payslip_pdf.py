"""A payslip as a PDF a PA can read: every line explained, the rates used and where they come from.

Takes plain values (no database), returns bytes. Written with fpdf2's core Helvetica, so
text is kept to Latin-1 (the pound sign included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from payroll.holiday import ROLLED_UP_LABEL, ROLLED_UP_MEANS
from payroll.payslip_record import SlipLine


@dataclass(frozen=True, slots=True)
class PayslipLine:
    label: str
    detail: str
    amount_pence: int


@dataclass(frozen=True, slots=True)
class PayslipDocument:
    employer: str
    employee: str
    ni_number: str | None
    tax_code: str
    ni_category: str
    period: str
    paid_on: date
    earnings: tuple[PayslipLine, ...]
    deductions: tuple[PayslipLine, ...]
    employer_costs: tuple[PayslipLine, ...]
    net_pence: int
    year_to_date: tuple[tuple[str, int], ...]
    holiday_hours_accrued: str
    holiday_hours_taken: str = "0"
    notes: tuple[str, ...] = field(default=())
    sources: tuple[tuple[str, str, str], ...] = field(default=())
    """(rate id, source title, url) for every rate the calculation used."""


class SlipFigures(Protocol):
    """What a payslip records (``payroll.tables.PayslipRow`` has it): read, never written, here."""

    @property
    def slip_lines(self) -> tuple[SlipLine, ...]: ...

    tax_code: str
    ni_category: str
    tax_pence: int
    employee_ni_pence: int
    employee_pension_pence: int
    employer_ni_pence: int
    employer_pension_pence: int


def _meaning(line: SlipLine) -> str:
    if line.hours:
        return f"{line.hours} h at {pounds(line.hourly_rate_pence or 0)} an hour"
    if line.label == ROLLED_UP_LABEL:
        return ROLLED_UP_MEANS
    if line.label.startswith("statutory sick pay"):
        return "Statutory Sick Pay for qualifying days off sick"
    return ""


def explain(slip: SlipFigures) -> tuple[tuple[PayslipLine, ...], tuple[PayslipLine, ...], tuple[PayslipLine, ...]]:
    """Every line of a payslip in words a PA reads: earnings, deductions, and what the employer pays on top."""
    earnings = tuple(
        PayslipLine(line.label.capitalize(), _meaning(line), line.amount_pence) for line in slip.slip_lines
    )
    deductions = (
        PayslipLine("Income tax (PAYE)", f"code {slip.tax_code}, worked out on pay to date", slip.tax_pence),
        PayslipLine(
            "National Insurance",
            f"category {slip.ni_category}, on pay above the primary threshold",
            slip.employee_ni_pence,
        ),
        PayslipLine("Pension", "your workplace pension contribution", slip.employee_pension_pence),
    )
    employer = (
        PayslipLine("Employer National Insurance", "on pay above the secondary threshold", slip.employer_ni_pence),
        PayslipLine("Employer pension", "at least 3% of qualifying earnings", slip.employer_pension_pence),
    )
    return earnings, deductions, employer


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}\u00a3{whole:,}.{part:02d}"


def _latin1(text: str) -> str:
    return text.replace("\u2013", "-").replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")


def render_payslip(document: PayslipDocument) -> bytes:
    from fpdf import FPDF  # fpdf with its font tables is half a second of every start; only a PDF needs it

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin1(f"Payslip {document.employee} {document.period}"))

    def text(line: str, size: int = 10, style: str = "") -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.5, _latin1(line), new_x="LMARGIN", new_y="NEXT")

    def table(title: str, lines: tuple[PayslipLine, ...]) -> None:
        text(title, 11, "B")
        pdf.set_font("Helvetica", size=9)
        for line in lines:
            pdf.cell(60, 5, _latin1(line.label))
            pdf.cell(95, 5, _latin1(line.detail))
            pdf.cell(0, 5, pounds(line.amount_pence), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    text("Payslip", 16, "B")
    text(f"Employer: {document.employer}")
    text(f"Employee: {document.employee}    NI number: {document.ni_number or 'not given'}")
    text(f"Tax code: {document.tax_code}    NI category: {document.ni_category}")
    text(f"Pay period: {document.period}    Paid on: {document.paid_on.isoformat()}")
    pdf.ln(3)
    table("Earnings", document.earnings)
    table("Deductions", document.deductions)
    text(f"Net pay: {pounds(document.net_pence)}", 12, "B")
    pdf.ln(2)
    table("Paid by your employer on top of your pay", document.employer_costs)
    text("Year to date", 11, "B")
    for label, pence in document.year_to_date:
        text(f"{label}: {pounds(pence)}", 9)
    text(f"Holiday earned this period: {document.holiday_hours_accrued} hours", 9)
    text(f"Holiday taken this period: {document.holiday_hours_taken} hours", 9)
    for note in document.notes:
        text(note, 9)
    pdf.ln(2)
    text("Rates used, and where they come from", 11, "B")
    for rate_id, title, url in document.sources:
        text(f"{rate_id}: {title} ({url})", 7)
    return bytes(pdf.output())


def payslip_filename(document: PayslipDocument) -> str:
    """``payslip-Ailsa-Mackay-2026-05-29.pdf``: whose it is and the payday, for a download or a zip."""
    return f"payslip-{'-'.join(document.employee.split())}-{document.paid_on.isoformat()}.pdf"
