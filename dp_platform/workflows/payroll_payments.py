"""A new statement's payroll payments clear what payroll owes, by themselves: each money-out line that is
exactly a PA's net pay, a month's PAYE and NI, or a run's pension, within the days it would be paid, is
posted against that liability and matched, with a sentence saying what it paid. It is never offered
as spending (so wages are counted once), and the person has nothing to do for it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.reconciliation import post_statement_line
from ledgers.categories.assistant import payee_key
from ledgers.categories.tables import LineCategoryRow
from ledgers.tables import MatchRow, StatementLineRow
from payroll.bank_payments import match_payment, payroll_dues

PA_WAGES = "pa_wages"
"""The spend category payroll payments belong to (the national taxonomy's code)."""


async def pay_payroll_from_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
) -> int:
    """Returns how many lines it posted."""
    matched = select(col(MatchRow.id)).where(col(MatchRow.statement_line_id) == col(StatementLineRow.id)).exists()
    lines = list(
        await session.scalars(
            select(StatementLineRow)
            .where(col(StatementLineRow.statement_id) == statement_id, col(StatementLineRow.amount_pence) < 0, ~matched)
            .order_by(col(StatementLineRow.value_on), col(StatementLineRow.source_line))
        )
    )
    if not lines:
        return 0
    dues = await payroll_dues(session, account_id, max(line.value_on for line in lines))
    used: set[int] = set()
    posted_count = 0
    for line in lines:
        index = match_payment(line.value_on, -line.amount_pence, dues, used)
        if index is None:
            continue
        used.add(index)
        due = dues[index]
        narration = f"{line.description}: {due.says}"
        await post_statement_line(
            session, actor, account_id, mandate_id, line, due.code, narration=narration[:500], said={"clears": due.says}
        )
        # a line imported before its pay run was finalised carries a guess from its words; this replaces it
        category = await session.get(LineCategoryRow, line.id) or LineCategoryRow(
            line_id=line.id, book_id=account_id, payee_key=payee_key(line.description)
        )
        category.category, category.source, category.confirmed = PA_WAGES, "payroll", True
        category.reason = f"Pays the {due.says}."[:300]
        session.add(category)
        posted_count += 1
    await session.flush()
    return posted_count
