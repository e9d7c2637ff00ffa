"""A demo holder's mandate to an organisation, granted and audited as a holder would in the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import record_event
from dp_platform.tenancy.access import load_user_actor
from dp_platform.tenancy.policy import SCOTTISH_TIME
from dp_platform.tenancy.tables import DpAccountRow, MandateRow, OrganisationRow, UserRow


async def grant_demo_mandate(
    session: AsyncSession, account: DpAccountRow, organisation: OrganisationRow, holder: UserRow, scopes: list[str]
) -> None:
    mandate = MandateRow(
        account_id=account.id,
        organisation_id=organisation.id,
        scopes=scopes,
        valid_from=datetime.now(SCOTTISH_TIME).date(),
        granted_by_user_id=holder.id,
    )
    session.add(mandate)
    await session.flush()
    await record_event(
        session,
        actor=await load_user_actor(session, holder.id),
        action="mandate.granted",
        subject_type="mandate",
        subject_id=mandate.id,
        account_id=account.id,
        details={
            "organisation_id": str(organisation.id),
            "organisation_name": organisation.name,
            "scopes": mandate.scopes,
            "valid_from": mandate.valid_from.isoformat(),
            "valid_to": None,
        },
    )
