"""Files made to hurt a statement parser, built by the tests (none is stored in the repository)."""

from __future__ import annotations

import zlib

NESTED_OFX = (
    b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>" + b"<A>" * 150_000 + b"x" + b"</A>" * 150_000 + b"</OFX>"
)
"""An OFX nested 150,000 deep: enough to overflow the C stack of an XML parser that recursed into it."""


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` (compressed), with a correct cross-reference table.
    zlib's default level: its best (9) makes the drawing's stream larger and takes 40 times as long."""
    stream = zlib.compress(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def drawing_pdf(rectangles: int = 400_000) -> bytes:
    """Hundreds of thousands of tiny filled rectangles: small on disk, very slow to lay out."""
    return _pdf(b"".join(b"%d %d 1 1 re f\n" % (index % 500, index // 500 % 800) for index in range(rectangles)))


def bomb_pdf(megabytes: int = 1024) -> bytes:
    """A page stream that unpacks from about a megabyte to a gigabyte."""
    return _pdf(b" " * (megabytes * 1024 * 1024))


def million_line_csv() -> bytes:
    return b"Number,Date,Account,Amount,Subcategory,Memo\n" + b",06/04/2026,20-32-06 1,-1.00,PAYMENT,SHOP\n" * 1_000_000
