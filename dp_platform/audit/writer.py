"""Writing audit events, in the caller's transaction.

``record_event`` appends one event to its chain: it locks the chain's head row (so
writers to one chain queue up and numbering stays gap-free), links the new event to the
last one, and moves the head. Nothing is committed here; the event commits or rolls
back with the change it describes.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.chain import GENESIS_HASH, check_json_value, event_payload, link_hash
from dp_platform.audit.tables import AuditEventRow
from dp_platform.observability import current_request_id
from dp_platform.tenancy.policy import Actor
from ledgers.columns import utc_now

SYSTEM_ROLE = "system"

_recorded_this_request: ContextVar[list[uuid.UUID] | None] = ContextVar("audit_recorded", default=None)
_method_this_request: ContextVar[str | None] = ContextVar("audit_request_method", default=None)

_LOCK_HEAD = text(
    "INSERT INTO platform_audit_chains (chain, last_seq, last_hash) VALUES (:chain, 0, :genesis) "
    "ON CONFLICT (chain) DO UPDATE SET last_seq = platform_audit_chains.last_seq "
    "RETURNING last_seq, last_hash"
)
_MOVE_HEAD = text("UPDATE platform_audit_chains SET last_seq = :seq, last_hash = :hash WHERE chain = :chain")


def account_chain(account_id: uuid.UUID) -> str:
    return f"account:{account_id}"


def user_chain(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def organisation_chain(organisation_id: uuid.UUID) -> str:
    return f"organisation:{organisation_id}"


def begin_request_tracking(method: str) -> tuple[object, object]:
    """Start counting the events one request writes (see ``events_recorded_this_request``)."""
    return _recorded_this_request.set([]), _method_this_request.set(method)


def end_request_tracking(tokens: tuple[object, object]) -> None:
    _recorded_this_request.reset(tokens[0])  # type: ignore[arg-type]
    _method_this_request.reset(tokens[1])  # type: ignore[arg-type]


def events_recorded_this_request() -> tuple[str | None, list[uuid.UUID] | None]:
    """The request's HTTP method and the ids of the events it has written so far."""
    return _method_this_request.get(), _recorded_this_request.get()


async def record_event(
    session: AsyncSession,
    *,
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | str,
    account_id: uuid.UUID | None = None,
    chain: str | None = None,
    mandate_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEventRow:
    """Append an event; ``actor=None`` means the platform itself acted."""
    details = details or {}
    check_json_value(details)
    if chain is None:
        if account_id is None:
            raise ValueError("an audit event needs an account or an explicit chain")
        chain = account_chain(account_id)
    head = (await session.execute(_LOCK_HEAD, {"chain": chain, "genesis": GENESIS_HASH})).one()
    event = AuditEventRow(
        chain=chain,
        seq=head.last_seq + 1,
        occurred_at=occurred_at or utc_now(),
        account_id=account_id,
        actor_user_id=actor.user_id if actor else None,
        actor_role=actor.role.value if actor else SYSTEM_ROLE,
        actor_organisation_id=actor.organisation_id if actor else None,
        mandate_id=mandate_id,
        api_key_id=actor.api_key_id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=details,
        request_id=current_request_id(),
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = link_hash(event.prev_hash, event_payload(event))
    session.add(event)
    await session.flush([event])
    await session.execute(_MOVE_HEAD, {"seq": event.seq, "hash": event.hash, "chain": chain})
    recorded = _recorded_this_request.get()
    if recorded is not None:
        recorded.append(event.id)
    return event
