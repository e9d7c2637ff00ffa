"""Audit verification benchmark: a council whose accounts' trails hold a million events, verified whole,
then again after 1,000 new events, as a council's finance officer verifies it each month.

    .venv/bin/python -m benchmarks.audit [--events 1000000] [--accounts 1000] [--new 1000]

The events are real chained events (each hash over the one before, as the writer makes them), loaded
by COPY and not timed. Timed, each in its own transaction: the first ordinary verification (no
checkpoints yet, so every event, keeping one checkpoint per chain), a full verification (every event
from each chain's first, whatever the checkpoints), then ``--new`` events written through the
platform's own writer across the accounts, and the ordinary verification after them (each chain
from its checkpoint). The aim: the verification after 1,000 new events reads about the new events,
not the million (well under a second). The machine's load average is printed beside each figure.
Runs on a scratch database (DP_DATABASE_URL's server or the embedded one), dropped at the end.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.ledger import _drop, _load, _scratch_database
from dp_platform.audit.chain import GENESIS_HASH, event_payload, link_hash
from dp_platform.audit.verify import verify_audit_trail
from dp_platform.audit.writer import account_chain, record_event
from dp_platform.db.connect import asyncpg_dsn
from dp_platform.db.embedded import start_embedded
from dp_platform.db.engine import create_engine
from dp_platform.settings import load_settings
from dp_platform.tenancy.policy import Actor
from dp_platform.tenancy.roles import Role
from ledgers.ids import new_id

COLUMNS = (
    "id", "chain", "seq", "occurred_at", "account_id", "actor_user_id", "actor_role", "actor_organisation_id",
    "mandate_id", "api_key_id", "action", "subject_type", "subject_id", "details", "request_id", "prev_hash", "hash",
)  # fmt: skip


async def _load_events(url: str, accounts: list[uuid.UUID], events: int) -> None:
    """Chained events for each account, as the writer would have made them over a year."""
    per_account = events // len(accounts)
    actor = uuid.uuid4()
    start = datetime(2025, 12, 1, tzinfo=UTC)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        heads = []
        for account_id in accounts:
            chain, previous, records = account_chain(account_id), GENESIS_HASH, []
            for seq in range(1, per_account + 1):
                event = {
                    "id": new_id(),
                    "chain": chain,
                    "seq": seq,
                    "occurred_at": start + timedelta(minutes=seq * 7),
                    "account_id": account_id,
                    "actor_user_id": actor,
                    "actor_role": "employer",
                    "actor_organisation_id": None,
                    "mandate_id": None,
                    "api_key_id": None,
                    "action": "ledger.entry_recorded",
                    "subject_type": "entry",
                    "subject_id": str(seq),
                    "details": {"amount_pence": 1000 + seq % 5000, "memo": "shopping for the week"},
                    "request_id": None,
                }
                hashed = link_hash(previous, event_payload(event))
                records.append(
                    tuple({**event, "details": json.dumps(event["details"]), "prev_hash": previous, "hash": hashed}[c]
                          for c in COLUMNS)
                )  # fmt: skip
                previous = hashed
            await connection.copy_records_to_table("platform_audit_events", records=records, columns=COLUMNS)
            heads.append((chain, per_account, previous))
        await connection.copy_records_to_table(
            "platform_audit_chains", records=heads, columns=("chain", "last_seq", "last_hash")
        )
        await connection.execute("ANALYZE platform_audit_events; ANALYZE platform_audit_chains")
    finally:
        await connection.close()


async def _verify(sessions, chains: list[str], *, full: bool) -> tuple[float, int, bool]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        report = await verify_audit_trail(session, chains=chains, full=full)
    return time.perf_counter() - started, report.events_checked, report.ok


async def run(events: int, account_count: int, new: int) -> None:
    settings = load_settings(os.environ)
    server = settings.database_url or start_embedded(settings.data_dir, database="postgres")
    url = await _scratch_database(server)
    engine = create_engine(url, pool_size=2)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    accounts = [new_id() for _ in range(account_count)]
    chains = [account_chain(account_id) for account_id in accounts]
    try:
        started = time.perf_counter()
        await _load_events(url, accounts, events)
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(
            f"set up {events:,} chained events in {account_count:,} accounts' trails "
            f"in {time.perf_counter() - started:.1f} s (not timed below)"
        )
        seconds, checked, ok = await _verify(sessions, chains, full=False)
        print(f"first verification (no checkpoints yet): {checked:,} events in {seconds:.2f} s, ok={ok} {_load()}")
        seconds, checked, ok = await _verify(sessions, chains, full=True)
        print(f"full verification: {checked:,} events in {seconds:.2f} s, ok={ok} {_load()}")
        actor = Actor(Role.EMPLOYER, user_id=uuid.uuid4())
        async with sessions() as session, session.begin():
            for index in range(new):
                await record_event(
                    session,
                    actor=actor,
                    action="ledger.entry_recorded",
                    subject_type="entry",
                    subject_id=f"new-{index}",
                    account_id=accounts[index % account_count],
                    details={"amount_pence": 2500 + index},
                )
        seconds, checked, ok = await _verify(sessions, chains, full=False)
        print(
            f"verification after {new:,} new events on the {events:,}-event council: {checked:,} events read "
            f"(the new ones and each chain's checkpoint) in {seconds:.3f} s, ok={ok} {_load()} (aim: < 1 s)"
        )
    finally:
        await engine.dispose()
        await _drop(server, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--new", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(run(args.events, args.accounts, args.new))


if __name__ == "__main__":
    main()
