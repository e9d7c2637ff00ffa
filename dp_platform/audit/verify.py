"""Recomputing the chains from what is stored, to prove nothing was changed or removed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.chain import ChainBreak, ChainWalker
from dp_platform.audit.tables import AuditChainRow, AuditEventRow
from dp_platform.audit.writer import account_chain


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chains_checked: int
    events_checked: int
    breaks: tuple[ChainBreak, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> ChainBreak | None:
        return self.breaks[0] if self.breaks else None


async def verify_audit_trail(
    session: AsyncSession, *, chains: list[str] | None = None, account_id: uuid.UUID | None = None
) -> VerifyReport:
    """Verify every chain, or only the named ones; one break is reported per broken chain."""
    if account_id is not None:
        chains = [*(chains or []), account_chain(account_id)]
    heads_query = select(AuditChainRow.chain, AuditChainRow.last_seq, AuditChainRow.last_hash)
    events_query = select(AuditEventRow).order_by(AuditEventRow.chain, AuditEventRow.seq)
    if chains is not None:
        heads_query = heads_query.where(AuditChainRow.chain.in_(chains))
        events_query = events_query.where(AuditEventRow.chain.in_(chains))
    heads = {row.chain: (row.last_seq, row.last_hash) for row in await session.execute(heads_query)}
    breaks: list[ChainBreak] = []
    events_checked = 0
    walkers: dict[str, ChainWalker] = {}

    def close(walker: ChainWalker) -> None:
        nonlocal events_checked
        events_checked += walker.checked
        head_seq, head_hash = heads.get(walker.chain, (None, None))
        broken = walker.finish(head_seq=head_seq, head_hash=head_hash)
        if broken is not None:
            breaks.append(broken)

    current: ChainWalker | None = None
    async for event in await session.stream_scalars(events_query.execution_options(yield_per=2000)):
        if current is None or current.chain != event.chain:
            if current is not None:
                close(current)
            current = walkers[event.chain] = ChainWalker(event.chain)
        current.feed(event)
    if current is not None:
        close(current)
    for chain in heads.keys() - walkers.keys():
        close(ChainWalker(chain))
    return VerifyReport(
        chains_checked=len(walkers.keys() | heads.keys()), events_checked=events_checked, breaks=tuple(breaks)
    )
