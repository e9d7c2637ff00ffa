"""The audit trail in PostgreSQL: append-only, gap-free under concurrency, tamper-evident."""

from __future__ import annotations

import asyncio
import subprocess
import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.tables import AuditEventRow
from dp_platform.audit.verify import verify_audit_trail
from dp_platform.audit.writer import account_chain, record_event
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import Role

pytestmark = pytest.mark.integration

HOLDER = Actor(Role.EMPLOYER, user_id=uuid.uuid4())


async def _write(engine, account_id: uuid.UUID, n: int, action: str = "test.written") -> list[AuditEventRow]:
    written = []
    async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        for index in range(n):
            written.append(
                await record_event(
                    session,
                    actor=HOLDER,
                    action=action,
                    subject_type="test",
                    subject_id=str(index),
                    account_id=account_id,
                    details={"index": index, "amount_pence": 1000 + index},
                )
            )
        stored = {
            row.id: row for row in await session.scalars(select(AuditEventRow).where(AuditEventRow.id.in_(written)))
        }
    return [stored[event_id] for event_id in written]


async def test_events_are_numbered_and_linked(db):
    account_id = uuid.uuid4()
    events = await _write(db, account_id, 3)
    assert [event.seq for event in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    async with async_sessionmaker(db)() as session:
        report = await verify_audit_trail(session, account_id=account_id)
    assert report.ok and report.events_checked == 3


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE platform_audit_events SET action = 'x'",
        "DELETE FROM platform_audit_events",
        "TRUNCATE platform_audit_events",
    ],
)
async def test_stored_events_cannot_be_changed_or_removed(db, statement):
    await _write(db, uuid.uuid4(), 1)
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.begin() as connection:
            await connection.execute(text(statement))


async def test_an_event_rolled_back_with_its_change_leaves_no_gap(db):
    account_id = uuid.uuid4()
    await _write(db, account_id, 1)
    with pytest.raises(RuntimeError):
        async with async_sessionmaker(db)() as session, session.begin():
            await record_event(
                session, actor=HOLDER, action="test.doomed", subject_type="test", subject_id="x", account_id=account_id
            )
            raise RuntimeError("the change failed")
    later = await _write(db, account_id, 1)
    assert later[0].seq == 2


@pytest.mark.slow
async def test_a_thousand_concurrent_writers_leave_a_gap_free_verifying_chain(db):
    account_id = uuid.uuid4()
    sessions = async_sessionmaker(db, expire_on_commit=False)
    gate = asyncio.Semaphore(20)  # the engine's pool; all 1,000 transactions still race for the chain head

    async def one(index: int) -> None:
        async with gate, sessions() as session, session.begin():
            await record_event(
                session,
                actor=HOLDER,
                action="test.concurrent",
                subject_type="test",
                subject_id=str(index),
                account_id=account_id,
                details={"index": index},
            )

    await asyncio.gather(*(one(index) for index in range(1000)))
    async with sessions() as session:
        seqs = list(
            await session.scalars(
                select(AuditEventRow.seq)
                .where(AuditEventRow.chain == account_chain(account_id))
                .order_by(AuditEventRow.seq)
            )
        )
        indexes = await session.scalar(
            select(func.count(func.distinct(AuditEventRow.details["index"].astext))).where(
                AuditEventRow.chain == account_chain(account_id)
            )
        )
        report = await verify_audit_trail(session, account_id=account_id)
    assert seqs == list(range(1, 1001))
    assert indexes == 1000
    assert report.ok, report.first_break


def _verify_cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    from tests.cli.running import run_cli_here

    return run_cli_here("audit", "verify", *args, DP_DATABASE_URL=database_url)


TAMPERING = {
    "action": "UPDATE platform_audit_events SET action = 'mandate.revokeD' WHERE id = :id",
    "details": "UPDATE platform_audit_events SET details = jsonb_set(details, '{amount_pence}', '1002') WHERE id = :id",
    "occurred_at": (
        "UPDATE platform_audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE id = :id"
    ),
    "actor": "UPDATE platform_audit_events SET actor_role = 'authority_finance' WHERE id = :id",
    "hash": (  # change the first hex digit to a different one
        "UPDATE platform_audit_events SET hash = overlay(hash placing "
        "CASE WHEN left(hash, 1) = 'f' THEN 'e' ELSE 'f' END from 1 for 1) WHERE id = :id"
    ),
    "removed": "DELETE FROM platform_audit_events WHERE id = :id",
}


@pytest.mark.parametrize("how", list(TAMPERING))
async def test_changing_one_stored_byte_makes_verify_fail_and_name_the_event(db, database_url, how):
    account_id = uuid.uuid4()
    events = await _write(db, account_id, 4)
    untouched = await asyncio.to_thread(_verify_cli, database_url)
    assert untouched.returncode == 0, untouched.stderr
    assert "no breaks" in untouched.stdout

    target = events[1] if how != "hash" else events[2]
    async with db.begin() as connection:
        await connection.execute(text("ALTER TABLE platform_audit_events DISABLE TRIGGER USER"))
        await connection.execute(text(TAMPERING[how]), {"id": target.id})
        await connection.execute(text("ALTER TABLE platform_audit_events ENABLE TRIGGER USER"))

    # Events before the last verification's checkpoint are walked again only by a full verification.
    result = await asyncio.to_thread(_verify_cli, database_url, "--account", str(account_id), "--full")
    assert result.returncode == 1
    # A removed event is noticed at the next one, whose number no longer follows.
    named = events[2] if how == "removed" else target
    assert f"event {named.id}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


async def _verify(engine, account_id: uuid.UUID, *, full: bool = False):  # type: ignore[no-untyped-def]
    async with async_sessionmaker(engine)() as session, session.begin():
        return await verify_audit_trail(session, account_id=account_id, full=full)


async def _tamper(engine, statement: str, event_id: uuid.UUID) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE platform_audit_events DISABLE TRIGGER USER"))
        await connection.execute(text(statement), {"id": event_id})
        await connection.execute(text("ALTER TABLE platform_audit_events ENABLE TRIGGER USER"))


async def test_a_verification_walks_only_what_came_after_the_last_one(db):
    account_id = uuid.uuid4()
    await _write(db, account_id, 5)
    first = await _verify(db, account_id)
    assert first.ok and first.events_checked == 5 and not first.full
    again = await _verify(db, account_id)
    assert again.ok and again.events_checked == 1, "only the checkpointed event, re-checked"
    new = await _write(db, account_id, 3)
    later = await _verify(db, account_id)
    assert later.ok and later.events_checked == 4
    full = await _verify(db, account_id, full=True)
    assert full.ok and full.events_checked == 8 and full.full
    assert [event.seq for event in new] == [6, 7, 8]
    more = await _write(db, account_id, 3)
    await _tamper(db, TAMPERING["action"], more[1].id)  # the middle of what came after the checkpoint
    broken = await _verify(db, account_id)
    assert not broken.ok and broken.first_break.event_id == more[1].id
    assert (await _verify(db, account_id)).first_break.event_id == more[1].id, "a broken chain keeps no checkpoint"


@pytest.mark.parametrize("how", ["action", "hash", "removed"])
async def test_the_checkpointed_event_itself_is_checked_again(db, how):
    account_id = uuid.uuid4()
    events = await _write(db, account_id, 3)
    assert (await _verify(db, account_id)).ok
    await _tamper(db, TAMPERING[how], events[-1].id)
    report = await _verify(db, account_id)
    assert not report.ok
    if how == "removed":
        assert "events were removed" in report.first_break.reason
    else:
        assert report.first_break.event_id == events[-1].id


@pytest.mark.slow
async def test_verifying_from_checkpoints_reads_each_chain_by_index_not_every_event(db, database_url):
    """The plan, not a timing: one index range per chain from its checkpoint, never a scan of every event."""
    from sqlalchemy.dialects import postgresql

    from benchmarks.audit import _load_events
    from dp_platform.audit.verify import _events_from_checkpoints
    from ledgers.ids import new_id

    accounts = [new_id() for _ in range(500)]
    await _load_events(database_url, accounts, 20_000)
    chains = [account_chain(account_id) for account_id in accounts]  # a whole council's
    first = await _verify_chains(db, chains)
    assert first.ok and first.events_checked == 20_000
    query = _events_from_checkpoints(chains).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    async with db.connect() as connection:
        await connection.execute(text("ANALYZE platform_audit_checkpoints"))  # as autovacuum would, soon enough
        plan = "\n".join(row[0] for row in await connection.execute(text(f"EXPLAIN {query}")))
    assert "Index Scan using uq_platform_audit_events_chain_seq on platform_audit_events" in plan, plan
    assert "Seq Scan on platform_audit_events" not in plan, plan
    again = await _verify_chains(db, chains)
    assert again.ok and again.events_checked == 500, "each chain's checkpointed event, and nothing before it"


async def _verify_chains(engine, chains: list[str]):  # type: ignore[no-untyped-def]
    async with async_sessionmaker(engine)() as session, session.begin():
        return await verify_audit_trail(session, chains=chains)
