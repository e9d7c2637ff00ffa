"""Recomputing the chains from what is stored, to prove nothing was changed or removed.

A council's trail grows to millions of events; checking every one each time would make verifying
slower every month. Each chain found intact keeps a checkpoint (its last event and that event's
hash), and the next verification starts there: it re-checks the checkpointed event and walks only
what came after. ``full=True`` walks every chain from its first event, for an auditor who wants to
rule out events rewritten together with their checkpoints.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from dp_platform.audit.chain import ChainBreak, ChainWalker
from dp_platform.audit.tables import AuditChainRow, AuditCheckpointRow, AuditEventRow
from dp_platform.audit.writer import account_chain
from ledgers.columns import utc_now


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chains_checked: int
    events_checked: int
    breaks: tuple[ChainBreak, ...] = field(default=())
    full: bool = True
    """Every event from each chain's first; otherwise from each chain's last checkpoint."""

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None


def _events_from_checkpoints(chains: list[str] | None) -> Select[tuple[AuditEventRow]]:
    """Each chain's events from its checkpoint (or its first), one index range per chain head."""
    start = select(col(AuditChainRow.chain), func.coalesce(col(AuditCheckpointRow.seq), 1).label("from_seq")).outerjoin(
        AuditCheckpointRow, col(AuditCheckpointRow.chain) == col(AuditChainRow.chain)
    )
    if chains is not None:
        start = start.where(col(AuditChainRow.chain).in_(chains))
    starts = start.subquery()
    events = (
        select(AuditEventRow)
        .where(col(AuditEventRow.chain) == starts.c.chain, col(AuditEventRow.seq) >= starts.c.from_seq)
        .order_by(col(AuditEventRow.seq))
        .offset(0)  # keeps the planner from flattening it into one scan of every chain's events
        .lateral()
    )
    event = aliased(AuditEventRow, events)
    return select(event).select_from(starts).join(events, true()).order_by(event.chain, event.seq)


async def verify_audit_trail(
    session: AsyncSession,
    *,
    chains: list[str] | None = None,
    account_id: uuid.UUID | None = None,
    full: bool = False,
) -> VerifyReport:
    """Verify every chain, or only the named ones; one break is reported per broken chain. Each intact
    chain's checkpoint is moved to its last event, in the caller's transaction."""
    if account_id is not None:
        chains = [*(chains or []), account_chain(account_id)]
    heads_query = select(col(AuditChainRow.chain), col(AuditChainRow.last_seq), col(AuditChainRow.last_hash))
    checkpoints_query = select(col(AuditCheckpointRow.chain), col(AuditCheckpointRow.seq), col(AuditCheckpointRow.hash))
    events_query = select(AuditEventRow).order_by(col(AuditEventRow.chain), col(AuditEventRow.seq))
    if chains is not None:
        heads_query = heads_query.where(col(AuditChainRow.chain).in_(chains))
        checkpoints_query = checkpoints_query.where(col(AuditCheckpointRow.chain).in_(chains))
        events_query = events_query.where(col(AuditEventRow.chain).in_(chains))
    heads = {row.chain: (row.last_seq, row.last_hash) for row in await session.execute(heads_query)}
    checkpoints = {} if full else {row.chain: (row.seq, row.hash) for row in await session.execute(checkpoints_query)}
    if not full:
        # Driven by the chain heads: an event whose chain has lost its head is found by a full verification.
        events_query = _events_from_checkpoints(chains)
    breaks: list[ChainBreak] = []
    intact: dict[str, tuple[int, str]] = {}
    events_checked = 0
    walkers: dict[str, ChainWalker] = {}

    def close(walker: ChainWalker) -> None:
        nonlocal events_checked
        events_checked += walker.checked
        head_seq, head_hash = heads.get(walker.chain, (None, None))
        broken = walker.finish(head_seq=head_seq, head_hash=head_hash)
        if broken is not None:
            breaks.append(broken)
        elif walker.last is not None and walker.last != checkpoints.get(walker.chain):
            intact[walker.chain] = walker.last

    def walker_for(chain: str) -> ChainWalker:
        walker = walkers[chain] = ChainWalker(chain, checkpoint=checkpoints.get(chain))
        return walker

    current: ChainWalker | None = None
    async for event in await session.stream_scalars(events_query.execution_options(yield_per=2000)):
        if current is None or current.chain != event.chain:
            if current is not None:
                close(current)
            current = walker_for(event.chain)
        current.feed(event)
    if current is not None:
        close(current)
    for chain in heads.keys() - walkers.keys():
        close(walker_for(chain))
    if intact:
        now = utc_now()
        rows = [{"chain": chain, "seq": seq, "hash": hash, "verified_at": now} for chain, (seq, hash) in intact.items()]
        for start in range(0, len(rows), 5_000):
            statement = insert(AuditCheckpointRow).values(rows[start : start + 5_000])
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[col(AuditCheckpointRow.chain)],
                    set_={"seq": statement.excluded.seq, "hash": statement.excluded.hash, "verified_at": now},
                )
            )
    return VerifyReport(
        chains_checked=len(walkers.keys() | heads.keys()),
        events_checked=events_checked,
        breaks=tuple(breaks),
        full=full,
    )
