import uuid
from datetime import date

import pytest

from ledgers.accounts import AccountCode, AccountType, InvalidAccountCodeError
from ledgers.entries import JournalEntryDraft, Posting, reversal_of
from ledgers.errors import UnbalancedEntryError
from ledgers.money import Money

pytestmark = pytest.mark.unit

BANK = AccountCode("assets:bank:dp_account")
INCOME = AccountCode("income:authority:dp_payment")
BOOK = uuid.uuid4()


def draft(*postings, key="k1", narration="payment"):
    return JournalEntryDraft(BOOK, date(2026, 4, 6), narration, tuple(postings), key)


def test_a_balanced_entry_is_accepted_and_hashes_stably():
    entry = draft(Posting(BANK, Money(1000)), Posting(INCOME, Money(-1000)))
    assert (
        entry.request_hash()
        == draft(Posting(BANK, Money(1000)), Posting(INCOME, Money(-1000)), key="k2").request_hash()
    )
    assert entry.request_hash() != draft(Posting(BANK, Money(1001)), Posting(INCOME, Money(-1001))).request_hash()


@pytest.mark.parametrize(
    ("postings", "message"),
    [
        ((Posting(BANK, Money(1000)), Posting(INCOME, Money(-999))), "sum to £0.01"),
        ((Posting(BANK, Money(1000)),), "at least two postings"),
    ],
)
def test_unbalanced_entries_are_refused(postings, message):
    with pytest.raises(UnbalancedEntryError, match=message):
        draft(*postings)


def test_a_zero_posting_is_refused():
    with pytest.raises(UnbalancedEntryError, match="zero"):
        Posting(BANK, Money(0))


def test_a_key_and_a_narration_are_required():
    with pytest.raises(UnbalancedEntryError, match="idempotency key"):
        draft(Posting(BANK, Money(1)), Posting(INCOME, Money(-1)), key="")
    with pytest.raises(UnbalancedEntryError, match="narration"):
        draft(Posting(BANK, Money(1)), Posting(INCOME, Money(-1)), narration="  ")


def test_a_reversal_negates_every_posting_and_links_the_original():
    original = uuid.uuid4()
    mirror = reversal_of(
        original,
        BOOK,
        (Posting(BANK, Money(500)), Posting(INCOME, Money(-500))),
        occurred_on=date(2026, 4, 7),
        narration="undo",
        idempotency_key="r1",
    )
    assert [p.amount for p in mirror.postings] == [Money(-500), Money(500)]
    assert mirror.reverses_entry_id == original and mirror.source == "reversal"


@pytest.mark.parametrize("code", ["bank", "assets", "Assets:bank", "cash:bank", "assets::x", "assets:bank account"])
def test_account_codes_are_typed_colon_paths(code):
    with pytest.raises(InvalidAccountCodeError):
        AccountCode(code)


def test_natural_balances_read_as_people_expect():
    assert BANK.type is AccountType.ASSETS and BANK.natural_balance(1000) == 1000
    assert INCOME.natural_balance(-1000) == 1000
    assert AccountCode("liabilities:hmrc:paye_ni").natural_balance(-250) == 250
