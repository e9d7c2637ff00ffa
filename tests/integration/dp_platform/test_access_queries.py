"""A bureau's access is decided in one indexed query whatever the number of mandates: with 5,000
mandates held by its organisation, checking one account reads the account and that account's mandates
in a single statement, and listing all 5,000 reads each account's mandates once, not every mandate
for every account."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.tenancy.access import authorize, list_accounts, load_user_actor
from dp_platform.tenancy.policy import Action

pytestmark = pytest.mark.integration

MANDATES = 5_000


class Statements:
    """Counts the SQL statements sent while it is open."""

    def __init__(self, engine) -> None:
        self.engine, self.sent = engine.sync_engine, []

    def _count(self, conn, cursor, statement, *args) -> None:
        self.sent.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


async def test_a_bureau_with_5000_mandates_is_checked_in_one_query(db, world):
    organisation, granted_by = world.organisations["Y"], world.users["ann"]
    authority = world.authorities["A"]
    since = date.today() - timedelta(days=1)  # noqa: DTZ011 - a mandate's days
    async with db.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO platform_dp_accounts (id, authority_id, reference, holder_name, opened_on) "
                "SELECT md5('a' || g)::uuid, :authority, 'BULK-' || lpad(g::text, 5, '0'), 'Person ' || g, "
                "'2025-04-01' FROM generate_series(1, :n) g"
            ),
            {"authority": authority, "n": MANDATES},
        )
        await connection.execute(
            text(
                "INSERT INTO platform_mandates "
                "(id, account_id, organisation_id, scopes, valid_from, granted_by_user_id) "
                "SELECT md5('m' || g)::uuid, md5('a' || g)::uuid, :organisation, ARRAY['view', 'run_payroll'], "
                ":since, :granted_by FROM generate_series(1, :n) g"
            ),
            {"organisation": organisation, "since": since, "granted_by": granted_by, "n": MANDATES},
        )
    async with async_sessionmaker(db, expire_on_commit=False)() as session:
        with Statements(db) as signing_in:
            actor = await load_user_actor(session, world.users["bureau_y"])
        assert not any("platform_mandates" in sent for sent in signing_in.sent)  # no request reads them all
        some = uuid.UUID(hashlib.md5(b"a2500").hexdigest())  # noqa: S324 - the seed's ids, not a secret
        with Statements(db) as check:
            access = await authorize(session, actor, some, Action.RUN_PAYROLL)
        assert access.account.reference == "BULK-02500" and access.mandate_id is not None
        assert len(check.sent) == 2, check.sent  # the account with its mandates; the write's hold on the mandate
        with Statements(db) as view:
            await authorize(session, actor, some, Action.VIEW)
        assert len(view.sent) == 1, view.sent
        assert "platform_mandates" in view.sent[0] and "platform_dp_accounts" in view.sent[0]
        with Statements(db) as listing:
            accounts = await list_accounts(session, actor)
        assert len(accounts) == MANDATES
        assert len(listing.sent) == 2, listing.sent  # the accounts held; their mandates, once
