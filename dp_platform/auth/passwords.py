"""Password hashing with argon2id, the OWASP first choice for stored passwords.

Stored hashes use argon2-cffi's defaults, RFC 9106's second recommended option (section 4): three
passes over 64 MiB, four lanes, about 160 ms a hash on this project's machine, which is the point of
it. The test suite signs in some hundreds of times, and at that cost spent a quarter of its time
hashing; it calls ``use_cheap_hashes_for_tests`` to keep argon2id at the smallest cost, and a unit
test holds the stored cost to RFC 9106's.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

STORED = PasswordHasher()
_hasher = STORED
_unknown_user_hash: str | None = None


def use_cheap_hashes_for_tests() -> None:
    """The same argon2id at its smallest cost (one pass over 8 KiB): never for stored passwords."""
    global _hasher, _unknown_user_hash  # one switch, made once by the tests' conftest
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    _unknown_user_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """``None`` (no such user, or no password set) is checked against a hash all the same and
    refused, so how long the answer takes does not tell a guesser whether the email exists."""
    global _unknown_user_hash  # made on first use, at the cost hashes are made at
    known = password_hash is not None
    if password_hash is None:
        if _unknown_user_hash is None:
            _unknown_user_hash = _hasher.hash("a password nobody has")
        password_hash = _unknown_user_hash
    try:
        matches = _hasher.verify(password_hash, password)  # the cost is read from the hash itself
    except (VerificationError, InvalidHashError):
        return False
    return matches and known
