"""Granting, listing and revoking mandates: an organisation acting for an account holder.

The Regulations allow a third party to be paid or to act only while the supported person
keeps control (docs/reference/domain.md §1), so only the holder's side grants and
revokes, revocation takes effect at once, and everything done under a mandate is
recorded with the mandate's id in the holder's own audit chain.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.audit.writer import record_event
from dp_platform.tenancy.access import authorize, list_accounts
from dp_platform.tenancy.errors import (
    AccountNotFoundError,
    InvalidMandateError,
    MandateAlreadyRevokedError,
    MandateNotFoundError,
)
from dp_platform.tenancy.policy import MANDATE_SCOPES, SCOTTISH_TIME, Action, Actor
from dp_platform.tenancy.roles import Role
from dp_platform.tenancy.tables import MandateRow, OrganisationRow
from ledgers.columns import utc_now
from ledgers.keyset import Keyset


def mandate_status(row: MandateRow, now: datetime) -> str:
    today = now.astimezone(SCOTTISH_TIME).date()
    if row.revoked_at is not None:
        return "revoked"
    if row.valid_to is not None and row.valid_to < today:
        return "expired"
    if row.valid_from > today:
        return "scheduled"
    return "in_force"


async def grant_mandate(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: uuid.UUID,
    organisation_id: uuid.UUID,
    scopes: list[str],
    valid_from: date,
    valid_to: date | None,
    now: datetime | None = None,
) -> MandateRow:
    now = now or utc_now()
    access = await authorize(session, actor, account_id, Action.MANAGE_MANDATES, now=now)
    unknown = sorted(set(scopes) - set(MANDATE_SCOPES))
    if not scopes or unknown:
        raise InvalidMandateError(
            f"Scopes must be some of {', '.join(sorted(MANDATE_SCOPES))}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else "; none were given."),
            field="scopes",
        )
    if valid_from < now.astimezone(SCOTTISH_TIME).date():
        raise InvalidMandateError("A mandate cannot start in the past.", field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidMandateError("A mandate cannot end before it starts.", field="valid_to")
    organisation = await session.get(OrganisationRow, organisation_id)
    if organisation is None:
        raise InvalidMandateError(f"There is no organisation {organisation_id}.", field="organisation_id")
    mandate = MandateRow(
        account_id=account_id,
        organisation_id=organisation_id,
        scopes=sorted(set(scopes)),
        valid_from=valid_from,
        valid_to=valid_to,
        granted_by_user_id=actor.user_id,  # type: ignore[arg-type]  # employers always have a user
        granted_at=now,
    )
    session.add(mandate)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="mandate.granted",
        subject_type="mandate",
        subject_id=mandate.id,
        account_id=access.account.id,
        details={
            "organisation_id": str(organisation.id),
            "organisation_name": organisation.name,
            "scopes": mandate.scopes,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
        },
        occurred_at=now,
    )
    return mandate


async def revoke_mandate(
    session: AsyncSession, actor: Actor, mandate_id: uuid.UUID, *, reason: str, now: datetime | None = None
) -> MandateRow:
    """End a mandate now: by the holder's side, or by the mandated organisation itself."""
    now = now or utc_now()
    mandate = await session.get(MandateRow, mandate_id, with_for_update=True)
    if mandate is None:
        raise MandateNotFoundError(mandate_id)
    relinquishing = actor.role is Role.BUREAU_STAFF and actor.organisation_id == mandate.organisation_id
    try:
        access = await authorize(
            session,
            actor,
            mandate.account_id,
            Action.RELINQUISH_MANDATE if relinquishing else Action.MANAGE_MANDATES,
            now=now,
        )
    except AccountNotFoundError:
        raise MandateNotFoundError(mandate_id) from None
    if mandate.revoked_at is not None:
        raise MandateAlreadyRevokedError(f"Mandate {mandate_id} was revoked at {mandate.revoked_at.isoformat()}.")
    mandate.revoked_at = now
    mandate.revoked_by_user_id = actor.user_id
    mandate.revocation_reason = reason
    session.add(mandate)
    await session.flush()
    await record_event(
        session,
        actor=actor,
        action="mandate.relinquished" if relinquishing else "mandate.revoked",
        subject_type="mandate",
        subject_id=mandate.id,
        account_id=access.account.id,
        mandate_id=mandate.id if relinquishing else None,
        details={"organisation_id": str(mandate.organisation_id), "reason": reason},
        occurred_at=now,
    )
    return mandate


async def list_mandates(
    session: AsyncSession,
    actor: Actor,
    *,
    account_id: uuid.UUID | None = None,
    now: datetime | None = None,
    page: Keyset | None = None,
) -> list[MandateRow]:
    """Mandates on accounts the actor can see, oldest first; bureau staff see only their own
    organisation's."""
    if account_id is not None:
        account_ids = [(await authorize(session, actor, account_id, Action.VIEW, now=now)).account.id]
    else:
        account_ids = [account.id for account in await list_accounts(session, actor, now=now)]
    query = select(MandateRow).where(col(MandateRow.account_id).in_(account_ids)).order_by(col(MandateRow.id))
    if actor.role is Role.BUREAU_STAFF:
        query = query.where(col(MandateRow.organisation_id) == actor.organisation_id)
    if page is not None:
        query = page.apply(query, col(MandateRow.id))  # ids are UUIDv7: in the order they were granted
    return list(await session.scalars(query))


async def organisation_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    return dict(
        (
            await session.execute(
                select(col(OrganisationRow.id), col(OrganisationRow.name)).where(col(OrganisationRow.id).in_(ids))
            )
        ).all()
    )


async def organisations_offering_services(session: AsyncSession) -> list[OrganisationRow]:
    """The organisations a holder may choose to act for them: a directory of services, like a council's
    list of payroll and support providers, holding nothing of anyone's account."""
    return list(await session.scalars(select(OrganisationRow).order_by(col(OrganisationRow.name))))
