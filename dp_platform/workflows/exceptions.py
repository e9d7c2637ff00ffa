"""The council's exception queue: the findings of the monitoring checks across all its accounts,
with what its staff did about each (assigned to someone, comments, resolved with a reason).

Who may do what (README, "Who can do what"): the council's finance and social work staff both see
the queue and may assign, comment on and resolve an exception; the person and anyone acting for
them see the exceptions of their own account, read only. A resolved exception stays resolved for
the thing it was about (that payment, that PA's expiry date, that month); the same condition in
a new month, or about another payment, is a new exception.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from agreements.monitoring.catalogue import Check
from agreements.monitoring.checks import checks_not_run
from agreements.monitoring.facts import Finding
from agreements.monitoring.service import authority_thresholds, set_threshold
from agreements.monitoring.tables import MonitoringThresholdRow
from agreements.monitoring.thresholds import LocalThreshold, LocalThresholds
from dp_platform.audit.writer import authority_chain, record_account_event, record_event
from dp_platform.monitoring.statuses import CaseStatus, ExceptionState
from dp_platform.monitoring.tables import ExceptionCaseRow, ExceptionCommentRow
from dp_platform.tenancy.access import AccountAccess, authorize, list_accounts
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.tenancy.tables import DpAccountRow, UserRow
from dp_platform.workflows.monitoring import AccountCheck, check_accounts, collector
from dp_platform.workflows.spending import decide_account_review
from ledgers.categories.statuses import ReviewStatus
from ledgers.columns import among, utc_now
from ledgers.errors import DomainError

STATUSES = ("open", "resolved", "all")


class ExceptionError(DomainError):
    title = "Exception not found or not open"


class ExceptionNotFoundError(ExceptionError):
    category = "not_found"
    title = "No such exception"


class ExceptionStateError(ExceptionError):
    category = "conflict"
    title = "Exception already resolved"


@dataclass(frozen=True, slots=True)
class QueueItem:
    account: DpAccountRow
    key: str
    check: Check
    sentence: str
    found_on: date
    finding: Finding | None
    """``None`` when the records no longer show it (it was resolved, and then put right)."""
    case: ExceptionCaseRow | None
    assigned_to: str | None
    comments: int

    @property
    def status(self) -> str:
        if self.case is not None and self.case.status == CaseStatus.RESOLVED:
            return ExceptionState.RESOLVED
        return ExceptionState.OPEN if self.finding is not None else ExceptionState.CLEARED

    @property
    def title(self) -> str:
        return self.check.about.title


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[QueueItem]
    checks: list[AccountCheck]
    not_run: list[Check]


async def _names(session: AsyncSession, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(col(UserRow.id), col(UserRow.display_name)).where(col(UserRow.id).in_(user_ids))
    )
    return dict(rows.all())


async def _cases(session: AsyncSession, account_ids: list[uuid.UUID]) -> list[ExceptionCaseRow]:
    return list(
        await session.scalars(select(ExceptionCaseRow).where(among(col(ExceptionCaseRow.account_id), account_ids)))
    )


async def _comment_counts(session: AsyncSession, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not case_ids:
        return {}
    rows = await session.execute(
        select(col(ExceptionCommentRow.case_id), func.count())
        .where(col(ExceptionCommentRow.case_id).in_(case_ids))
        .group_by(col(ExceptionCommentRow.case_id))
    )
    return {case_id: int(count) for case_id, count in rows.all()}


def _open_on(account: DpAccountRow, today: date) -> bool:
    return account.closed_on is None or account.closed_on > today


async def _queue(
    session: AsyncSession, accounts: list[DpAccountRow], today: date, *, whole_council: bool = False
) -> Queue:
    checks = await check_accounts(session, accounts, today, concurrently=whole_council)
    cases = await _cases(session, [account.id for account in accounts])
    by_key = {(case.account_id, case.key): case for case in cases}
    names = await _names(session, {case.assigned_to_user_id for case in cases if case.assigned_to_user_id})
    comments = await _comment_counts(session, [case.id for case in cases])
    items: list[QueueItem] = []
    seen: set[tuple[uuid.UUID, str]] = set()
    for check in checks:
        if not _open_on(check.account, today):
            continue  # a closed account's records are kept, not checked
        for finding in check.findings:
            case = by_key.get((check.account.id, finding.key))
            seen.add((check.account.id, finding.key))
            items.append(
                QueueItem(
                    check.account,
                    finding.key,
                    finding.check,
                    finding.sentence,
                    finding.found_on,
                    finding,
                    case,
                    names.get(case.assigned_to_user_id) if case and case.assigned_to_user_id else None,
                    comments.get(case.id, 0) if case else 0,
                )
            )
    accounts_by_id = {account.id: account for account in accounts}
    for case in cases:
        if (case.account_id, case.key) in seen:
            continue
        items.append(
            QueueItem(
                accounts_by_id[case.account_id],
                case.key,
                Check(case.check_name),
                case.sentence,
                case.found_on,
                None,
                case,
                names.get(case.assigned_to_user_id) if case.assigned_to_user_id else None,
                comments.get(case.id, 0),
            )
        )
    items.sort(key=lambda item: (item.found_on, item.account.reference, item.key))
    not_run = sorted({check for account_check in checks for check in checks_not_run(account_check.thresholds, today)})
    return Queue(items, checks, not_run)


def _council_actor(actor: Actor) -> None:
    if actor.role not in AUTHORITY_ROLES:
        raise AccessDeniedError("The council's portfolio and exceptions are for its finance and social work staff.")


async def council_queue(session: AsyncSession, actor: Actor, today: date) -> Queue:
    """Every exception of the actor's own council, open, cleared and resolved."""
    _council_actor(actor)
    with collector.paused():
        return await _queue(session, await list_accounts(session, actor), today, whole_council=True)


async def account_exceptions(session: AsyncSession, actor: Actor, account_id: uuid.UUID, today: date) -> Queue:
    """The exceptions of one account, for anyone who may view it: the same record both sides read."""
    access = await authorize(session, actor, account_id, Action.VIEW)
    return await _queue(session, [access.account], today)


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ExceptionView:
    item: QueueItem
    comments: list[Comment]
    resolved_by: str | None
    may_act: bool


async def _item(session: AsyncSession, access: AccountAccess, key: str, today: date) -> QueueItem:
    queue = await _queue(session, [access.account], today)
    for item in queue.items:
        if item.key == key:
            return item
    raise ExceptionNotFoundError(f"There is no exception {key!r} on this account.", field="key")


async def exception_view(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, key: str, today: date
) -> ExceptionView:
    access = await authorize(session, actor, account_id, Action.VIEW)
    item = await _item(session, access, key, today)
    comments: list[Comment] = []
    resolved_by = None
    if item.case is not None:
        rows = await session.execute(
            select(ExceptionCommentRow, col(UserRow.display_name))
            .join(UserRow, col(UserRow.id) == col(ExceptionCommentRow.user_id))
            .where(col(ExceptionCommentRow.case_id) == item.case.id)
            .order_by(col(ExceptionCommentRow.created_at))
        )
        comments = [Comment(name, row.body, row.created_at) for row, name in rows.all()]
        if item.case.resolved_by_user_id:
            resolved_by = (await _names(session, {item.case.resolved_by_user_id})).get(item.case.resolved_by_user_id)
    may_act = actor.role in AUTHORITY_ROLES
    return ExceptionView(item, comments, resolved_by, may_act)


async def _open_case(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, key: str, today: date
) -> tuple[AccountAccess, QueueItem, ExceptionCaseRow]:
    """The exception's case, opened the first time anyone acts on it; only a finding the records show now."""
    access = await authorize(session, actor, account_id, Action.MONITOR)
    item = await _item(session, access, key, today)
    if item.status == ExceptionState.RESOLVED:
        raise ExceptionStateError("This exception has been resolved already.", field="key")
    case = await session.scalar(
        select(ExceptionCaseRow)
        .where(col(ExceptionCaseRow.account_id) == account_id, col(ExceptionCaseRow.key) == key)
        .with_for_update()
    )
    if case is None:
        if item.finding is None:
            raise ExceptionNotFoundError("The records no longer show this exception.", field="key")
        case = ExceptionCaseRow(
            authority_id=access.account.authority_id,
            account_id=account_id,
            check_name=item.check.value,
            key=key,
            sentence=item.sentence,
            found_on=item.found_on,
        )
        session.add(case)
        await session.flush()
    return access, item, case


def _details(item: QueueItem, **more: object) -> dict[str, object]:
    return {"key": item.key, "check": item.check.value, "sentence": item.sentence, **more}


async def assign_exception(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, key: str, user_id: uuid.UUID | None, today: date
) -> ExceptionCaseRow:
    access, item, case = await _open_case(session, actor, account_id, key, today)
    name = None
    if user_id is not None:
        user = await session.get(UserRow, user_id)
        if (
            user is None
            or not user.is_active
            or user.authority_id != access.account.authority_id
            or Role(user.role) not in AUTHORITY_ROLES
        ):
            raise ExceptionError("An exception is assigned to someone on the council's own staff.", field="user_id")
        name = user.display_name
    case.assigned_to_user_id = user_id
    session.add(case)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="exception.assigned",
        subject_type="exception",
        subject_id=case.id,
        details=_details(item, assigned_to=name),
    )
    return case


async def comment_on_exception(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, key: str, body: str, today: date
) -> ExceptionCommentRow:
    if not body.strip():
        raise ExceptionError("Write the comment.", field="body")
    access, item, case = await _open_case(session, actor, account_id, key, today)
    if actor.user_id is None:
        raise AccessDeniedError("Comments are written by people, not by API keys.")
    comment = ExceptionCommentRow(case_id=case.id, user_id=actor.user_id, body=body.strip())
    session.add(comment)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="exception.commented",
        subject_type="exception",
        subject_id=case.id,
        details=_details(item, comment=comment.body),
    )
    return comment


async def resolve_exception(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, key: str, resolution: str, today: date
) -> ExceptionCaseRow:
    """Close an exception with what was found and done. A spend the rules did not allow is resolved in
    the spend reviews too, with the same words, so the person's own page says the same."""
    if not resolution.strip():
        raise ExceptionError(
            "Say what was found and what was done, in words the person can understand.", field="resolution"
        )
    access, item, case = await _open_case(session, actor, account_id, key, today)
    if item.check in (Check.PROHIBITED_SPEND, Check.SPEND_OUTSIDE_PLAN) and item.finding is not None:
        review_id = uuid.UUID(str(item.finding.facts["review_id"]))
        await decide_account_review(
            session,
            actor,
            account_id,
            review_id,
            outcome=ReviewStatus.RESOLVED,
            reason=resolution,
            action=Action.MONITOR,
        )
    case.status, case.resolution = CaseStatus.RESOLVED, resolution.strip()
    case.resolved_by_user_id, case.resolved_at = actor.user_id, utc_now()
    session.add(case)
    await session.flush()
    await record_account_event(
        session,
        access,
        actor=actor,
        action="exception.resolved",
        subject_type="exception",
        subject_id=case.id,
        details=_details(item, resolution=case.resolution),
    )
    return case


async def council_thresholds(session: AsyncSession, actor: Actor, authority_id: uuid.UUID) -> LocalThresholds:
    if actor.role not in AUTHORITY_ROLES or actor.authority_id != authority_id:
        raise AccessDeniedError("A council's monitoring thresholds are read by its own staff.")
    return await authority_thresholds(session, authority_id)


async def set_council_threshold(
    session: AsyncSession, actor: Actor, authority_id: uuid.UUID, threshold: LocalThreshold
) -> MonitoringThresholdRow:
    """A new dated value of one of the council's thresholds: its finance staff run financial
    monitoring, so they set them, each with the policy it comes from."""
    if actor.role is not Role.AUTHORITY_FINANCE or actor.authority_id != authority_id:
        raise AccessDeniedError("Only the council's own finance staff set its monitoring thresholds.")
    row = await set_threshold(session, authority_id, threshold, actor.user_id)
    await record_event(
        session,
        actor=actor,
        action="threshold.set",
        subject_type="monitoring_threshold",
        subject_id=row.id,
        chain=authority_chain(authority_id),
        details={
            "name": row.name,
            "value": row.value,
            "effective_from": row.effective_from.isoformat(),
            "source_title": row.source_title,
            "source_url": row.source_url,
        },
    )
    return row


async def council_staff(session: AsyncSession, authority_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The people an exception can be assigned to: the council's own active staff, by name."""
    rows = await session.execute(
        select(col(UserRow.id), col(UserRow.display_name))
        .where(
            col(UserRow.authority_id) == authority_id,
            col(UserRow.is_active).is_(True),
            col(UserRow.role).in_([role.value for role in AUTHORITY_ROLES]),
        )
        .order_by(col(UserRow.display_name))
    )
    return [(user_id, name) for user_id, name in rows.all()]
