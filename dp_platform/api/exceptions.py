"""The council's exception queue and thresholds; an account's exceptions for anyone who may view it."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body

from agreements.monitoring.thresholds import LocalThreshold, Threshold, threshold_named
from dp_platform.api.schemas.exceptions import (
    AssignIn,
    CommentIn,
    CommentOut,
    EvidenceOut,
    ExceptionDetailOut,
    ExceptionOut,
    ExceptionQueueOut,
    ResolveIn,
    SourceOut,
    ThresholdIn,
    ThresholdOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.councils import council_exceptions
from dp_platform.workflows.exceptions import (
    STATUSES,
    ExceptionError,
    Queue,
    QueueItem,
    account_exceptions,
    assign_exception,
    comment_on_exception,
    council_thresholds,
    exception_view,
    resolve_exception,
    set_council_threshold,
)


def threshold_out(threshold: LocalThreshold) -> ThresholdOut:
    return ThresholdOut(
        name=threshold.name.value,
        meaning=threshold.name.meaning,
        unit=threshold.name.unit,
        value=threshold.value,
        effective_from=threshold.effective_from,
        source_title=threshold.source_title,
        source_url=threshold.source_url,
    )


def _fields(item: QueueItem) -> dict[str, object]:
    finding = item.finding
    return {
        "account_id": item.account.id,
        "reference": item.account.reference,
        "holder_name": item.account.holder_name,
        "key": item.key,
        "check": item.check.value,
        "title": item.title,
        "rule": item.check.about.rule,
        "sentence": item.sentence,
        "found_on": item.found_on,
        "status": item.status,
        "amount_pence": finding.amount_pence if finding else None,
        "evidence": [EvidenceOut(label=label, value=value) for label, value in finding.evidence] if finding else [],
        "facts": dict(finding.facts) if finding else {},
        "sources": [SourceOut(title=title, url=url) for title, url in item.check.about.sources],
        "threshold": threshold_out(finding.threshold) if finding and finding.threshold else None,
        "assigned_to": item.assigned_to,
        "comments": item.comments,
        "resolution": item.case.resolution if item.case else None,
        "resolved_at": item.case.resolved_at if item.case else None,
    }


def _queue_out(queue: Queue, status: str, check: str | None) -> ExceptionQueueOut:
    if status not in STATUSES:
        raise ExceptionError(f"status is one of {', '.join(STATUSES)}", field="status")
    items = [
        ExceptionOut(**_fields(item))  # type: ignore[arg-type]
        for item in queue.items
        if (status == "all" or item.status == status) and (check is None or item.check.value == check)
    ]
    return ExceptionQueueOut(items=items, not_run=[check.value for check in queue.not_run])


async def _detail(db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str) -> ExceptionDetailOut:
    view = await exception_view(db_session, actor, account_id, key, today())
    return ExceptionDetailOut(
        **_fields(view.item),  # type: ignore[arg-type]
        comment_list=[CommentOut(author=c.author, body=c.body, at=c.at) for c in view.comments],
        resolved_by=view.resolved_by,
    )


class CouncilExceptionController(Controller):
    path = "/api/authorities/{authority_id:uuid}"
    tags = ["Monitoring"]

    @get("/exceptions", operation_id="ListCouncilExceptions")
    async def queue(
        self,
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        status: str = "open",
        check: str | None = None,
    ) -> ExceptionQueueOut:
        """Every exception the checks find across the council's accounts, each with its evidence, the
        rule it breaks and what staff have done about it. Only the council's own staff."""
        return _queue_out(await council_exceptions(db_session, actor, authority_id, today()), status, check)

    @get("/thresholds", operation_id="ListMonitoringThresholds")
    async def thresholds(self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID) -> list[ThresholdOut]:
        """Every dated version of every threshold the council has set, with its source."""
        local = await council_thresholds(db_session, actor, authority_id)
        return [threshold_out(version) for name in Threshold for version in local.versions(name)]

    @post("/thresholds", operation_id="SetMonitoringThreshold", status_code=201)
    async def set_threshold(
        self, db_session: DbSession, actor: Actor, authority_id: uuid.UUID, data: Annotated[ThresholdIn, Body()]
    ) -> ThresholdOut:
        """A new value of a threshold from a day, with the council policy it comes from."""
        threshold = LocalThreshold(
            threshold_named(data.name), data.value, data.effective_from, data.source_title, data.source_url
        )
        await set_council_threshold(db_session, actor, authority_id, threshold)
        return threshold_out(threshold)


class AccountExceptionController(Controller):
    path = "/api/accounts/{account_id:uuid}/exceptions"
    tags = ["Monitoring"]

    @get("", operation_id="ListAccountExceptions")
    async def list(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, status: str = "open"
    ) -> ExceptionQueueOut:
        """The account's exceptions: the person and the council read the same."""
        return _queue_out(await account_exceptions(db_session, actor, account_id, today()), status, None)

    @get("/{key:str}", operation_id="GetException")
    async def show(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str) -> ExceptionDetailOut:
        """One exception with its evidence, the rule, the comments and who resolved it."""
        return await _detail(db_session, actor, account_id, key)

    @post("/{key:str}/assign", operation_id="AssignException", status_code=200)
    async def assign(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, key: str, data: Annotated[AssignIn, Body()]
    ) -> ExceptionDetailOut:
        await assign_exception(db_session, actor, account_id, key, data.user_id, today())
        return await _detail(db_session, actor, account_id, key)

    @post("/{key:str}/comments", operation_id="CommentOnException", status_code=201)
    async def comment(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        key: str,
        data: Annotated[CommentIn, Body()],
    ) -> ExceptionDetailOut:
        await comment_on_exception(db_session, actor, account_id, key, data.body, today())
        return await _detail(db_session, actor, account_id, key)

    @post("/{key:str}/resolve", operation_id="ResolveException", status_code=200)
    async def resolve(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        key: str,
        data: Annotated[ResolveIn, Body()],
    ) -> ExceptionDetailOut:
        await resolve_exception(db_session, actor, account_id, key, data.resolution, today())
        return await _detail(db_session, actor, account_id, key)
