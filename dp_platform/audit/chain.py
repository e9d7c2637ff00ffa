"""The hash chain itself: pure functions, no database.

``hash = sha256(prev_hash || canonical_json(event))`` where ``prev_hash`` is the raw 32
bytes of the previous event's hash (32 zero bytes for the first event of a chain) and
the event is every stored field except the two hashes. Canonical JSON sorts keys, uses
no whitespace and refuses floats, so the same event always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "id",
    "chain",
    "seq",
    "occurred_at",
    "account_id",
    "actor_user_id",
    "actor_role",
    "actor_organisation_id",
    "mandate_id",
    "api_key_id",
    "action",
    "subject_type",
    "subject_id",
    "details",
    "request_id",
)


class ChainedEvent(Protocol):
    id: uuid.UUID
    chain: str
    seq: int
    prev_hash: str
    hash: str


def check_json_value(value: Any, path: str = "details") -> None:
    """Refuse what would not survive a JSONB round trip byte-for-byte (floats, odd keys, objects)."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_json_value(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a non-string key {key!r}")
            check_json_value(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} holds a {type(value).__name__}; use int pence, strings, lists or objects")


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def event_payload(event: Any) -> dict[str, Any]:
    """The hashed part of an event (a row or any object with the same attributes)."""
    getter = event.get if isinstance(event, Mapping) else lambda name: getattr(event, name)
    return {name: _plain(getter(name)) for name in HASHED_FIELDS}


def link_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_json(payload)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    chain: str
    seq: int
    event_id: uuid.UUID | None
    reason: str

    def sentence(self) -> str:
        where = (
            f"event {self.event_id} (#{self.seq} of chain {self.chain})"
            if self.event_id
            else (f"chain {self.chain} after #{self.seq}")
        )
        return f"The audit trail is broken at {where}: {self.reason}."


class ChainWalker:
    """Checks one chain event by event, in ``seq`` order, so a long chain needs no memory."""

    def __init__(self, chain: str, *, checkpoint: tuple[int, str] | None = None) -> None:
        """From the first event, or from a ``checkpoint`` (seq, hash) an earlier verification found intact:
        then the walk starts at that event, which must still carry that hash and match its content."""
        self.chain = chain
        self.checked = 0
        self.broken: ChainBreak | None = None
        self._checkpoint = checkpoint
        self._expected_prev = GENESIS_HASH
        self._expected_seq = checkpoint[0] if checkpoint else 1

    @property
    def last(self) -> tuple[int, str] | None:
        """The last event found intact (seq, hash), to keep as the next checkpoint."""
        if self.broken is not None or self._expected_seq == 1 or self._expected_prev == GENESIS_HASH:
            return None
        return self._expected_seq - 1, self._expected_prev

    def feed(self, event: Any) -> None:
        if self.broken is not None:
            return
        self.checked += 1
        if self._checkpoint is not None and event.seq == self._checkpoint[0]:
            # The checkpointed event: it must be the one found then; it is then checked as any other,
            # against the link it carries (the events before it were verified with it).
            self._checkpoint, (_, checkpoint_hash) = None, self._checkpoint
            if event.hash != checkpoint_hash:
                self.broken = ChainBreak(
                    self.chain, event.seq, event.id, "it is not the event an earlier verification found here"
                )
                return
            self._expected_prev = event.prev_hash
        if event.seq != self._expected_seq:
            reason = f"expected #{self._expected_seq} here; events are missing"
        elif event.prev_hash != self._expected_prev:
            reason = "it does not point at the event before it"
        elif link_hash(event.prev_hash, event_payload(event)) != event.hash:
            reason = "its content no longer matches its hash"
        else:
            self._expected_prev, self._expected_seq = event.hash, self._expected_seq + 1
            return
        self.broken = ChainBreak(self.chain, event.seq, event.id, reason)

    def finish(self, *, head_seq: int | None, head_hash: str | None) -> ChainBreak | None:
        """The first break, including a chain shorter than its head says (events removed at the end)."""
        if self.broken is not None:
            return self.broken
        last_seq = self._expected_seq - 1
        if head_seq is not None and (head_seq != last_seq or head_hash != self._expected_prev):
            return ChainBreak(
                self.chain,
                last_seq,
                None,
                f"the chain ends at #{last_seq} but its head records #{head_seq}; events were removed",
            )
        return None


def verify_chain(
    chain: str, events: Iterable[Any], *, head_seq: int | None, head_hash: str | None
) -> tuple[int, ChainBreak | None]:
    """Walk one chain in ``seq`` order; return how many events were checked and the first break."""
    walker = ChainWalker(chain)
    for event in events:
        walker.feed(event)
    return walker.checked, walker.finish(head_seq=head_seq, head_hash=head_hash)
