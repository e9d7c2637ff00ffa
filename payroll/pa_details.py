"""A PA's details that change over time, each change kept with the date it takes effect.

HMRC sends a new tax code from a date (a P6 or P9 notice), an NI category changes at a birthday, a
PA moves bank: each is recorded from its date with what it replaced, never edited. The PA's row
holds the latest values; a pay run paid on an earlier date undoes the changes dated after it, so
a run drafted today for last month uses last month's code. Changes to one detail are recorded in
date order: one dated before the latest change of that detail is refused, as it would rewrite it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from payroll.errors import PayrollError
from payroll.tables import PaDetailChangeRow, PersonalAssistantRow
from payroll.tax_codes import parse_tax_code

NI_CATEGORIES = ("A", "B", "C", "H", "J", "M", "V", "Z", "X")
NI_NUMBER_PATTERN = r"^(?:QQ|[A-CEGHJ-PR-TW-Z]{2})\d{6}[A-D]$"
_NI_NUMBER = re.compile(NI_NUMBER_PATTERN)
"""HMRC's format (https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110): no
D, F, I, Q, U or V in the prefix, except QQ, which HMRC uses in its examples and never issues (so
fictional people, like the demo's, have it)."""


def _tax_code(value: str) -> str:
    code = value.strip().upper().replace(" ", "")
    parse_tax_code(code)  # refuses a code HMRC would not issue, naming it
    return code


def _flag(value: str) -> str:
    if value.lower() not in {"true", "false"}:
        raise PayrollError("Say true or false: is the code on a week 1 or month 1 basis?", field="week1_month1")
    return value.lower()


def _pattern(pattern: re.Pattern[str], field: str, says: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        cleaned = value.replace(" ", "").replace("-", "").upper()
        if not pattern.match(cleaned):
            raise PayrollError(f"'{value}' is not {says}.", field=field)
        return cleaned

    return check


def _category(value: str) -> str:
    if value.upper() not in NI_CATEGORIES:
        raise PayrollError(f"'{value}' is not an NI category letter ({', '.join(NI_CATEGORIES)}).", field="ni_category")
    return value.upper()


def _day(field: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise PayrollError(f"'{value}' is not a date.", field=field) from None

    return check


DETAILS: dict[str, Callable[[str], str]] = {
    "tax_code": _tax_code,
    "week1_month1": _flag,
    "ni_category": _category,
    "ni_number": _pattern(_NI_NUMBER, "ni_number", "a National Insurance number like QQ123456C"),
    "bank_sort_code": _pattern(re.compile(r"^\d{6}$"), "bank_sort_code", "a sort code of six digits"),
    "bank_account_number": _pattern(re.compile(r"^\d{8}$"), "bank_account_number", "an account number of 8 digits"),
    "pvg_checked_on": _day("pvg_checked_on"),
    "pvg_expires_on": _day("pvg_expires_on"),
    "right_to_work_checked_on": _day("right_to_work_checked_on"),
    "right_to_work_expires_on": _day("right_to_work_expires_on"),
}
"""Each detail kept with history, and how a value given for it is checked and written."""


def stored(pa: PersonalAssistantRow, field: str) -> str | None:
    """A detail as text, the way the history holds it."""
    value = getattr(pa, field)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def masked(field: str, value: str | None) -> str | None:
    """Bank details as a page or the API shows them to whoever may view the account: the last digits."""
    if value is None or not field.startswith("bank_"):
        return value
    return "*" * (len(value) - 2) + value[-2:] if field == "bank_sort_code" else "*" * (len(value) - 4) + value[-4:]


def _typed(field: str, value: str | None) -> object:
    if value is None:
        return None
    if field == "week1_month1":
        return value == "true"
    if field.endswith("_on"):
        return date.fromisoformat(value)
    return value


@dataclass(frozen=True, slots=True)
class Details:
    tax_code: str
    week1_month1: bool
    ni_category: str


def details_on(pa: PersonalAssistantRow, changes: Iterable[PaDetailChangeRow], on: date) -> Details:
    """The payroll details as they stood on ``on``: the PA's latest, with each change dated after it undone."""
    values = {field: stored(pa, field) for field in ("tax_code", "week1_month1", "ni_category")}
    for change in sorted(changes, key=lambda row: (row.effective_from, row.created_at), reverse=True):
        if change.effective_from > on and change.field in values:
            values[change.field] = change.old_value
    return Details(
        tax_code=values["tax_code"] or pa.tax_code,
        week1_month1=values["week1_month1"] == "true",
        ni_category=values["ni_category"] or pa.ni_category,
    )


async def changes_of(session: AsyncSession, pa_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[PaDetailChangeRow]]:
    rows = await session.scalars(
        select(PaDetailChangeRow)
        .where(col(PaDetailChangeRow.pa_id).in_(pa_ids))
        .order_by(col(PaDetailChangeRow.effective_from), col(PaDetailChangeRow.created_at))
    )
    found: dict[uuid.UUID, list[PaDetailChangeRow]] = {}
    for row in rows:
        found.setdefault(row.pa_id, []).append(row)
    return found


async def change_details(
    session: AsyncSession,
    pa: PersonalAssistantRow,
    values: Mapping[str, str | None],
    *,
    effective_from: date,
    reason: str,
    user_id: uuid.UUID | None,
    at: datetime,
) -> list[PaDetailChangeRow]:
    """Record each detail that differs from the PA's latest; returns the changes (none if nothing differs)."""
    if not reason.strip():
        raise PayrollError("Say why it changed (for example: HMRC coding notice of 2 May 2026).", field="reason")
    if effective_from < pa.started_on:
        raise PayrollError(
            f"{pa.full_name} started on {pa.started_on.day} {pa.started_on:%B %Y}.", field="effective_from"
        )
    unknown = sorted(set(values) - DETAILS.keys())
    if unknown:
        raise PayrollError(f"'{unknown[0]}' is not a detail kept with history.", field=unknown[0])
    latest = {row.field: row.effective_from for row in (await changes_of(session, [pa.id])).get(pa.id, [])}
    changes = []
    for field, given in values.items():
        if given is not None and given == stored(pa, field):
            continue  # the form shows the current value; sending it back unchanged changes nothing
        new = DETAILS[field](given) if given not in (None, "") else None
        if field in {"tax_code", "week1_month1", "ni_category"} and new is None:
            raise PayrollError("A PA always has a tax code, a basis and an NI category.", field=field)
        old = stored(pa, field)
        if new == old:
            continue
        if field in latest and effective_from < latest[field]:
            since = f"{latest[field].day} {latest[field]:%B %Y}"
            raise PayrollError(
                f"The {field.replace('_', ' ')} last changed from {since}; record changes in date order.",
                field="effective_from",
            )
        changes.append(
            PaDetailChangeRow(
                pa_id=pa.id,
                field=field,
                old_value=old,
                new_value=new,
                effective_from=effective_from,
                reason=reason.strip()[:300],
                recorded_by_user_id=user_id,
                created_at=at,
            )
        )
        setattr(pa, field, _typed(field, new))
    session.add_all(changes)
    session.add(pa)
    await session.flush()
    return changes
