"""Stored passwords: argon2id at RFC 9106's recommended cost, whatever the tests use for speed."""

from __future__ import annotations

from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from dp_platform.auth import passwords


def test_stored_hashes_use_rfc_9106s_recommended_argon2id_cost():
    stored = passwords.STORED
    assert stored.type is Type.ID
    assert (
        (stored.time_cost, stored.memory_cost, stored.parallelism)
        == (
            RFC_9106_LOW_MEMORY.time_cost,
            RFC_9106_LOW_MEMORY.memory_cost,
            RFC_9106_LOW_MEMORY.parallelism,
        )
        == (3, 65536, 4)
    )
    assert stored.hash("correct horse").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_made_at_the_stored_cost_verifies_whatever_cost_new_hashes_use():
    made_in_production = passwords.STORED.hash("correct horse")
    assert passwords.verify_password(made_in_production, "correct horse")
    assert not passwords.verify_password(made_in_production, "correct horse!")


def test_no_stored_hash_is_refused_even_with_the_password_the_stand_in_hash_was_made_from():
    assert not passwords.verify_password(None, "a password nobody has")
    assert not passwords.verify_password(None, "")
    assert not passwords.verify_password("not a hash", "anything")


def test_new_hashes_are_argon2id_and_verify():
    made = passwords.hash_password("correct horse")
    assert made.startswith("$argon2id$")
    assert passwords.verify_password(made, "correct horse")
    assert not passwords.verify_password(made, "Correct horse")
