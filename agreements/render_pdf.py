"""An agreement version as a PDF: the plain-language summary first, then every clause in full,
then the signatures; the reference, version id, content hash and page number on every page.

Core PDF fonts hold Latin-1 only, so the few characters outside it (dashes, curly quotes) are
written as their plain equivalents; the pound sign is Latin-1 and stays.
"""

from __future__ import annotations

from agreements.service import Agreement
from agreements.tables import AgreementVersionRow
from agreements.template import long_date

_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def latin1(text: str) -> str:
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(agreement: Agreement, version: AgreementVersionRow) -> bytes:
    row = agreement.agreement
    document = version.content
    stamp = f"{row.reference} version {version.number} (id {version.id}) - content hash {version.content_hash}"
    from fpdf import FPDF  # fpdf with its font tables is half a second of every start; only a PDF needs it

    class AgreementPdf(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("Helvetica", size=6.5)
            self.multi_cell(0, 3, latin1(f"{stamp}    page {self.page_no()} of {{nb}}"), align="C")

    pdf = AgreementPdf(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(latin1(f"Direct Payment agreement {row.reference} version {version.number}"))
    pdf.add_page()

    def text(line: str, size: float = 10, style: str = "", gap: float = 0.5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(0, size * 0.5, latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    terms = agreement.terms(version)
    text("Direct Payment agreement", 18, "B")
    text(f"{terms.holder_name} and {terms.authority_name}", 12)
    text(
        f"Reference {row.reference}, version {version.number} ({version.status.replace('_', ' ')}). "
        f"From {long_date(terms.starts_on)} to {long_date(terms.ends_on)}.",
        9,
        gap=3,
    )
    text("This agreement in short", 14, "B", gap=1)
    for clause in document["clauses"]:
        text(f"{clause['heading']}: {clause['summary']}", 10, gap=1.5)
    pdf.ln(3)
    text("The agreement in full", 14, "B", gap=1)
    for number, clause in enumerate(document["clauses"], start=1):
        text(f"{number}. {clause['heading']}", 12, "B")
        text(clause["text"], 10)
        cited = "; ".join(f"{source['title']} ({source['url']})" for source in clause.get("sources", ()))
        text(f"Where this comes from: {cited or clause['source']}", 7.5, "I", gap=3)
    text("Signatures", 14, "B", gap=1)
    signatures = agreement.signatures_of(version)
    if not signatures:
        text("Not signed yet.", 10)
    for signature in signatures:
        text(
            f"{signature.signer_name}, for the {signature.party} ({signature.capacity}), signed on "
            f"{signature.signed_at:%d %B %Y at %H:%M} UTC the words with content hash {signature.content_hash}.",
            9,
        )
    return bytes(pdf.output())
