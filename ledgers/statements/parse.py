"""Choosing the parser for a file, and the checks every parsed statement must pass."""

from __future__ import annotations

from collections.abc import Mapping

from ledgers.errors import StatementError
from ledgers.statements.csv_import import PROFILES, CsvProfile, parse_csv
from ledgers.statements.model import FORMATS, ParsedStatement, check_balances
from ledgers.statements.qif_import import parse_qif
from ledgers.statements.santander_txt import looks_like_santander, parse_santander_txt

MAX_LINES = 250_000
"""More lines than any one account's statement file holds (a DP account writes a few hundred a year);
a bigger file is refused at once, before it is read, and can be sent in parts."""


def sniff_format(data: bytes) -> str:
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        return "ofx"
    if upper.lstrip(b"\xef\xbb\xbf").startswith(b"!TYPE:"):
        return "qif"
    if looks_like_santander(head):
        return "txt"
    return "csv"


def parse_statement(
    data: bytes,
    file: str,
    *,
    format: str | None = None,
    profile: str | None = None,
    saved: Mapping[str, CsvProfile] | None = None,
) -> ParsedStatement:
    """Parse and check a statement; any problem is a ``StatementError`` naming file, line and field.

    ``saved`` are the layouts the person described for this account, tried before the built-in ones."""
    if not data.strip():
        raise StatementError(file, 1, "file", "the file is empty")
    if data.count(b"\n") > MAX_LINES:
        raise StatementError(
            file, MAX_LINES, "file", f"the file has more than {MAX_LINES:,} lines; import it in parts of a year or less"
        )
    format = format or sniff_format(data)
    if format not in FORMATS:
        raise StatementError(file, 1, "format", f"'{format}' is not one of {', '.join(FORMATS)}")
    profiles = {**PROFILES, **(saved or {})}
    if profile is not None and profile not in profiles:
        raise StatementError(file, 1, "profile", f"'{profile}' is not one of {', '.join(sorted(profiles))}")
    # pdfminer and ofxtools take a third of a second to import: loaded for their own files only
    if format == "pdf":
        from ledgers.statements.pdf_import import parse_pdf

        statement = parse_pdf(data, file)
    elif format == "ofx":
        from ledgers.statements.ofx_import import parse_ofx

        statement = parse_ofx(data, file)
    elif format == "qif":
        statement = parse_qif(data, file)
    elif format == "txt":
        statement = parse_santander_txt(data, file)
    else:
        statement = parse_csv(data, file, profiles[profile] if profile else None, saved)
    check_balances(statement, file)
    return statement
