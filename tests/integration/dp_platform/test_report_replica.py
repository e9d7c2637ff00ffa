"""With ``DP_REPORTS_DATABASE_URL`` a worker reads a council's report on the replica and keeps its files
on the primary. A second engine on the same server stands in for the replica: the statements each
engine sent show which did what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.db.engine import create_engine
from dp_platform.jobs.council_report import run_council_report_job, start_council_report
from dp_platform.jobs.tables import JobFileRow, JobRow
from dp_platform.tenancy.access import load_user_actor

pytestmark = pytest.mark.integration


async def test_a_council_report_is_read_on_the_replica_and_kept_on_the_primary(db, world, database_url):
    replica = create_engine(database_url, pool_size=1)
    sent: dict[str, list[str]] = {"primary": [], "replica": []}
    listeners = []
    for name, engine in (("primary", db), ("replica", replica)):

        def keep(conn, cursor, statement, *rest, name=name):  # type: ignore[no-untyped-def]
            sent[name].append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", keep)
        listeners.append((engine, keep))
    sessions = async_sessionmaker(db, expire_on_commit=False)
    today = date.today()  # noqa: DTZ011 - a report covers whole days
    try:
        async with sessions() as session, session.begin():
            actor = await load_user_actor(session, world.users["finance_a"])
            job = await start_council_report(session, actor, date(2026, 5, 1), today, today)
        await run_council_report_job(sessions, job.id, reads=async_sessionmaker(replica, expire_on_commit=False))
    finally:
        for engine, keep in listeners:
            event.remove(engine.sync_engine, "before_cursor_execute", keep)
        await replica.dispose()
    async with sessions() as session:
        done = await session.get(JobRow, job.id)
        kept = list(await session.scalars(select(JobFileRow.name).where(JobFileRow.job_id == job.id)))
    assert done.status == "done" and done.result[0]["accounts"] == 2, done.error
    assert sorted(kept) == ["accounts.csv", "exceptions.csv", "pdf"]
    read_there = " ".join(sent["replica"])
    assert "platform_dp_accounts" in read_there and "ledger_" in read_there, "the report is read on the replica"
    assert "platform_job_files" not in read_there and "UPDATE" not in read_there, "nothing is written there"
    written_here = " ".join(sent["primary"])
    assert "platform_job_files" in written_here
    assert "ledger_" not in written_here and "platform_dp_accounts" not in written_here, "the primary reads none of it"
