"""Whose audit trail a person may read and have checked.

An account's chain is for anyone who may see the account; every chain at once is for a platform
admin, and an authority's finance officer checks the chains of every account of their authority.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.verify import VerifyReport, verify_audit_trail
from dp_platform.audit.writer import account_chain
from dp_platform.tenancy.access import authorize, list_accounts
from dp_platform.tenancy.errors import AccessDeniedError
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.tenancy.roles import Role


async def check_trail_readable(session: AsyncSession, actor: Actor, account_id: uuid.UUID) -> None:
    """Refuses (404 or 403) before an export starts streaming, not halfway through it."""
    await authorize(session, actor, account_id, Action.VIEW)


async def verify_trail(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID | None, *, full: bool = False
) -> VerifyReport:
    if account_id is not None:
        await authorize(session, actor, account_id, Action.VIEW)
        return await verify_audit_trail(session, account_id=account_id, full=full)
    if actor.role is Role.PLATFORM_ADMIN:
        return await verify_audit_trail(session, full=full)
    if actor.role is Role.AUTHORITY_FINANCE:
        chains = [account_chain(account.id) for account in await list_accounts(session, actor)]
        return await verify_audit_trail(session, chains=chains, full=full)
    raise AccessDeniedError("Name the account to verify (account_id).", field="account_id")
