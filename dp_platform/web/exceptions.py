"""The council's exception queue on pages: everything the checks find across its accounts, narrowed
by what it is, whose it is and its state; one exception with its evidence and the rule it breaks,
assigned, commented on and resolved by the council's staff; the thresholds the council sets. The
person sees their own account's exceptions, read only, in the same words."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from agreements.monitoring.catalogue import CHECKS, Check
from agreements.monitoring.thresholds import LocalThreshold, Threshold, ThresholdError
from dp_platform.db.sessions import DbSession
from dp_platform.monitoring.statuses import ExceptionState
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.web.pages import (
    FormError,
    account_nav,
    form_errors,
    form_of,
    home_nav,
    parse_date,
    parse_pounds,
    parse_uuid,
    render,
    see_other,
    today,
)
from dp_platform.web.reports import default_period
from dp_platform.workflows.accounts import account_for, may
from dp_platform.workflows.exceptions import (
    QueueItem,
    account_exceptions,
    assign_exception,
    comment_on_exception,
    council_queue,
    council_staff,
    council_thresholds,
    exception_view,
    resolve_exception,
    set_council_threshold,
)
from dp_platform.workflows.portfolio import account_budget
from ledgers.errors import DomainError
from ledgers.money import Money

STATES = {"open": "Open", "cleared": "Put right, not resolved", "resolved": "Resolved", "all": "All"}


def _chosen(items: list[QueueItem], state: str, check: str, mine: bool, actor: Actor) -> list[QueueItem]:
    name = actor.display_name
    return [
        item
        for item in items
        if (state == "all" or item.status == state)
        and (not check or item.check.value == check)
        and (not mine or item.assigned_to == name)
    ]


def _check_options() -> list[tuple[str, str]]:
    return [("", "Every check"), *((check.value, info.title) for check, info in CHECKS.items())]


class ExceptionPages(Controller):
    include_in_schema = False

    @get("/exceptions")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        show: str = "open",
        check: str = "",
        mine: str = "",
    ) -> Template:
        queue = await council_queue(db_session, actor, today())
        state = show if show in STATES else "open"
        items = _chosen(queue.items, state, check, mine == "yes", actor)
        return render(
            request,
            "exceptions/queue.html",
            title="Exceptions across the council",
            actor=actor,
            nav=home_nav(actor, "exceptions"),
            items=items,
            counts={key: len(_chosen(queue.items, key, "", False, actor)) for key in STATES},
            states=STATES,
            state=state,
            check=check,
            mine=mine == "yes",
            checks=_check_options(),
            not_run=[Check(check).about.title for check in queue.not_run],
            today=today(),
        )

    @get("/accounts/{account_id:uuid}/exceptions")
    async def account(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID
    ) -> Template:
        queue = await account_exceptions(db_session, actor, account_id, today())
        access = await account_for(db_session, actor, account_id, Action.VIEW)
        return render(
            request,
            "exceptions/account.html",
            title="What the council's checks found",
            actor=actor,
            nav=account_nav(access.account, "exceptions"),
            account=access.account,
            open_items=[item for item in queue.items if item.status == ExceptionState.OPEN],
            closed_items=[item for item in queue.items if item.status != ExceptionState.OPEN],
            budget=await account_budget(db_session, actor, account_id, today()),
            report_from=default_period(today())[0],
            today=today(),
        )

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        key: str,
        errors: list[FormError] | None = None,
        status: int = 200,
        form: dict[str, Any] | None = None,
    ) -> Template:
        view = await exception_view(session, actor, account_id, key, today())
        access = await account_for(session, actor, account_id, Action.VIEW)
        acting = view.item.status != ExceptionState.RESOLVED and may(actor, access, Action.MONITOR)
        staff = await council_staff(session, access.account.authority_id) if acting else []
        return render(
            request,
            "exceptions/detail.html",
            title=view.item.title,
            actor=actor,
            nav=home_nav(actor, "exceptions")
            if actor.role in AUTHORITY_ROLES
            else account_nav(access.account, "exceptions"),
            account=access.account,
            view=view,
            item=view.item,
            acting=acting,
            staff=[("", "Nobody"), *((str(user_id), name) for user_id, name in staff)],
            base=f"/accounts/{account_id}/exceptions/{key}",
            errors=errors or [],
            form=form or {},
            status=status,
        )

    @get("/accounts/{account_id:uuid}/exceptions/{key:str}")
    async def detail(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str
    ) -> Template:
        return await self._detail(request, db_session, actor, account_id, key)

    @post("/accounts/{account_id:uuid}/exceptions/{key:str}/assign")
    async def assign(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str
    ) -> Template | Redirect:
        form = await form_of(request)
        chosen = str(form.get("user_id", "")).strip()
        try:
            case = await assign_exception(
                db_session, actor, account_id, key, parse_uuid(chosen) if chosen else None, today()
            )
        except DomainError as refused:
            errors = form_errors(refused, {"user_id": "user_id", "key": "user_id"})
            return await self._detail(request, db_session, actor, account_id, key, errors, 400, form)
        message = "Assigned." if case.assigned_to_user_id else "No longer assigned to anyone."
        return see_other(f"/accounts/{account_id}/exceptions/{key}", message)

    @post("/accounts/{account_id:uuid}/exceptions/{key:str}/comments")
    async def comment(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str
    ) -> Template | Redirect:
        form = await form_of(request)
        try:
            await comment_on_exception(db_session, actor, account_id, key, str(form.get("body", "")), today())
        except DomainError as refused:
            errors = form_errors(refused, {"body": "body", "key": "body"})
            return await self._detail(request, db_session, actor, account_id, key, errors, 400, form)
        return see_other(f"/accounts/{account_id}/exceptions/{key}", "Comment added.")

    @post("/accounts/{account_id:uuid}/exceptions/{key:str}/resolve")
    async def resolve(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str
    ) -> Template | Redirect:
        form = await form_of(request)
        try:
            await resolve_exception(db_session, actor, account_id, key, str(form.get("resolution", "")), today())
        except DomainError as refused:
            errors = form_errors(refused, {"resolution": "resolution", "key": "resolution"})
            return await self._detail(request, db_session, actor, account_id, key, errors, 400, form)
        return see_other("/exceptions", "Exception resolved. The person sees the same record.")

    async def _thresholds(
        self,
        request: Request[Any, Any, Any],
        session: DbSession,
        actor: Actor,
        errors: list[FormError] | None = None,
        status: int = 200,
        form: dict[str, Any] | None = None,
    ) -> Template:
        if actor.authority_id is None:
            raise AccessDeniedError("A council's monitoring thresholds are read by its own staff.")
        local = await council_thresholds(session, actor, actor.authority_id)
        rows = [(threshold, local.on(threshold, today()), local.versions(threshold)) for threshold in Threshold]
        return render(
            request,
            "exceptions/thresholds.html",
            title="The council's monitoring thresholds",
            actor=actor,
            nav=home_nav(actor, "thresholds"),
            rows=rows,
            names=[(threshold.value, threshold.meaning) for threshold in Threshold],
            may_set=actor.role is Role.AUTHORITY_FINANCE,
            shown=_shown,
            errors=errors or [],
            form=form or {},
            status=status,
            today=today(),
        )

    @get("/thresholds")
    async def thresholds(self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor) -> Template:
        return await self._thresholds(request, db_session, actor)

    @post("/thresholds")
    async def set_threshold(
        self, request: Request[Any, Any, Any], db_session: DbSession, actor: Actor
    ) -> Template | Redirect:
        form = await form_of(request)
        if actor.authority_id is None:
            raise AccessDeniedError("Only the council's own finance staff set its monitoring thresholds.")
        errors: list[FormError] = []
        try:
            name = Threshold(str(form.get("name", "")))
        except ValueError:
            name = None
            errors.append(FormError("name", "Choose the threshold to set."))
        effective_from, bad_date = parse_date(form.get("effective_from"), "effective_from", "the day it applies from")
        if bad_date:
            errors.append(bad_date)
        value = _value_of(name, str(form.get("value", "")).strip(), errors)
        if errors or name is None or effective_from is None or value is None:
            return await self._thresholds(request, db_session, actor, errors, 400, form)
        threshold = LocalThreshold(
            name, value, effective_from, str(form.get("source_title", "")), str(form.get("source_url", "")) or None
        )
        try:
            await set_council_threshold(db_session, actor, actor.authority_id, threshold)
        except ThresholdError as refused:
            return await self._thresholds(request, db_session, actor, form_errors(refused), 400, form)
        return see_other(
            "/thresholds", f"{name.meaning}: {_shown(threshold)} from {effective_from.day} {effective_from:%B %Y}."
        )


def _value_of(name: Threshold | None, text: str, errors: list[FormError]) -> int | None:
    """Pounds for an amount of money (£250 or 250.00), a whole number otherwise."""
    if name is not None and name.unit == "pence":
        pence, error = parse_pounds(text, "value", "the amount")
        errors += [error] if error else []
        return pence
    if not text:
        errors.append(FormError("value", "Enter the value."))
        return None
    try:
        return int(text)
    except ValueError:
        errors.append(FormError("value", "The value is a whole number."))
        return None


def _shown(threshold: LocalThreshold) -> str:
    if threshold.name.unit == "pence":
        return str(Money(threshold.value))
    if threshold.name.unit == "percent":
        return f"{threshold.value}%"
    return f"{threshold.value} {threshold.name.unit}"
