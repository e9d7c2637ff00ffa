"""``dp-platform audit verify``: the hash chains recomputed, the first broken link named."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from dp_platform.cli.common import _connect, _say
from dp_platform.settings import Settings


async def _verify_audit(url: str, account_id: uuid.UUID | None, full: bool):  # type: ignore[no-untyped-def]
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from dp_platform.audit.verify import verify_audit_trail
    from dp_platform.db.engine import create_engine

    engine = create_engine(url, pool_size=1)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return await verify_audit_trail(session, account_id=account_id, full=full)
    finally:
        await engine.dispose()


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    settings, _ = _connect(settings, migrate=False)
    report = asyncio.run(_verify_audit(settings.database_url, args.account, args.full))  # type: ignore[arg-type]
    if report.ok:
        since = "" if report.full else " since the last verification"
        _say(
            f"Audit trail verified: {report.chains_checked} chain(s), {report.events_checked} event(s){since}, "
            "no breaks."
        )
        return 0
    for broken in report.breaks:
        print(broken.sentence(), file=sys.stderr)
    return 1
