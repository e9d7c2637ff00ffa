import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from dp_platform.audit.chain import (
    GENESIS_HASH,
    canonical_json,
    check_json_value,
    event_payload,
    link_hash,
    verify_chain,
)

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class Event:
    seq: int
    prev_hash: str = ""
    hash: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    chain: str = "account:1"
    occurred_at: datetime = datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=UTC)
    account_id: uuid.UUID | None = None
    actor_user_id: uuid.UUID | None = None
    actor_role: str = "employer"
    actor_organisation_id: uuid.UUID | None = None
    mandate_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    action: str = "mandate.granted"
    subject_type: str = "mandate"
    subject_id: str = "m-1"
    details: dict = field(default_factory=lambda: {"scopes": ["view"], "amount_pence": 1250})
    request_id: str | None = "req-1"


def build_chain(length: int) -> list[Event]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, length + 1):
        event = Event(seq=seq, prev_hash=prev)
        event = replace(event, hash=link_hash(prev, event_payload(event)))
        events.append(event)
        prev = event.hash
    return events


def test_canonical_json_is_the_same_bytes_whatever_the_key_order():
    assert canonical_json({"b": 1, "a": [1, {"d": None, "c": "é"}]}) == canonical_json(
        {"a": [1, {"c": "é", "d": None}], "b": 1}
    )
    assert canonical_json({"b": 1, "a": 2}) == b'{"a":2,"b":1}'


def test_the_hash_covers_the_previous_hash():
    event = Event(seq=1)
    assert link_hash(GENESIS_HASH, event_payload(event)) != link_hash("f" * 64, event_payload(event))


def test_timestamps_hash_as_utc_with_microseconds():
    assert event_payload(Event(seq=1))["occurred_at"] == "2026-11-23T09:30:00.123456Z"


def test_an_untouched_chain_verifies():
    events = build_chain(5)
    assert verify_chain("account:1", events, head_seq=5, head_hash=events[-1].hash) == (5, None)


@pytest.mark.parametrize(
    ("index", "change", "reason"),
    [
        (2, {"action": "mandate.revoked"}, "no longer matches its hash"),
        (2, {"details": {"scopes": ["view"], "amount_pence": 1251}}, "no longer matches its hash"),
        (0, {"occurred_at": datetime(2026, 11, 23, 9, 30, 0, 123457, tzinfo=UTC)}, "no longer matches its hash"),
        (3, {"prev_hash": "0" * 64}, "does not point at the event before it"),
        (4, {"seq": 7}, "events are missing"),
    ],
)
def test_a_changed_event_is_the_first_break_named(index, change, reason):
    events = build_chain(5)
    events[index] = replace(events[index], **change)
    _, broken = verify_chain("account:1", events, head_seq=5, head_hash=events[-1].hash)
    assert broken is not None
    assert broken.event_id == events[index].id
    assert reason in broken.reason
    assert str(events[index].id) in broken.sentence()


def test_removing_the_last_events_is_caught_by_the_head():
    events = build_chain(5)
    _, broken = verify_chain("account:1", events[:3], head_seq=5, head_hash=events[-1].hash)
    assert broken is not None and "events were removed" in broken.reason


@pytest.mark.parametrize("bad", [{"rate": 0.1}, {"when": datetime(2026, 1, 1, tzinfo=UTC)}, {1: "x"}, [{"a": {1.5}}]])
def test_details_refuse_what_jsonb_would_not_give_back_exactly(bad):
    with pytest.raises(TypeError):
        check_json_value(bad)
