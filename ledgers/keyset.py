"""Keyset pages: the rows after a key, in the key's order, at most so many.

A list that grows with use (bank lines, entries, pay runs, timesheet lines, accounts of a council)
is read a page at a time. The page starts after the last row of the page before, named by its sort
key ending in the row's id, so a page does not shift when rows are added before it and reading the
next costs an index seek, not a count of everything before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Mapped

T = TypeVar("T")


SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True, slots=True)
class Keyset:
    limit: int
    after: tuple[Any, ...] | None = None
    """The sort key of the last row of the page before, id last; None for the first page."""

    def apply(
        self, query: SelectT, *key: Mapped[Any] | InstrumentedAttribute[Any], descending: bool = False
    ) -> SelectT:
        """``query`` ordered by ``key`` (all ascending or all descending, a unique column last), from
        after ``self.after``, at most ``self.limit`` rows; any order the query had is replaced."""
        if self.after is not None:
            here, then = tuple_(*key), tuple_(*self.after)
            query = query.where(here < then if descending else here > then)
        ordering = [column.desc() if descending else column for column in key]
        return query.order_by(None).order_by(*ordering).limit(self.limit)

    def slice(self, items: Sequence[T], key: Callable[[T], tuple[Any, ...]], *, descending: bool = False) -> list[T]:
        """The same page of a list already in ``key`` order, for lists computed rather than queried."""
        if self.after is not None:
            after = self.after
            items = [item for item in items if (key(item) < after if descending else key(item) > after)]
        return list(items[: self.limit])
