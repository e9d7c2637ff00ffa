"""Files made to hurt the parser: each is refused with a sentence, and none takes the process down.

The nested OFX is parsed in a child process, so a crash (a C stack overflow in the XML parser kills
the process outright, with no exception to catch) would show as the child's exit code.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from ledgers.errors import StatementError
from ledgers.statements.ofx_import import MAX_DEPTH
from ledgers.statements.parse import parse_statement
from tests import statement_files as files
from tests.hostile_files import NESTED_OFX

pytestmark = pytest.mark.unit

NESTED = NESTED_OFX

_CHILD = """
import sys
from ledgers.errors import StatementError
from ledgers.statements.parse import parse_statement
try:
    parse_statement(sys.stdin.buffer.read(), "nested.ofx")
except StatementError as error:
    print(error.field, error.detail)
"""


def test_an_ofx_nested_150000_deep_is_refused_without_crashing_the_process():
    child = subprocess.run([sys.executable, "-c", _CHILD], input=NESTED, capture_output=True, timeout=120, check=False)
    assert child.returncode == 0, child.stderr.decode()[-2000:]
    assert child.stdout.decode().startswith("ofx ") and f"more than {MAX_DEPTH} deep" in child.stdout.decode()


def test_a_real_ofx_is_not_too_deep():
    assert parse_statement(files.ofx(version=2), "a.ofx").format == "ofx"
    assert parse_statement(files.ofx(), "a.ofx").format == "ofx"


@pytest.mark.parametrize(
    "data",
    [
        b"\x00" * 1000,
        b"Number,Date,Account,Amount,Subcategory,Memo\n,06/04/2026,x,99999999999999999999.00,P,BIG\n",
        b"!Type:Bank\nD06/04/2026\nT-9223372036854775807.00\nPNEGATIVE\n^\n",
    ],
)
def test_nonsense_and_impossible_amounts_are_refused_with_a_sentence(data):
    with pytest.raises(StatementError):
        parse_statement(data, "hostile")
