"""The ledger benchmark's journal names each account by its book's whole id: books made in the same
millisecond share the first 8 characters of a UUIDv7 (its timestamp), which once folded 1,000 accounts
into 20 for ledger-cli and made the comparison flatter the platform."""

from __future__ import annotations

import pytest

from benchmarks.ledger import journal_name
from ledgers.ids import new_id

pytestmark = pytest.mark.unit


def test_books_made_together_have_different_journal_accounts():
    books = [new_id() for _ in range(50)]
    assert len({str(book)[:8] for book in books}) < 50  # the prefix the journal once used
    assert len({journal_name("assets:bank:dp_account", book) for book in books}) == 50
