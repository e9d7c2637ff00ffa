"""A revocation and a bureau's import interleaved: nothing is ever written under a mandate after it ends.

Bureau X imports a statement for Ann's account under its mandate while Ann revokes that mandate, in
two transactions on two connections. Whichever takes the mandate first decides: a revocation that
committed first stops the import before it writes a line; an import that began first holds the
mandate until it commits, so the revocation waits for it and the audit trail shows the import before
the revocation, never after.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from dp_platform.audit.tables import AuditEventRow
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.errors import AccessDeniedError, AccountNotFoundError
from dp_platform.tenancy.mandates import revoke_mandate
from dp_platform.tenancy.tables import MandateRow
from dp_platform.workflows.statements import import_account_statement
from ledgers.tables import StatementLineRow
from tests import statement_files as files

pytestmark = pytest.mark.integration


async def _actors(sessions, world):
    async with sessions() as session, session.begin():
        mandate = await session.get(MandateRow, world.mandates["in_force"])
        mandate.scopes = sorted({*mandate.scopes, "import_statements"})
    async with sessions() as session:
        return (
            await load_user_actor(session, world.users["bureau_x"]),
            await load_user_actor(session, world.users["ann"]),
        )


async def _lines(sessions, world) -> int:
    async with sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(StatementLineRow).where(StatementLineRow.book_id == world.accounts["a1"])
        )


async def test_a_revocation_committed_first_stops_the_import_before_it_writes(db, world):
    sessions = async_sessionmaker(db, expire_on_commit=False)
    bureau, ann = await _actors(sessions, world)
    async with sessions() as revoking, revoking.begin():
        await revoke_mandate(revoking, ann, world.mandates["in_force"], reason="Changing bureau")
        importing = asyncio.create_task(_import(sessions, bureau, world))
        await asyncio.sleep(0.5)
        assert not importing.done()  # the import waits on the mandate the revocation holds
    with pytest.raises(AccessDeniedError, match="permission to act for this account has ended"):
        await importing
    assert await _lines(sessions, world) == 0


async def test_an_import_under_way_finishes_before_the_revocation_and_nothing_follows_it(db, world):
    sessions = async_sessionmaker(db, expire_on_commit=False)
    bureau, ann = await _actors(sessions, world)
    async with sessions() as importing, importing.begin():
        await import_account_statement(
            importing, bureau, world.accounts["a1"], filename="apr.csv", data=files.lloyds_csv()
        )
        revoking = asyncio.create_task(_revoke(sessions, ann, world))
        await asyncio.sleep(0.5)
        assert not revoking.done()  # the revocation waits for the import holding the mandate
    await revoking
    assert await _lines(sessions, world) == 4
    async with sessions() as session:
        actions = list(
            await session.scalars(
                select(AuditEventRow.action)
                .where(AuditEventRow.chain == f"account:{world.accounts['a1']}")
                .order_by(AuditEventRow.seq)
            )
        )
    assert actions.index("mandate.revoked") > max(
        index for index, action in enumerate(actions) if action.startswith("ledger.")
    )
    with pytest.raises(AccountNotFoundError):  # the account is no longer one the bureau can see
        await _import(sessions, (await _actors(sessions, world))[0], world)


async def _import(sessions, bureau, world):
    async with sessions() as session, session.begin():
        return await import_account_statement(
            session, bureau, world.accounts["a1"], filename="may.csv", data=files.nationwide_csv()
        )


async def _revoke(sessions, ann, world):
    async with sessions() as session, session.begin():
        return await revoke_mandate(session, ann, world.mandates["in_force"], reason="Changing bureau")
