"""Every parser reads the same four transactions from its own layout, and refuses bad files
naming the file, the line and the field."""

from __future__ import annotations

import pytest

from ledgers.errors import StatementError
from ledgers.statements.parse import parse_statement
from tests import statement_files as files

pytestmark = pytest.mark.unit

EXPECTED = [(value_on, pence, balance) for value_on, _, pence, balance in files.running()]

LAYOUTS = {
    "csv:lloyds": files.lloyds_csv,
    "csv:nationwide": files.nationwide_csv,
    "csv:barclays": files.barclays_csv,
    "csv:monzo": files.monzo_csv,
    "ofx": files.ofx,
    "ofx-v2": lambda: files.ofx(version=2),
    "pdf:table": files.pdf_table,
    "pdf:text": files.pdf_text,
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_each_layout_reads_the_same_transactions(layout):
    statement = parse_statement(LAYOUTS[layout](), f"april.{layout}")
    assert statement.format == layout.replace("-v2", "")
    got = [
        (line.value_on, line.amount.pence, line.balance_after.pence if line.balance_after else None)
        for line in statement.lines
    ]
    with_balances = layout not in {"csv:barclays", "csv:monzo", "ofx", "ofx-v2"}
    assert got == [(d, p, b if with_balances else None) for d, p, b in EXPECTED]
    assert "ACME CARE" in statement.lines[1].description
    if layout.startswith("ofx") or with_balances:
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
    assert error.field == "header" and "not a Lloyds, Halifax and Bank of Scotland export" in error.detail
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
