"""A managed-account provider's pooled client account, with the access checks and audit events.

Only the provider's own staff (or its API keys) work the client account. A person joins it through a
mandate with the ``manage_money`` scope, granted at their request (regulation 5: the person asks, and
still directs their support); each line given to them is checked against that mandate at the time,
and written in their own audit trail as well as the provider's, so the person and the council see
what the provider did with their money. A person never sees the pool's other clients: their own
account shows only their share.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import note_unchanged, organisation_chain, record_event
from dp_platform.parsing import parse_in_worker
from dp_platform.tenancy.access import account_ref, actors_for, authorize
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor, can
from dp_platform.tenancy.roles import AUTHORITY_ROLES, Role
from dp_platform.tenancy.tables import ClientAccountRow, DpAccountRow, OrganisationRow
from dp_platform.workflows.statements import follow_new_statement
from ledgers.client_money.service import (
    Assigned,
    ClientMoneyCheck,
    PooledImport,
    Share,
    add_member,
    assign_by_hand,
    assign_waiting,
    client_money_check,
    import_pooled_statement,
    leave_pool,
    members_of,
    open_pool,
)
from ledgers.client_money.tables import PoolMemberRow, PoolRow
from ledgers.columns import utc_now
from ledgers.errors import DomainError


class ClientAccountNotFoundError(DomainError):
    category = "not_found"
    title = "No such client account"


@dataclass(frozen=True, slots=True)
class ClientAccount:
    pool: PoolRow
    organisation: OrganisationRow


def _staff_of(actor: Actor, organisation_id: uuid.UUID) -> bool:
    return actor.role is Role.BUREAU_STAFF and actor.organisation_id == organisation_id


async def open_client_account(
    session: AsyncSession, actor: Actor, organisation_id: uuid.UUID, *, name: str, opened_on: date
) -> ClientAccount:
    organisation = await session.get(OrganisationRow, organisation_id)
    if organisation is None or not _staff_of(actor, organisation_id):
        raise ClientAccountNotFoundError("There is no such organisation for you.", field="organisation_id")
    if organisation.kind != "managed_account_provider" or actor.api_key_id is not None:
        raise AccessDeniedError("Only a managed-account provider's staff open a client account.")
    pool = await open_pool(session, name=name, opened_on=opened_on)
    session.add(ClientAccountRow(pool_id=pool.id, organisation_id=organisation_id))
    await record_event(
        session,
        actor=actor,
        action="client_money.account_opened",
        subject_type="client_account",
        subject_id=pool.id,
        chain=organisation_chain(organisation_id),
        details={"name": name, "opened_on": opened_on.isoformat()},
    )
    return ClientAccount(pool, organisation)


async def client_account(session: AsyncSession, actor: Actor, pool_id: uuid.UUID) -> ClientAccount:
    """The client account, to its provider's staff and keys; to anyone else there is none."""
    row = await session.get(ClientAccountRow, pool_id)
    if row is None or not _staff_of(actor, row.organisation_id):
        raise ClientAccountNotFoundError("There is no such client account for you.", field="pool_id")
    pool = await session.get(PoolRow, pool_id)
    organisation = await session.get(OrganisationRow, row.organisation_id)
    assert pool is not None and organisation is not None
    return ClientAccount(pool, organisation)


async def organisation_client_accounts(
    session: AsyncSession, actor: Actor, organisation_id: uuid.UUID
) -> list[PoolRow]:
    if not _staff_of(actor, organisation_id):
        raise ClientAccountNotFoundError("There is no such organisation for you.", field="organisation_id")
    return list(
        await session.scalars(
            select(PoolRow)
            .join(ClientAccountRow, col(ClientAccountRow.pool_id) == col(PoolRow.id))
            .where(col(ClientAccountRow.organisation_id) == organisation_id)
            .order_by(col(PoolRow.name), col(PoolRow.id))
        )
    )


async def add_client(
    session: AsyncSession, actor: Actor, pool_id: uuid.UUID, account_id: uuid.UUID, *, reference: str, joined_on: date
) -> PoolMemberRow:
    """A person's money joins the client account: the provider must hold their mandate to manage it."""
    held = await client_account(session, actor, pool_id)
    access = await authorize(session, actor, account_id, Action.MANAGE_MONEY)
    member = await add_member(
        session, pool_id, account_id, name=access.account.holder_name, reference=reference, joined_on=joined_on
    )
    details = {
        "client_account": held.pool.name,
        "provider": held.organisation.name,
        "reference": member.reference,
        "joined_on": joined_on.isoformat(),
    }
    for chain, account in ((None, account_id), (organisation_chain(held.organisation.id), None)):
        await record_event(
            session,
            actor=actor,
            action="client_money.client_joined",
            subject_type="client_account",
            subject_id=pool_id,
            account_id=account,
            chain=chain,
            mandate_id=access.mandate_id,
            details={**details, "name": access.account.holder_name},
        )
    return member


async def end_client(
    session: AsyncSession, actor: Actor, pool_id: uuid.UUID, account_id: uuid.UUID, *, left_on: date
) -> PoolMemberRow:
    """A person's money leaves the client account, settled (nothing held for them any more): to their
    own account, or to another provider's client account, by a bank payment given to them first."""
    held = await client_account(session, actor, pool_id)
    member = next((m for m in await members_of(session, pool_id) if m.member_book_id == account_id), None)
    if member is None:
        raise ClientAccountNotFoundError("That person's money is not held in this client account.", field="account_id")
    # No mandate is needed: the person may have ended it already, and the provider must still settle.
    member = await leave_pool(session, pool_id, member.id, left_on=left_on)
    details = {"client_account": held.pool.name, "provider": held.organisation.name, "left_on": left_on.isoformat()}
    for chain, account in ((None, account_id), (organisation_chain(held.organisation.id), None)):
        await record_event(
            session,
            actor=actor,
            action="client_money.client_left",
            subject_type="client_account",
            subject_id=pool_id,
            account_id=account,
            chain=chain,
            details={**details, "name": member.name},
        )
    return member


async def clients(session: AsyncSession, actor: Actor, pool_id: uuid.UUID) -> list[PoolMemberRow]:
    await client_account(session, actor, pool_id)
    return await members_of(session, pool_id)


async def _may_manage(session: AsyncSession, actor: Actor, members: list[PoolMemberRow]) -> set[uuid.UUID]:
    """The members whose money the actor may manage now: a mandate in force with ``manage_money``."""
    now = utc_now()
    accounts = {
        row.id: row
        for row in await session.scalars(
            select(DpAccountRow).where(col(DpAccountRow.id).in_([member.member_book_id for member in members]))
        )
    }
    on_each = await actors_for(session, actor, list(accounts.values()))
    return {
        member.id
        for member in members
        if member.member_book_id in accounts
        and can(
            on_each[member.member_book_id], Action.MANAGE_MONEY, account_ref(accounts[member.member_book_id]), now=now
        )
    }


async def _follow_shares(session: AsyncSession, actor: Actor, held: ClientAccount, shares: tuple[Share, ...]) -> None:
    """Each person's records follow the lines given to them, under their mandate, in their audit trail."""
    for share in shares:
        access = await authorize(session, actor, share.member.member_book_id, Action.MANAGE_MONEY)
        await record_event(
            session,
            actor=actor,
            action="client_money.lines_assigned",
            subject_type="statement",
            subject_id=share.statement_id,
            account_id=share.member.member_book_id,
            mandate_id=access.mandate_id,
            details={
                "client_account": held.pool.name,
                "provider": held.organisation.name,
                "lines": share.lines,
                "total_pence": share.total_pence,
            },
        )
        await follow_new_statement(session, actor, share.member.member_book_id, share.statement_id, access.mandate_id)


async def import_client_statement(
    session: AsyncSession,
    actor: Actor,
    pool_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    format: str | None = None,
    profile: str | None = None,
) -> PooledImport:
    """The pooled statement, stored once; each line given to the person it names (among those the
    provider may act for today); each person's records follow their share."""
    held = await client_account(session, actor, pool_id)
    allowed = await _may_manage(session, actor, await members_of(session, pool_id))
    imported = await import_pooled_statement(
        session,
        pool_id,
        filename=filename,
        data=data,
        format=format,
        profile=profile,
        parse=parse_in_worker,
        allowed=lambda member: member.id in allowed,
    )
    if imported.statement.duplicate_file:
        note_unchanged()
    else:
        await record_event(
            session,
            actor=actor,
            action="client_money.statement_imported",
            subject_type="statement",
            subject_id=imported.statement.statement_id,
            chain=organisation_chain(held.organisation.id),
            details={
                "client_account": held.pool.name,
                "filename": filename,
                "new_lines": imported.statement.new_lines,
                "assigned": imported.assigned.assigned,
                "waiting": imported.assigned.waiting,
            },
        )
        await _follow_shares(session, actor, held, imported.assigned.shares)
    return imported


async def assign_waiting_lines(session: AsyncSession, actor: Actor, pool_id: uuid.UUID) -> Assigned:
    """Try the waiting lines again (a client joined since, or a payee became known)."""
    held = await client_account(session, actor, pool_id)
    allowed = await _may_manage(session, actor, await members_of(session, pool_id))
    assigned = await assign_waiting(session, pool_id, allowed=lambda member: member.id in allowed)
    if not assigned.assigned:
        note_unchanged()
    await _follow_shares(session, actor, held, assigned.shares)
    return assigned


async def assign_line(
    session: AsyncSession, actor: Actor, pool_id: uuid.UUID, line_id: uuid.UUID, account_id: uuid.UUID | None
) -> Assigned:
    """A person at the provider says whose a waiting line is (``account_id=None``: the provider's own)."""
    held = await client_account(session, actor, pool_id)
    member_id = None
    if account_id is not None:
        member = next((m for m in await members_of(session, pool_id) if m.member_book_id == account_id), None)
        if member is None:
            raise ClientAccountNotFoundError(
                "That person's money is not held in this client account.", field="account_id"
            )
        await authorize(session, actor, account_id, Action.MANAGE_MONEY)
        member_id = member.id
    assigned = await assign_by_hand(session, pool_id, line_id, member_id)
    if account_id is None:
        await record_event(
            session,
            actor=actor,
            action="client_money.own_money_line",
            subject_type="statement_line",
            subject_id=line_id,
            chain=organisation_chain(held.organisation.id),
            details={"client_account": held.pool.name},
        )
    await _follow_shares(session, actor, held, assigned.shares)
    return assigned


async def check_client_money(
    session: AsyncSession, actor: Actor, pool_id: uuid.UUID, on: date | None = None
) -> ClientMoneyCheck:
    """The provider's staff read the whole check; a council whose residents' money the account holds
    reads it too, with only its own residents named (the totals are the account's, as its bank's are)."""
    residents = await _residents_in(session, actor, pool_id)
    if not residents:
        await client_account(session, actor, pool_id)
        return await client_money_check(session, pool_id, on)
    check = await client_money_check(session, pool_id, on)
    return replace(check, members=tuple(line for line in check.members if line.member.member_book_id in residents))


@dataclass(frozen=True, slots=True)
class HeldBy:
    """Where a person's money is held, when a provider holds it, and how the provider's check stands."""

    provider: str
    client_account: str
    pool_id: uuid.UUID
    reference: str
    held_pence: int
    on: date
    balanced: bool
    problems: tuple[str, ...]
    """The check's findings that a person may read about their own money: the account-wide ones and
    their own, never another client's."""


async def held_by_provider(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> HeldBy | None:
    """For anyone who may see the account (the person, the council, the provider): which provider
    holds the money now, how much, and whether the provider's client-money check balances."""
    await authorize(session, actor, account_id, Action.VIEW)
    member = await session.scalar(
        select(PoolMemberRow)
        .where(col(PoolMemberRow.member_book_id) == account_id, col(PoolMemberRow.left_on).is_(None))
        .order_by(col(PoolMemberRow.joined_on).desc())
        .limit(1)
    )
    if member is None:
        return None
    row = await session.get(ClientAccountRow, member.pool_id)
    pool = await session.get(PoolRow, member.pool_id)
    assert row is not None and pool is not None
    organisation = await session.get(OrganisationRow, row.organisation_id)
    check = await client_money_check(session, member.pool_id)
    own = next(line for line in check.members if line.member.id == member.id)
    others = tuple(f"{line.member.name}:" for line in check.members if line.member.id != member.id)
    return HeldBy(
        provider=organisation.name if organisation else "the provider",
        client_account=pool.name,
        pool_id=pool.id,
        reference=member.reference,
        held_pence=own.sub_ledger_pence,
        on=check.on,
        balanced=check.balanced,
        problems=tuple(
            problem for problem in check.problems() if not any(problem.startswith(f"{name}:") for name in others)
        ),
    )


async def _residents_in(session: AsyncSession, actor: Actor, pool_id: uuid.UUID) -> set[uuid.UUID]:
    """The pool's clients who are the actor's council's residents (none for anyone else)."""
    if actor.role not in AUTHORITY_ROLES or actor.authority_id is None:
        return set()
    return set(
        await session.scalars(
            select(col(PoolMemberRow.member_book_id))
            .join(DpAccountRow, col(DpAccountRow.id) == col(PoolMemberRow.member_book_id))
            .where(col(PoolMemberRow.pool_id) == pool_id, col(DpAccountRow.authority_id) == actor.authority_id)
        )
    )
