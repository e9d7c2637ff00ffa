"""Journal entries: at least two postings summing to zero, immutable once drafted.

The same rule is enforced again by a deferred constraint trigger in PostgreSQL, so no
code path (or person with psql) can commit an entry that does not balance.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date

from ledgers.accounts import AccountCode
from ledgers.bounds import check_day, check_pence
from ledgers.errors import UnbalancedEntryError
from ledgers.money import Money

MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Posting:
    account: AccountCode
    amount: Money
    """Debit positive, credit negative."""

    def __post_init__(self) -> None:
        if not self.amount:
            raise UnbalancedEntryError(f"a posting to {self.account} of zero moves nothing", field="postings")
        check_pence(self.amount.pence, "postings")


@dataclass(frozen=True, slots=True)
class JournalEntryDraft:
    book_id: uuid.UUID
    occurred_on: date
    narration: str
    postings: tuple[Posting, ...]
    idempotency_key: str
    source: str = "manual"
    reverses_entry_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise UnbalancedEntryError("an entry needs at least two postings", field="postings")
        total = sum(posting.amount.pence for posting in self.postings)
        if total != 0:
            raise UnbalancedEntryError(f"the postings sum to {Money(total)}, not £0.00", field="postings")
        if not self.idempotency_key or len(self.idempotency_key) > MAX_KEY_LENGTH:
            raise UnbalancedEntryError(
                f"an idempotency key of 1 to {MAX_KEY_LENGTH} characters is required", field="idempotency_key"
            )
        if not self.narration.strip():
            raise UnbalancedEntryError("an entry needs a narration saying what it is", field="narration")
        if not self.idempotency_key.strip():
            raise UnbalancedEntryError("an idempotency key must not be blank", field="idempotency_key")
        check_day(self.occurred_on, "occurred_on")

    def request_hash(self) -> str:
        """What makes two requests "the same" for idempotency: everything but the key itself."""
        canonical = {
            "book_id": str(self.book_id),
            "occurred_on": self.occurred_on.isoformat(),
            "narration": self.narration,
            "postings": [[posting.account.value, posting.amount.pence] for posting in self.postings],
            "source": self.source,
            "reverses_entry_id": str(self.reverses_entry_id) if self.reverses_entry_id else None,
        }
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()

    @property
    def accounts(self) -> list[AccountCode]:
        return sorted({posting.account for posting in self.postings})


def reversal_of(
    entry_id: uuid.UUID,
    book_id: uuid.UUID,
    postings: tuple[Posting, ...],
    *,
    occurred_on: date,
    narration: str,
    idempotency_key: str,
) -> JournalEntryDraft:
    """The entry that cancels another: the same postings, negated, linked to the original."""
    return JournalEntryDraft(
        book_id=book_id,
        occurred_on=occurred_on,
        narration=narration,
        postings=tuple(Posting(posting.account, -posting.amount) for posting in postings),
        idempotency_key=idempotency_key,
        source="reversal",
        reverses_entry_id=entry_id,
    )
