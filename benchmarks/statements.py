"""Statement parsing benchmark: how long ``parse_statement`` takes on large files, and that its time
grows with the file (not its square or cube, as OFX once did).

    .venv/bin/python -m benchmarks.statements [--transactions 2000]

Prints figures with the machine's load beside each; asserts nothing. The aim for a 2,000-transaction
OFX is under 1 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date, timedelta

from ledgers.statements.parse import parse_statement


def _rows(count: int) -> list[tuple[date, str, int]]:
    start = date(2026, 4, 6)
    return [
        (start + timedelta(days=index // 20), f"PAYEE {index % 97} REF {index}", (-1) ** index * (1_000 + index))
        for index in range(count)
    ]


def ofx(count: int) -> bytes:
    body = "".join(
        f"<STMTTRN><TRNTYPE>{'CREDIT' if pence > 0 else 'DEBIT'}<DTPOSTED>{day:%Y%m%d}120000"
        f"<TRNAMT>{pence / 100:.2f}<FITID>T{index}<NAME>{text}</STMTTRN>\n"
        for index, (day, text, pence) in enumerate(_rows(count))
    )
    closing = sum(pence for _, _, pence in _rows(count))
    return (
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0"
        "<SEVERITY>INFO</STATUS><DTSERVER>20260430120000<LANGUAGE>ENG</SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>GBP"
        "<BANKACCTFROM><BANKID>802260<ACCTID>12345678<ACCTTYPE>CHECKING</BANKACCTFROM>"
        f"<BANKTRANLIST><DTSTART>20260401<DTEND>20260430\n{body}</BANKTRANLIST>"
        f"<LEDGERBAL><BALAMT>{closing / 100:.2f}<DTASOF>20260430</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    ).encode()


def csv(count: int) -> bytes:
    lines = ["Number,Date,Account,Amount,Subcategory,Memo"]
    lines += [f",{day:%d/%m/%Y},20-32-06 1,{pence / 100:.2f},PAYMENT,{text}" for day, text, pence in _rows(count)]
    return ("\n".join(lines) + "\n").encode()


def _time(data: bytes, name: str) -> tuple[float, int]:
    best = None
    for _ in range(3):
        started = time.perf_counter()
        statement = parse_statement(data, name)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    assert best is not None
    return best, len(statement.lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transactions", type=int, default=2_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, best of 3")
    for label, make, name in (("OFX", ofx, "bench.ofx"), ("CSV", csv, "bench.csv")):
        for count in (args.transactions // 2, args.transactions, args.transactions * 2):
            data = make(count)
            seconds, lines = _time(data, name)
            aim = " (aim < 1 s)" if label == "OFX" and count == args.transactions else ""
            print(
                f"{label} {count:>6,} transactions ({len(data) / 1024:,.0f} KB): {seconds:.3f} s, "
                f"{lines:,} lines read{aim}; load {os.getloadavg()[0]:.2f}"
            )


if __name__ == "__main__":
    main()
