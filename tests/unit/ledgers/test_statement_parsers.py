"""Every parser reads the same four transactions from its own layout, and refuses bad files
naming the file, the line and the field."""

from __future__ import annotations

import pytest

from ledgers.errors import StatementError
from ledgers.statements.parse import parse_statement
from tests import statement_files as files

pytestmark = pytest.mark.unit

EXPECTED = [(value_on, pence, balance) for value_on, _, pence, balance in files.running()]

LAYOUTS = {  # a bank's file: (how it is made, the format it is read as, whether it has running balances)
    "lloyds": (files.lloyds_csv, "csv:lloyds", True),
    "tsb": (files.tsb_csv, "csv:lloyds", True),
    "nationwide": (files.nationwide_csv, "csv:nationwide", True),
    "barclays": (files.barclays_csv, "csv:barclays", False),
    "monzo": (files.monzo_csv, "csv:monzo", False),
    "natwest": (files.natwest_csv, "csv:natwest", True),
    "starling": (files.starling_csv, "csv:starling", True),
    "hsbc": (files.hsbc_csv, "csv:hsbc", False),
    "first_direct": (files.first_direct_csv, "csv:first_direct", False),
    "coop": (files.coop_csv, "csv:coop", True),
    "metro": (files.metro_csv, "csv:metro", True),
    "clydesdale": (files.clydesdale_csv, "csv:clydesdale", False),
    "santander": (files.santander_txt, "txt:santander", True),
    "qif": (files.qif, "qif", False),
    "ofx": (files.ofx, "ofx", False),
    "ofx-v2": (lambda: files.ofx(version=2), "ofx", False),
    "pdf:table": (files.pdf_table, "pdf:table", True),
    "pdf:text": (files.pdf_text, "pdf:text", True),
    "pdf:hsbc": (files.hsbc_pdf, "pdf:hsbc", "end of day"),
    "pdf:barclays": (files.barclays_pdf, "pdf:barclays", "end of day"),
    "pdf:lloyds": (files.lloyds_pdf, "pdf:lloyds", True),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_reads_the_same_transactions(layout):
    """Each file is recognised from its own contents: no format or profile is given."""
    build, format, with_balances = LAYOUTS[layout]
    statement = parse_statement(build(), f"april-{layout}")
    assert statement.format == format
    got = [
        (line.value_on, line.amount.pence, line.balance_after.pence if line.balance_after else None)
        for line in statement.lines
    ]
    if with_balances == "end of day":  # the balance is printed on the last payment of each day only
        last_of_day = {d: b for d, _, b in EXPECTED}
        assert got == [
            (d, p, b if i + 1 == len(EXPECTED) or EXPECTED[i + 1][0] != d else None)
            for i, (d, p, b) in enumerate(EXPECTED)
        ]
        assert {d: b for d, _, b in got if b is not None} == last_of_day
    else:
        assert got == [(d, p, b if with_balances else None) for d, p, b in EXPECTED]
    assert "ACME" in statement.lines[1].description and "CARE" in statement.lines[1].description
    assert not statement.lines[1].description.startswith("'")
    if format == "ofx" or with_balances:
        assert statement.closing_balance.pence == EXPECTED[-1][2]
        assert statement.opening_balance.pence == files.OPENING_PENCE


def test_bank_references_are_kept_where_the_file_has_them():
    first, third = files.TRANSACTIONS[0], files.TRANSACTIONS[2]
    assert parse_statement(files.monzo_csv(), "m.csv").lines[0].reference == f"tx_{files.bank_id(*first)}"
    assert parse_statement(files.ofx(), "a.ofx").lines[2].reference == files.bank_id(*third)


def _error(data: bytes, name="bad.csv", **options) -> StatementError:
    with pytest.raises(StatementError) as caught:
        parse_statement(data, name, **options)
    return caught.value


def test_a_non_numeric_amount_names_line_and_column():
    data = files.lloyds_csv().replace(b",450.00,", b",4S0.00,")
    error = _error(data)
    assert (error.file, error.line, error.field) == ("bad.csv", 4, "Debit Amount")
    assert "'4S0.00' is not an amount" in error.detail


def test_a_negative_amount_in_an_unsigned_column_is_refused():
    error = _error(files.lloyds_csv().replace(b",450.00,", b",-450.00,"))
    assert error.field == "Debit Amount" and "negative" in error.detail


def test_balances_that_do_not_chain_are_refused_at_the_line():
    error = _error(files.lloyds_csv().replace(b",1890.00", b",1890.01"))
    assert error.field == "balance" and error.line == 4
    assert "£1,890.01" in error.detail and "£1,890.00" in error.detail


def test_a_truncated_csv_is_refused():
    data = files.lloyds_csv()
    error = _error(data[: data.rindex(b",")])
    assert error.line == 5 and "cut short" in error.detail  # newest first: the cut row is the oldest


def test_a_file_in_the_wrong_layout_is_refused():
    error = _error(files.barclays_csv(), profile="lloyds")
    assert error.field == "header" and "not a Lloyds, Halifax, Bank of Scotland and TSB export" in error.detail
    assert "no known bank layout" in _error(b"a,b,c\n1,2,3\n").detail


def test_a_bad_date_names_its_column():
    error = _error(files.barclays_csv().replace(b"10/04/2026", b"31/02/2026"))
    assert error.field == "Date" and error.line == 3


def test_a_corrupt_ofx_is_refused():
    data = files.ofx()
    assert _error(data[: len(data) // 2], "cut.ofx").field == "ofx"
    error = _error(data.replace(b"<TRNAMT>-450.00", b"<TRNAMT>-450.001"), "odd.ofx")
    assert error.field in {"TRNAMT", "ofx"}


def test_a_corrupt_or_foreign_pdf_is_refused():
    data = files.pdf_table()
    assert _error(data[: len(data) // 3], "cut.pdf", format="pdf").field in {"pdf", "layout"}
    assert _error(b"%PDF-1.4 not really", "fake.pdf").field in {"pdf", "layout"}


def test_a_pdf_whose_balances_do_not_chain_is_refused():
    error = _error(files.pdf_text(misprint_row=1), "s.pdf")
    assert (error.line, error.field) == ("page 1, line 5", "balance")


def test_an_empty_file_is_refused():
    assert _error(b"", "empty.csv").field == "file"


def test_a_file_no_layout_fits_says_what_was_seen_and_what_to_do():
    error = _error(b"When,What,How much\n01/04/2026,Shop,-1.00\n")
    assert "the first row reads When, What, How much" in error.detail
    assert "describe the columns once" in error.detail


def test_a_qif_line_without_a_day_first_date_or_amount_is_named():
    bad_date = _error(files.qif().replace(b"D06/04/2026", b"D2026/13/40"), "bad.qif")
    assert (bad_date.field, bad_date.line) == ("D", 2)
    no_amount = _error(files.qif().replace(b"T1,840.00\n", b""), "bad.qif")
    assert no_amount.field == "T" and "no amount" in no_amount.detail
    assert "!Type:Bank" in _error(b"!Type:Invst\nD06/04/2026\nT1.00\n^\n", "shares.qif").detail


def test_a_santander_text_file_missing_an_amount_is_named():
    data = files.santander_txt().replace(b"Amount:\xa0-450.00 \r\n", b"")
    error = _error(data, "santander.txt")
    assert error.field == "Amount" and "10/04/2026" in error.detail


def test_a_bank_pdf_description_over_two_lines_is_one_payment():
    statement = parse_statement(files.hsbc_pdf(), "hsbc.pdf")
    assert [line.description for line in statement.lines] == [
        "CR GLENMORE COUNCIL DIRECT PAYMENT",
        "DD ACME CARE LTD INV 2291",
        "DD A MACKAY WAGES",
        "DD HMRC PAYE 120PA0001234",
    ]


def test_a_day_printed_without_its_year_takes_it_from_the_statement_period():
    from datetime import date

    christmas = [
        (date(2025, 12, 29), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
        (date(2026, 1, 2), "A MACKAY WAGES", -61_250),
    ]
    data = files.barclays_pdf(christmas, period=(date(2025, 12, 15), date(2026, 1, 14)))
    statement = parse_statement(data, "barclays.pdf")
    assert [line.value_on for line in statement.lines] == [date(2025, 12, 29), date(2026, 1, 2)]


def test_a_bank_pdf_whose_balances_do_not_chain_is_refused():
    error = _error(files.lloyds_pdf(misprint_row=1), "lloyds.pdf")
    assert (error.field, error.line) == ("balance", "page 1, line 8")


def test_a_pdf_in_no_known_layout_says_what_it_begins_with_and_what_to_do():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 8, "Glenmore Credit Union - your savings summary", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, "Shares held 120.00", new_x="LMARGIN", new_y="NEXT")
    error = _error(bytes(pdf.output()), "summary.pdf")
    assert "its first page begins 'Glenmore Credit Union - your savings summary'" in error.detail
    assert "as CSV, OFX or QIF instead" in error.detail
