"""The database itself keeps a signed version's words and the signatures as they were."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from agreements.service import draft_agreement, sign
from ledgers.columns import utc_now
from tests.unit.agreements.terms_example import MORAG, PA_MINIMUM

pytestmark = pytest.mark.integration


async def _agreement(db, *, holder_signs: bool):
    async with async_sessionmaker(db, expire_on_commit=False)() as session, session.begin():
        agreement = await draft_agreement(
            session,
            account_id=uuid.uuid4(),
            authority_id=uuid.uuid4(),
            reference="T-A1",
            template_key="scotland-model@2026.1",
            terms=MORAG,
            floors=PA_MINIMUM,
            local={},
        )
        if holder_signs:
            await sign(
                session,
                agreement.agreement.id,
                1,
                party="holder",
                capacity="holder",
                signer_user_id=uuid.uuid4(),
                signer_name="Morag",
                shown_hash=agreement.latest.content_hash,
                signed_at=utc_now(),
            )
    return agreement.agreement.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE agreement_versions SET content = content || '{\"x\": 1}' WHERE agreement_id = :id",
        "UPDATE agreement_versions SET content_hash = repeat('0', 64) WHERE agreement_id = :id",
        "DELETE FROM agreement_versions WHERE agreement_id = :id",
    ],
)
async def test_a_signed_version_cannot_be_rewritten_or_removed(db, statement):
    agreement_id = await _agreement(db, holder_signs=True)
    with pytest.raises(DBAPIError, match="is signed: its content cannot change"):
        async with db.begin() as connection:
            await connection.execute(text(statement), {"id": agreement_id})


async def test_an_unsigned_draft_can_still_be_changed(db):
    agreement_id = await _agreement(db, holder_signs=False)
    async with db.begin() as connection:
        changed = await connection.execute(
            text("UPDATE agreement_versions SET content_hash = repeat('0', 64) WHERE agreement_id = :id"),
            {"id": agreement_id},
        )
    assert changed.rowcount == 1


async def test_signatures_are_append_only(db):
    await _agreement(db, holder_signs=True)
    for statement in ("UPDATE agreement_signatures SET signer_name = 'x'", "DELETE FROM agreement_signatures"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.begin() as connection:
                await connection.execute(text(statement))
