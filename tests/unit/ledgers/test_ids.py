import time

import pytest

from ledgers.ids import new_id

pytestmark = pytest.mark.unit


def test_ids_are_version_7_with_the_rfc_variant():
    value = new_id()
    assert value.version == 7
    assert value.variant == "specified in RFC 4122"


def test_ids_carry_the_current_millisecond():
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after


def test_ids_made_in_a_burst_are_unique_and_strictly_increasing():
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
