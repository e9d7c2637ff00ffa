"""Which incoming line pairs with an outgoing transfer: the nearest in date, whatever order the rows
came back from the database in (they come back in no promised order)."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest

from ledgers.client_money.transfers import nearest_pairs
from ledgers.tables import StatementLineRow

BOOK, OWN, SHARE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _line(statement: uuid.UUID, day: int, description: str, pence: int) -> StatementLineRow:
    return StatementLineRow(
        book_id=BOOK,
        statement_id=statement,
        source_line=str(day),
        value_on=date(2026, 11, day),
        description=description,
        amount_pence=pence,
        fingerprint=description,
    )


OUT = _line(OWN, 2, "TRANSFER TO CLIENT ACCOUNT", -50_000)
NEAR = _line(SHARE, 3, "FROM M CAMPBELL", 50_000)
FAR = _line(SHARE, 5, "FROM M CAMPBELL AGAIN", 50_000)
REFUND = _line(SHARE, 6, "CORNER SHOP REFUND", 700)
SHOP = _line(OWN, 1, "CORNER SHOP", -700)


@pytest.mark.parametrize("order", list(itertools.permutations([NEAR, FAR, REFUND])))
def test_the_nearest_line_in_date_is_paired_in_any_row_order(order):
    pairs = nearest_pairs(list(order), [SHOP, OUT])
    assert [(a.description, b.description) for a, b in pairs] == [("FROM M CAMPBELL", "TRANSFER TO CLIENT ACCOUNT")]


def test_two_transfers_out_each_take_the_line_nearest_them():
    later_out = _line(OWN, 5, "TRANSFER TO CLIENT ACCOUNT", -50_000)
    for candidates in ([OUT, later_out], [later_out, OUT]):
        pairs = nearest_pairs([FAR, NEAR], candidates)
        assert [(a.value_on.day, b.value_on.day) for a, b in pairs] == [(3, 2), (5, 5)]


def test_no_line_saying_transfer_is_no_pair():
    assert nearest_pairs([_line(SHARE, 3, "FROM M CAMPBELL", 700)], [SHOP]) == []
