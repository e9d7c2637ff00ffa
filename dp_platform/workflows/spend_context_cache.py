"""The spend context of an account, read in one round trip when nothing has changed.

Deciding a card spend at the till must fit in Stripe's two seconds with many cards at once, and
building the context from scratch (the authority's rules parsed, each agreement in force loaded with
its versions and signatures, the thresholds) is most of the work. Each part is kept in this process
under a key the database gives in one query: the in-force agreements with the version in force (a
version's terms never change once written), and for the authority's rules and thresholds their count
and latest change. Any change anywhere (another app server included) changes the key, so a stale
context is never used; the cache holds only what the key names, so it needs no expiry to be right,
and it is bounded so it cannot grow without end.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from agreements.monitoring.service import authority_thresholds
from agreements.service import load_agreement
from dp_platform.tenancy.tables import DpAccountRow
from dp_platform.workflows.spend_context import SpendContext, permissions_of
from ledgers.categories.engine import Permission
from ledgers.categories.service import local_rules
from ledgers.categories.taxonomy import national

KEPT = 2_000
"""Entries of each kind kept per process (least recently used dropped first)."""

_KEYS = text(
    "SELECT "
    "(SELECT coalesce(json_agg(json_build_array(id, in_force_version) ORDER BY created_at), '[]'::json) "
    " FROM agreement_agreements WHERE account_id = :account AND status = 'in_force') AS agreements, "
    "(SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') "
    " FROM ledger_spend_local_rules WHERE authority_id = :authority) AS rules, "
    "(SELECT count(*) || '/' || coalesce(max(created_at)::text, '') "
    " FROM agreement_monitoring_thresholds WHERE authority_id = :authority) AS thresholds"
)


class _Kept(OrderedDict[Any, Any]):
    def keep(self, key: Any, value: Any) -> Any:
        self[key] = value
        self.move_to_end(key)
        while len(self) > KEPT:
            self.popitem(last=False)
        return value

    def find(self, key: Any) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        return None


_permissions = _Kept()
_rules = _Kept()
_thresholds = _Kept()


async def spend_context(session: AsyncSession, account: DpAccountRow) -> SpendContext:
    """The same context ``SpendContext.load`` builds, from this process's copy when still current."""
    keys = (await session.execute(_KEYS, {"account": account.id, "authority": account.authority_id})).one()
    permissions: list[Permission] = []
    for agreement_id, version in keys.agreements:
        key = (uuid.UUID(agreement_id), version)
        found = _permissions.find(key)
        if found is None:
            found = _permissions.keep(key, permissions_of(await load_agreement(session, key[0])))
        permissions.extend(found)
    rules_key = (account.authority_id, keys.rules)
    rules = _rules.find(rules_key)
    if rules is None:
        rules = _rules.keep(rules_key, await local_rules(session, account.authority_id, national()))
    thresholds_key = (account.authority_id, keys.thresholds)
    thresholds = _thresholds.find(thresholds_key)
    if thresholds is None:
        thresholds = _thresholds.keep(thresholds_key, await authority_thresholds(session, account.authority_id))
    return SpendContext(account, list(rules), permissions, thresholds)
