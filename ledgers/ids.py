"""Time-ordered identifiers.

UUIDv7 keeps new rows at the right-hand edge of B-tree indexes (inserts stay cheap as
tables grow) and sorts by creation time. PostgreSQL 15 and Python 3.11 have no built-in
generator, so this is the one place ids are made.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

_lock = threading.Lock()
_last_ms = 0
_counter = 0
# Ids need to be unique, not secret: a fast generator seeded from the OS is enough, and keeps bulk
# imports (one id per bank line) from spending their time in os.urandom.
_random = random.Random(os.urandom(32))  # noqa: S311


def new_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter, then random bits.

    The counter makes ids made in the same millisecond by this process strictly increasing.
    """
    global _last_ms, _counter
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms, _counter = now_ms, _random.getrandbits(10)
        else:
            _counter += 1
            if _counter > 0xFFF:  # counter exhausted: borrow the next millisecond
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
        rand = _random.getrandbits(62)
    value = (ms << 80) | (0x7 << 76) | (counter << 64) | (0b10 << 62) | rand
    # uuid.UUID(int=...) re-validates what is valid by construction, at a cost a bulk import of
    # statement lines notices; set the two slots directly instead.
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", value)
    object.__setattr__(made, "is_safe", uuid.SafeUUID.unknown)
    return made
