"""Writing audit events, in the caller's transaction.

``record_event`` appends one event to its chain: it locks the chain's head row (so
writers to one chain queue up and numbering stays gap-free), links the new event to the
last one, and moves the head; ``append_events`` does the same for many chains at once.
Nothing is committed here; the event commits or rolls back with the change it describes.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.chain import GENESIS_HASH, check_json_value, event_payload, link_hash
from dp_platform.audit.tables import AuditEventRow
from dp_platform.observability import current_request_id
from dp_platform.tenancy.access import AccountAccess
from dp_platform.tenancy.policy import Actor
from ledgers.columns import utc_now
from ledgers.ids import new_id

SYSTEM_ROLE = "system"


@dataclass
class RequestAudit:
    """What one HTTP request has written to the audit trail (see ``dp_platform.audit.enforcement``)."""

    method: str
    event_ids: list[uuid.UUID] = field(default_factory=list)
    unchanged: bool = False
    """Set by ``note_unchanged``: the request succeeded but changed nothing (an idempotent replay)."""


_this_request: ContextVar[RequestAudit | None] = ContextVar("audit_request", default=None)

_LOCK_HEADS = text(
    "INSERT INTO platform_audit_chains (chain, last_seq, last_hash) "
    "SELECT chain, 0, :genesis FROM unnest(CAST(:chains AS text[])) WITH ORDINALITY AS given(chain, n) ORDER BY n "
    "ON CONFLICT (chain) DO UPDATE SET last_seq = platform_audit_chains.last_seq "
    "RETURNING chain, last_seq, last_hash"
)
_MOVE_HEADS = text(
    "UPDATE platform_audit_chains AS head SET last_seq = moved.seq, last_hash = moved.hash "
    "FROM unnest(CAST(:chains AS text[]), CAST(:seqs AS bigint[]), CAST(:hashes AS text[])) AS moved(chain, seq, hash) "
    "WHERE head.chain = moved.chain"
)


def account_chain(account_id: uuid.UUID) -> str:
    return f"account:{account_id}"


def user_chain(user_id: uuid.UUID) -> str:
    return f"user:{user_id}"


def organisation_chain(organisation_id: uuid.UUID) -> str:
    return f"organisation:{organisation_id}"


def authority_chain(authority_id: uuid.UUID) -> str:
    return f"authority:{authority_id}"


def begin_request_tracking(method: str) -> Token[RequestAudit | None]:
    return _this_request.set(RequestAudit(method=method))


def end_request_tracking(token: Token[RequestAudit | None]) -> None:
    _this_request.reset(token)


def request_audit() -> RequestAudit | None:
    return _this_request.get()


def note_unchanged() -> None:
    """Say that this successful request changed nothing, so it rightly wrote no audit event."""
    tracked = _this_request.get()
    if tracked is not None:
        tracked.unchanged = True


async def record_account_event(
    session: AsyncSession,
    access: AccountAccess,
    *,
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | str,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> uuid.UUID:
    """An event in the chain of the account ``access`` was granted on, with the mandate that granted it."""
    return await record_event(
        session,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        account_id=access.account.id,
        mandate_id=access.mandate_id,
        details=details,
        occurred_at=occurred_at,
    )


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
) -> uuid.UUID:
    """Append an event; ``actor=None`` means the platform itself acted."""
    [event] = await record_events(
        session,
        actor=actor,
        events=[(action, subject_type, subject_id, details or {})],
        account_id=account_id,
        chain=chain,
        mandate_id=mandate_id,
        occurred_at=occurred_at,
    )
    return event


async def record_events(
    session: AsyncSession,
    *,
    actor: Actor | None,
    events: list[tuple[str, str, uuid.UUID | str, dict[str, Any]]],
    account_id: uuid.UUID | None = None,
    chain: str | None = None,
    mandate_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> list[uuid.UUID]:
    """Append several events by one actor to one chain, in order, taking the chain's head once:
    ``(action, subject_type, subject_id, details)`` each (an import that opens many reviews)."""
    if chain is None:
        if account_id is None:
            raise ValueError("an audit event needs an account or an explicit chain")
        chain = account_chain(account_id)
    return await append_events(
        session,
        actor=actor,
        events=[
            PendingEvent(chain, account_id, mandate_id, action, subject_type, subject_id, details)
            for action, subject_type, subject_id, details in events
        ],
        occurred_at=occurred_at,
    )


@dataclass(frozen=True, slots=True)
class PendingEvent:
    chain: str
    account_id: uuid.UUID | None
    mandate_id: uuid.UUID | None
    action: str
    subject_type: str
    subject_id: uuid.UUID | str
    details: dict[str, Any]


async def append_events(
    session: AsyncSession, *, actor: Actor | None, events: list[PendingEvent], occurred_at: datetime | None = None
) -> list[uuid.UUID]:
    """Append events by one actor to any number of chains in three statements, whatever their number (a
    bureau's run writes two events in each of hundreds of employers' chains): every head is taken at once,
    in chain order so two writers never wait on each other crosswise, and each chain gets its events in the
    order given."""
    if not events:
        return []
    for event in events:
        check_json_value(event.details)
    chains = sorted({event.chain for event in events})
    heads = {
        row.chain: (row.last_seq, row.last_hash)
        for row in await session.execute(_LOCK_HEADS, {"chains": chains, "genesis": GENESIS_HASH})
    }
    when, request_id, rows = occurred_at or utc_now(), current_request_id(), list[dict[str, Any]]()
    for pending in events:
        seq, previous = heads[pending.chain]
        event = {
            "id": new_id(),
            "chain": pending.chain,
            "seq": seq + 1,
            "occurred_at": when,
            "account_id": pending.account_id,
            "actor_user_id": actor.user_id if actor else None,
            "actor_role": actor.role.value if actor else SYSTEM_ROLE,
            "actor_organisation_id": actor.organisation_id if actor else None,
            "mandate_id": pending.mandate_id,
            "api_key_id": actor.api_key_id if actor else None,
            "action": pending.action,
            "subject_type": pending.subject_type,
            "subject_id": str(pending.subject_id),
            "details": pending.details,
            "request_id": request_id,
            "prev_hash": previous,
        }
        event["hash"] = link_hash(previous, event_payload(event))
        heads[pending.chain] = (event["seq"], event["hash"])
        rows.append(event)
    await session.execute(insert(AuditEventRow), rows)
    await session.execute(
        _MOVE_HEADS,
        {
            "chains": chains,
            "seqs": [heads[chain][0] for chain in chains],
            "hashes": [heads[chain][1] for chain in chains],
        },
    )
    tracked = _this_request.get()
    if tracked is not None:
        tracked.event_ids.extend(event["id"] for event in rows)
    return [event["id"] for event in rows]
