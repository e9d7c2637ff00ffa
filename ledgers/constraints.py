"""Which of the database's own rules a write broke, by the constraint's name.

A unique constraint is how the database settles a race two requests ran at the same moment (the same
idempotency key, the same return sent twice). Each place that expects one names it, so any other
integrity error (a foreign key, a check) is not mistaken for the race and passes on as the bug it is.
Names follow the metadata's naming convention (``uq_<table>_<columns>``), or are the unique index's.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

UNIQUE_VIOLATION = "23505"


def unique_violated(error: IntegrityError | BaseException) -> str | None:
    """The unique constraint (or unique index) ``error`` broke, by name; None for any other error."""
    cause = error.orig.__cause__ if isinstance(error, IntegrityError) and error.orig is not None else error
    if getattr(cause, "sqlstate", None) != UNIQUE_VIOLATION:
        return None
    return getattr(cause, "constraint_name", None)
