"""Bank statement files made by the tests, in each layout the importer reads.

The same four April transactions appear in every format, so one expectation serves all.
"""

from __future__ import annotations

import hashlib
from datetime import date

from fpdf import FPDF

OPENING_PENCE = 50_000
TRANSACTIONS = [
    (date(2026, 4, 6), "GLENMORE COUNCIL DIRECT PAYMENT", 184_000),
    (date(2026, 4, 10), "ACME CARE LTD INV 2291", -45_000),
    (date(2026, 4, 24), "A MACKAY WAGES", -61_250),
    (date(2026, 4, 24), "HMRC PAYE 120PA0001234", -8_130),
]


def running(transactions=TRANSACTIONS, opening=OPENING_PENCE):
    balance, rows = opening, []
    for value_on, description, pence in transactions:
        balance += pence
        rows.append((value_on, description, pence, balance))
    return rows


def bank_id(value_on: date, description: str, pence: int) -> str:
    """A stable id for a transaction, as a bank's own FITID or Monzo id is: the same in every download."""
    return hashlib.sha1(f"{value_on}{description}{pence}".encode()).hexdigest()[:12].upper()  # noqa: S324


def pounds(pence: int, sign: bool = True) -> str:
    text = f"{abs(pence) // 100:,}.{abs(pence) % 100:02d}"
    return ("-" if pence < 0 and sign else "") + text


def lloyds_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """Newest first, debit and credit columns, as Lloyds/Halifax/Bank of Scotland export."""
    lines = [
        "Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
        "Debit Amount,Credit Amount,Balance"
    ]
    for value_on, description, pence, balance in reversed(running(transactions, opening)):
        debit, credit = (pounds(pence, False), "") if pence < 0 else ("", pounds(pence, False))
        lines.append(
            f"{value_on:%d/%m/%Y},DEB,'80-22-60,12345678,{description},{debit.replace(',', '')},"
            f"{credit.replace(',', '')},{pounds(balance).replace(',', '')}"
        )
    return ("\n".join(lines) + "\n").encode()


def nationwide_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """A preamble above the header, £ signs, Windows-1252, as Nationwide exports."""
    lines = [
        '"Account Name:","FlexDirect ****12345"',
        '"Account Balance:","£1,695.20"',
        '"Available Balance: ","£1,695.20"',
        "",
        '"Date","Transaction type","Description","Paid out","Paid in","Balance"',
    ]
    for value_on, description, pence, balance in running(transactions, opening):
        paid_out, paid_in = (f"£{pounds(pence, False)}", "") if pence < 0 else ("", f"£{pounds(pence, False)}")
        lines.append(f'"{value_on:%d %b %Y}","Payment","{description}","{paid_out}","{paid_in}","£{pounds(balance)}"')
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def barclays_csv(transactions=TRANSACTIONS) -> bytes:
    lines = ["Number,Date,Account,Amount,Subcategory,Memo"]
    for value_on, description, pence, _ in running(transactions):
        lines.append(f",{value_on:%d/%m/%Y},20-32-06 13152170,{pounds(pence).replace(',', '')},PAYMENT,{description}")
    return ("\n".join(lines) + "\n").encode()


def monzo_csv(transactions=TRANSACTIONS) -> bytes:
    lines = [
        "Transaction ID,Date,Time,Type,Name,Emoji,Category,Amount,Currency,Local amount,Local currency,"
        "Notes and #tags,Address,Receipt,Description,Category split,Money Out,Money In"
    ]
    for value_on, description, pence, _ in running(transactions):
        amount = pounds(pence).replace(",", "")
        lines.append(
            f"tx_{bank_id(value_on, description, pence)},{value_on:%d/%m/%Y},09:00:00,Faster payment,"
            f"{description},,general,"
            f"{amount},GBP,{amount},GBP,,,,{description},,,"
        )
    return ("\n".join(lines) + "\n").encode()


def _plain(pence: int) -> str:
    return pounds(pence).replace(",", "")


def natwest_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """NatWest, RBS and Ulster Bank: a space after each comma in the heading, one signed Value, text
    cells led by an apostrophe (to stop spreadsheets reading them as numbers), newest first."""
    lines = ["Date, Type, Description, Value, Balance, Account Name, Account Number"]
    for value_on, description, pence, balance in reversed(running(transactions, opening)):
        kind = "BAC" if pence > 0 else "D/D"
        lines.append(
            f'{value_on:%d %b %Y},{kind},"\'{description}",{_plain(pence)},{_plain(balance)},'
            '"\'DP ACCOUNT","\'600000-12345678",'
        )
    return ("\n".join(lines) + "\n").encode()


def starling_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    lines = ["Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes"]
    for value_on, description, pence, balance in running(transactions, opening):
        payee, _, reference = description.partition(" ")
        lines.append(
            f"{value_on:%d/%m/%Y},{payee},{reference},FASTER PAYMENT,{_plain(pence)},{_plain(balance)},GENERAL,"
        )
    return ("\n".join(lines) + "\n").encode()


def hsbc_csv(transactions=TRANSACTIONS) -> bytes:
    """HSBC UK's download: no heading row; date, description, signed amount; newest first."""
    lines = [
        f'{value_on:%d/%m/%Y},"{description}","{pounds(pence)}"'
        for value_on, description, pence, _ in reversed(running(transactions))
    ]
    return ("\n".join(lines) + "\n").encode()


def first_direct_csv(transactions=TRANSACTIONS) -> bytes:
    lines = ["Date,Description,Amount"]
    lines += [
        f"{value_on:%d/%m/%Y},{description},{_plain(pence)}"
        for value_on, description, pence, _ in running(transactions)
    ]
    return ("\n".join(lines) + "\n").encode()


def _in_out_csv(heading: str, type_label: str, transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    lines = [heading]
    for value_on, description, pence, balance in reversed(running(transactions, opening)):
        money_in, money_out = (_plain(pence), "") if pence > 0 else ("", _plain(-pence))
        fields = {"Date": f"{value_on:%d/%m/%Y}", "Description": description, type_label: "PAYMENT"}
        fields.update({"Money In": money_in, "Money Out": money_out, "Balance": _plain(balance)})
        lines.append(",".join(fields[column] for column in heading.split(",")))
    return ("\n".join(lines) + "\n").encode()


def coop_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """The Co-operative Bank and smile: Date, Description, Type, Money In, Money Out, Balance."""
    return _in_out_csv("Date,Description,Type,Money In,Money Out,Balance", "Type", transactions, opening)


def metro_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """Metro Bank: Date, Description, Transaction Type, Money In, Money Out, Balance."""
    heading = "Date,Description,Transaction Type,Money In,Money Out,Balance"
    return _in_out_csv(heading, "Transaction Type", transactions, opening)


def clydesdale_csv(transactions=TRANSACTIONS) -> bytes:
    """Clydesdale's business CSV: no heading row; date as yyyy/mm/dd, an ignored field, sort code and
    account number run together, three ignored fields, description, signed value, narrative."""
    lines = [
        f"{value_on:%Y/%m/%d},,82123412345678,,,,{description},{_plain(pence)},FASTER PAYMENT"
        for value_on, description, pence, _ in running(transactions)
    ]
    return ("\n".join(lines) + "\n").encode()


def tsb_csv(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """TSB's download has Lloyds's columns, headed in lower case after the first word."""
    heading = (
        b"Transaction date,Transaction type,Sort code,Account number,Transaction description,Debit amount,"
        b"Credit amount,Balance"
    )
    _, rows = lloyds_csv(transactions, opening).split(b"\n", 1)
    return heading + b"\n" + rows


def santander_txt(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    rows = running(transactions, opening)
    text = [f"From:\xa0{rows[0][0]:%d/%m/%Y} to {rows[-1][0]:%d/%m/%Y}", "", "Account:\xa0XXXX XXXX XXXX 1234", ""]
    for value_on, description, pence, balance in reversed(rows):
        text += [
            f"Date:\xa0{value_on:%d/%m/%Y}",
            f"Description:\xa0{description}",
            f"Amount:\xa0{_plain(pence)} ",
            f"Balance:\xa0{_plain(balance)} ",
            "",
        ]
    return ("\r\n".join(text) + "\r\n").encode("cp1252")


def qif(transactions=TRANSACTIONS) -> bytes:
    records = ["!Type:Bank"]
    for value_on, description, pence, _ in running(transactions):
        records += [f"D{value_on:%d/%m/%Y}", f"T{pounds(pence)}", f"P{description}", "^"]
    return ("\n".join(records) + "\n").encode()


def ofx(transactions=TRANSACTIONS, opening=OPENING_PENCE, version: int = 1) -> bytes:
    rows = running(transactions, opening)
    closing = rows[-1][3]
    body = []
    for value_on, description, pence, _ in rows:
        body.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if pence > 0 else 'DEBIT'}<DTPOSTED>{value_on:%Y%m%d}120000"
            f"<TRNAMT>{pounds(pence).replace(',', '')}<FITID>{bank_id(value_on, description, pence)}<NAME>{description}"
            "</STMTTRN>"
        )
    if version == 2:
        body = [
            item.replace("<TRNTYPE>", "<TRNTYPE>")
            .replace("<DTPOSTED>", "</TRNTYPE><DTPOSTED>")
            .replace("<TRNAMT>", "</DTPOSTED><TRNAMT>")
            .replace("<FITID>", "</TRNAMT><FITID>")
            .replace("<NAME>", "</FITID><NAME>")
            .replace("</STMTTRN>", "</NAME></STMTTRN>")
            for item in body
        ]
        header = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" '
            'OLDFILEUID="NONE" NEWFILEUID="NONE"?>\n'
        )
        close = lambda tag: f"</{tag}>"  # noqa: E731
    else:
        header = (
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
            "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        )
        close = lambda tag: ""  # noqa: E731
    sign_on = (
        f"<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0{close('CODE')}<SEVERITY>INFO{close('SEVERITY')}</STATUS>"
        f"<DTSERVER>20260430120000{close('DTSERVER')}<LANGUAGE>ENG{close('LANGUAGE')}</SONRS></SIGNONMSGSRSV1>"
    )
    statement = (
        f"<BANKMSGSRSV1><STMTTRNRS><TRNUID>1{close('TRNUID')}<STATUS><CODE>0{close('CODE')}"
        f"<SEVERITY>INFO{close('SEVERITY')}</STATUS><STMTRS><CURDEF>GBP{close('CURDEF')}"
        f"<BANKACCTFROM><BANKID>802260{close('BANKID')}<ACCTID>12345678{close('ACCTID')}"
        f"<ACCTTYPE>CHECKING{close('ACCTTYPE')}</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20260401{close('DTSTART')}<DTEND>20260430{close('DTEND')}"
        + "\n".join(body)
        + f"</BANKTRANLIST><LEDGERBAL><BALAMT>{pounds(closing).replace(',', '')}{close('BALAMT')}"
        f"<DTASOF>20260430{close('DTASOF')}</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>"
    )
    return (header + "<OFX>" + sign_on + "\n" + statement + "</OFX>\n").encode()


def _pdf() -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    return pdf


def pdf_table(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    pdf = _pdf()
    pdf.cell(0, 8, "Bank of Glenmore - Statement of account 12345678", new_x="LMARGIN", new_y="NEXT")
    rows = [
        ["Date", "Description", "Paid out", "Paid in", "Balance"],
        ["", "Balance brought forward", "", "", pounds(opening)],
    ]
    for value_on, description, pence, balance in running(transactions, opening):
        rows.append(
            [
                f"{value_on:%d %b %Y}",
                description,
                pounds(-pence) if pence < 0 else "",
                pounds(pence) if pence > 0 else "",
                pounds(balance),
            ]
        )
    rows.append(["", "Balance carried forward", "", "", pounds(running(transactions, opening)[-1][3])])
    with pdf.table(col_widths=(25, 75, 25, 25, 30)) as table:
        for data in rows:
            row = table.row()
            for datum in data:
                row.cell(datum)
    return bytes(pdf.output())


def pdf_text(transactions=TRANSACTIONS, opening=OPENING_PENCE, misprint_row: int | None = None) -> bytes:
    """``misprint_row``: print that row's balance 50p out, as a damaged or doctored statement would."""
    pdf = _pdf()
    for text in (
        "Glenmore Building Society",
        "Statement 1 April 2026 to 30 April 2026",
        f"Opening balance {pounds(opening)}",
    ):
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    for index, (value_on, description, pence, balance) in enumerate(running(transactions, opening)):
        balance += 50 if index == misprint_row else 0
        pdf.cell(
            0,
            6,
            f"{value_on:%d/%m/%Y}   {description}   {pounds(pence)}   {pounds(balance)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.cell(0, 6, f"Closing balance {pounds(running(transactions, opening)[-1][3])}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _column_pdf(top: list[str], headings: list[tuple[str, float, float, str]], rows: list[list[str]], per_page=4):
    """Words placed under column headings, no ruling, as banks print statements: ``headings`` are
    (text, x, width, alignment); each row gives one text per column; the headings repeat on every page."""
    pdf = _pdf()

    def head() -> None:
        pdf.set_xy(10, pdf.get_y() + 4)
        for text, x, width, align in headings:
            pdf.set_x(x)
            pdf.cell(width, 6, text, align=align)
        pdf.ln(8)

    for text in top:
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    head()
    for count, row in enumerate(rows):
        if count and count % per_page == 0:
            pdf.add_page()
            pdf.cell(0, 6, f"Page {count // per_page + 1}", new_x="LMARGIN", new_y="NEXT")
            head()
        for (_, x, width, align), text in zip(headings, row, strict=True):
            pdf.set_x(x)
            pdf.cell(width, 6, text, align=align)
        pdf.ln(6)
    return bytes(pdf.output())


def _by_day(transactions, opening):
    """Each transaction with whether it is the first and the last of its day, as banks print a day."""
    rows = running(transactions, opening)
    for index, (value_on, description, pence, balance) in enumerate(rows):
        first = index == 0 or rows[index - 1][0] != value_on
        last = index == len(rows) - 1 or rows[index + 1][0] != value_on
        yield value_on, description, pence, balance, first, last


def hsbc_pdf(transactions=TRANSACTIONS, opening=OPENING_PENCE) -> bytes:
    """HSBC: 'Payment type and details' with a type code, descriptions over two lines, the date only on
    a day's first payment and the balance only on its last, brought and carried forward rows."""
    headings = [
        ("Date", 12, 22, "L"),
        ("Payment type and details", 36, 80, "L"),
        ("Paid out", 118, 24, "R"),
        ("Paid in", 144, 24, "R"),
        ("Balance", 170, 28, "R"),
    ]
    rows = [["", "BALANCE BROUGHT FORWARD", "", "", pounds(opening)]]
    for value_on, description, pence, balance, first, last in _by_day(transactions, opening):
        payee, _, rest = description.rpartition(" ")
        rows.append([f"{value_on:%d %b %y}" if first else "", f"{'CR' if pence > 0 else 'DD'} {payee}", "", "", ""])
        rows.append(
            [
                "",
                rest,
                pounds(-pence) if pence < 0 else "",
                pounds(pence) if pence > 0 else "",
                pounds(balance) if last else "",
            ]
        )
    rows.append(["", "BALANCE CARRIED FORWARD", "", "", pounds(running(transactions, opening)[-1][3])])
    top = ["HSBC UK", "Your Statement", "1 April to 30 April 2026", "Account Name DP ACCOUNT"]
    return _column_pdf(top, headings, rows)


def barclays_pdf(
    transactions=TRANSACTIONS, opening=OPENING_PENCE, period=(date(2026, 4, 1), date(2026, 4, 30))
) -> bytes:
    """Barclays: the day without its year ('6 Apr'), the year from the statement period at the top."""
    headings = [
        ("Date", 12, 18, "L"),
        ("Description", 32, 84, "L"),
        ("Money out £", 118, 24, "R"),
        ("Money in £", 144, 24, "R"),
        ("Balance £", 170, 28, "R"),
    ]
    start, end = period
    rows = [[f"{start.day} {start:%b}", "Start balance", "", "", pounds(opening)]]
    for value_on, description, pence, balance, first, last in _by_day(transactions, opening):
        rows.append(
            [
                f"{value_on.day} {value_on:%b}" if first else "",
                description,
                pounds(-pence) if pence < 0 else "",
                pounds(pence) if pence > 0 else "",
                pounds(balance) if last else "",
            ]
        )
    rows.append([f"{end.day} {end:%b}", "End balance", "", "", pounds(running(transactions, opening)[-1][3])])
    top = [
        "Barclays Bank UK PLC",
        "Your transactions",
        f"{start.day} {start:%b %Y} - {end.day} {end:%b %Y}",
        "Sort code",
    ]
    return _column_pdf(top, headings, rows)


def lloyds_pdf(transactions=TRANSACTIONS, opening=OPENING_PENCE, misprint_row: int | None = None) -> bytes:
    """Lloyds, Halifax and Bank of Scotland: a Type column, money in before money out, every line dated
    ('06 Apr 26') and every line with its balance; opening and closing balance rows."""
    headings = [
        ("Date", 12, 20, "L"),
        ("Description", 34, 62, "L"),
        ("Type", 98, 14, "L"),
        ("Money In (£)", 114, 26, "R"),
        ("Money Out (£)", 142, 26, "R"),
        ("Balance (£)", 170, 28, "R"),
    ]
    rows = [["01 Apr 26", "STATEMENT OPENING BALANCE", "", "", "", pounds(opening)]]
    for index, (value_on, description, pence, balance) in enumerate(running(transactions, opening)):
        balance += 50 if index == misprint_row else 0
        kind = "BGC" if pence > 0 else "FPO"
        into, out = (pounds(pence), "") if pence > 0 else ("", pounds(-pence))
        rows.append([f"{value_on:%d %b %y}", description, kind, into, out, pounds(balance)])
    rows.append(["30 Apr 26", "STATEMENT CLOSING BALANCE", "", "", "", pounds(running(transactions, opening)[-1][3])])
    top = ["Lloyds Bank", "Your Account", "01 April 2026 to 30 April 2026", "Classic Account 12345678"]
    return _column_pdf(top, headings, rows)
