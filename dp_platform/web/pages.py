"""What every page handler shares: rendering with the signed-in person and the account's menu,
reading a form, turning a refusal into an error summary, and post/redirect/get with a message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.policy import today as today  # pages read the day from here
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.workflows.records import DpAccountRow
from ledgers.errors import DomainError
from ledgers.money import Money

FLASH_COOKIE = "dp_flash"
ACCESS_CATEGORIES = frozenset({"unauthenticated", "forbidden", "not_found"})


@dataclass(frozen=True, slots=True)
class NavItem:
    text: str
    href: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class Nav:
    label: str
    items: tuple[NavItem, ...]


@dataclass(frozen=True, slots=True)
class FormError:
    """One problem with a form: the field it belongs to (its input's id) and a sentence."""

    field: str | None
    text: str


ACCOUNT_SECTIONS = (
    ("overview", "Overview", ""),
    ("statements", "Bank statements", "/statements"),
    ("pas", "Personal assistants", "/pas"),
    ("pay-runs", "Pay runs", "/pay-runs"),
    ("agreement", "Agreement", "/agreement"),
    ("spend-rules", "What it may pay for", "/spend-rules"),
    ("reviews", "Spend reviews", "/reviews"),
    ("cards", "Card", "/cards"),
    ("exceptions", "Council checks", "/exceptions"),
    ("monitoring", "Reviews and returns", "/monitoring"),
    ("audit", "Audit trail", "/audit"),
    ("mandates", "Who can act", "/mandates"),
    ("people", "Who can sign in", "/people"),
)


def account_nav(account: DpAccountRow, current: str) -> Nav:
    base = f"/accounts/{account.id}"
    return Nav(
        label=f"{account.holder_name}'s Direct Payment",
        items=tuple(NavItem(text, base + suffix, key == current) for key, text, suffix in ACCOUNT_SECTIONS),
    )


def home_nav(actor: Actor, current: str) -> Nav | None:
    if actor.role is Role.BUREAU_STAFF:
        items = (
            NavItem("Clients", "/clients", current == "clients"),
            NavItem("Pay runs for all clients", "/clients/pay-runs", current == "bureau-runs"),
            NavItem("Upload statements", "/clients/statements", current == "bureau-statements"),
            NavItem("Returns to send", "/clients/returns", current == "bureau-returns"),
            NavItem("Client accounts", "/client-accounts", current == "client-accounts"),
        )
        return Nav(label="Bureau", items=items)
    if actor.role in AUTHORITY_ROLES:
        items = (
            NavItem("Portfolio", "/portfolio", current == "portfolio"),
            NavItem("Exceptions", "/exceptions", current == "exceptions"),
            NavItem("Reviews due", "/due", current == "due"),
            NavItem("Thresholds", "/thresholds", current == "thresholds"),
            NavItem("Reports", "/reports", current == "reports"),
            NavItem("All accounts", "/accounts", current == "clients"),
        )
        return Nav(label="Council", items=items)
    return None


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    title: str,
    actor: Actor | None,
    nav: Nav | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A page; a message left by the previous form's redirect is shown once, then forgotten."""
    flash = request.cookies.get(FLASH_COOKIE)
    cookies = [Cookie(key=FLASH_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")] if flash else []
    return Template(
        template_name=template,
        context={"title": title, "actor": actor, "nav": nav, "flash": unquote(flash) if flash else None, **context},
        status_code=status,
        cookies=cookies,
        headers=headers,
    )


def see_other(path: str, message: str | None = None) -> Redirect:
    """After a form: go to the page that shows the result (POST/redirect/GET), with a message for it."""
    cookies = (
        [Cookie(key=FLASH_COOKIE, value=quote(message), path="/", httponly=True, samesite="lax", max_age=60)]
        if message
        else []
    )
    return Redirect(path, status_code=303, cookies=cookies)


async def form_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    return {key: value for key, value in form.items()}


def form_errors(error: DomainError, fields: dict[str, str] | None = None) -> list[FormError]:
    """The refusal as an error summary; ``fields`` maps the workflow's field names to the form's inputs.

    A refusal of access (not signed in, not allowed, not found) is no problem with the form: it is
    raised again, to be answered as the page's error like any other request.
    """
    if error.category in ACCESS_CATEGORIES:
        raise error
    names = fields or {}
    problems = getattr(error, "problems", None)
    if problems:
        return [
            FormError(names.get(str(problem.get("field")), problem.get("field")), str(problem.get("detail", problem)))
            if isinstance(problem, dict)
            else FormError(None, str(problem))
            for problem in problems
        ]
    return [FormError(names.get(error.field or "", error.field), error.detail)]


def parse_date(value: str | None, field: str, label: str) -> tuple[date | None, FormError | None]:
    """A date typed as 2026-05-04 (the browser's date input) or 4/5/2026."""
    text = (value or "").strip()
    if not text:
        return None, FormError(field, f"Enter {label}.")
    for parse in (date.fromisoformat, lambda raw: datetime.strptime(raw, "%d/%m/%Y").date()):  # noqa: DTZ007
        try:
            return parse(text), None
        except ValueError:
            continue
    return None, FormError(field, f"{label[0].upper()}{label[1:]} must be a real date, like 4 May 2026 as 2026-05-04.")


def parse_pounds(
    value: str | None, field: str, label: str, *, blank: int | None = None
) -> tuple[int | None, FormError | None]:
    """Pence from an amount typed in pounds (1,250.00, £1250 or 1250); ``blank`` is what an empty box
    means (None: it must be filled)."""
    text = (value or "").strip()
    if not text:
        return (blank, None) if blank is not None else (None, FormError(field, f"Enter {label}."))
    try:
        return Money.parse(text.removeprefix("£")).pence, None
    except ValueError:
        return None, FormError(field, f"Enter {label} in pounds, like 1,250.00.")


def parse_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
