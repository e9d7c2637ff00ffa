"""Reconciling bank statements with the ledger."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body

from dp_platform.api.ledger import to_entry
from dp_platform.api.schemas.ledger import EntryOut
from dp_platform.api.schemas.reconciliation import (
    LinePostIn,
    MatchIn,
    MatchOut,
    PeriodIn,
    ProblemOut,
    ReconciliationOut,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.reconciliation import (
    account_reconciliation,
    auto_reconcile_account,
    match_line,
    post_line,
    unmatch_line,
)
from dp_platform.workflows.records import MatchRow
from ledgers.reconcile_service import Period


def to_match(row: MatchRow) -> MatchOut:
    return MatchOut(
        statement_line_id=row.statement_line_id,
        entry_id=row.entry_id,
        matched_by=row.matched_by,
        score=row.score,
        explanation=row.explanation,
    )


class ReconciliationController(Controller):
    path = "/api/accounts/{account_id:uuid}"
    tags = ["Ledger"]

    @get("/reconciliation", operation_id="GetReconciliation")
    async def report(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, occurred_from: date, occurred_to: date
    ) -> ReconciliationOut:
        """Everything that does not add up in the period: unmatched lines either side, balances, duplicates."""
        report = await account_reconciliation(db_session, actor, account_id, Period(occurred_from, occurred_to))
        return ReconciliationOut(
            occurred_from=occurred_from,
            occurred_to=occurred_to,
            reconciled=report.reconciled,
            matched=report.matched,
            problems=[
                ProblemOut(
                    kind=p.kind, detail=p.detail, value_on=p.value_on, amount_pence=p.amount_pence, ids=list(p.ids)
                )
                for p in report.problems
            ],
        )

    @post("/reconciliation/auto", operation_id="AutoReconcile", status_code=200)
    async def auto(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[PeriodIn, Body()]
    ) -> list[MatchOut]:
        matches = await auto_reconcile_account(
            db_session, actor, account_id, Period(data.occurred_from, data.occurred_to)
        )
        return [
            MatchOut(
                statement_line_id=m.line_id,
                entry_id=m.entry_id,
                matched_by="auto",
                score=m.score,
                explanation=m.explanation,
            )
            for m in matches
        ]

    @post("/reconciliation/matches", operation_id="MatchStatementLine")
    async def match(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[MatchIn, Body()]
    ) -> MatchOut:
        return to_match(await match_line(db_session, actor, account_id, data.statement_line_id, data.entry_id))

    @post("/reconciliation/matches/{line_id:uuid}/unmatch", operation_id="UnmatchStatementLine", status_code=200)
    async def unmatch(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, line_id: uuid.UUID) -> MatchOut:
        return to_match(await unmatch_line(db_session, actor, account_id, line_id))

    @post("/statements/lines/{line_id:uuid}/post", operation_id="PostStatementLine")
    async def post_line(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        line_id: uuid.UUID,
        data: Annotated[LinePostIn, Body()],
    ) -> EntryOut:
        """Make the ledger entry for a bank line nobody recorded yet, and match the two."""
        return to_entry(
            await post_line(db_session, actor, account_id, line_id, account=data.account, narration=data.narration)
        )
