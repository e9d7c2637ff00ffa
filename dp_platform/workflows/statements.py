"""Importing a bank statement for a DP account, with the access check and the audit event."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dp_platform.audit.writer import note_unchanged, record_account_event, record_event
from dp_platform.parsing import parse_in_worker
from dp_platform.tenancy.access import authorize
from dp_platform.tenancy.policy import Action, Actor
from dp_platform.workflows.agreements import receive_from_statement
from dp_platform.workflows.bank_to_ledger import follow_statement
from dp_platform.workflows.payroll_payments import pay_payroll_from_statement
from dp_platform.workflows.reconciliation import post_statement_line
from dp_platform.workflows.spending import check_imported_statement
from ledgers.client_money.transfers import IN_TRANSIT, transfer_pairs
from ledgers.keyset import Keyset
from ledgers.service import ensure_account
from ledgers.statements.csv_import import PROFILES
from ledgers.statements.profiles import definition_of, describe, save_profile, saved_profiles
from ledgers.statements.service import ImportResult, account_statements, book_lines, import_statement
from ledgers.tables import CsvProfileRow, StatementLineRow, StatementRow


async def import_account_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    *,
    filename: str,
    data: bytes,
    format: str | None = None,
    profile: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """``actor=None`` is the operator at the command line, who is trusted with the database anyway.

    Payroll payments are paid first, so they are never categorised as spending; then the spend checks
    suggest categories; then the ledger follows the bank as far as it can without asking."""
    mandate_id = None
    if actor is not None:
        mandate_id = (await authorize(session, actor, account_id, Action.IMPORT_STATEMENTS)).mandate_id
    result = await import_statement(
        session,
        account_id,
        filename=filename,
        data=data,
        format=format,
        profile=profile,
        progress=progress,
        parse=parse_in_worker,
    )
    if result.duplicate_file:
        note_unchanged()
        return result
    await record_event(
        session,
        actor=actor,
        action="ledger.statement_imported",
        subject_type="statement",
        subject_id=result.statement_id,
        account_id=account_id,
        mandate_id=mandate_id,
        details={
            "filename": filename,
            "format": result.format,
            "lines_in_file": result.lines_in_file,
            "new_lines": result.new_lines,
            "start_on": result.start_on.isoformat(),
            "end_on": result.end_on.isoformat(),
        },
    )
    await follow_new_statement(session, actor, account_id, result.statement_id, mandate_id)
    return result


async def follow_new_statement(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
) -> None:
    """The records follow a statement just stored (a person's own, or their share of a pooled one):
    money moving between the person's own accounts, council payments received, payroll paid,
    spending checked, the rest suggested or posted."""
    await record_transfers(session, actor, account_id, statement_id, mandate_id)
    await receive_from_statement(session, actor, account_id, statement_id, mandate_id)
    await pay_payroll_from_statement(session, actor, account_id, statement_id, mandate_id)
    await check_imported_statement(session, actor, account_id, statement_id, mandate_id)
    await follow_statement(session, actor, account_id, statement_id, mandate_id, payroll_paid=True)


async def describe_bank_layout(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, name: str, **columns: Any
) -> CsvProfileRow:
    """A person describes their bank's CSV columns once; the account reads the next file the same way."""
    access = await authorize(session, actor, account_id, Action.IMPORT_STATEMENTS)
    row = await save_profile(session, account_id, describe(name=name, **columns))
    await record_account_event(
        session,
        access,
        actor=actor,
        action="ledger.bank_layout_described",
        subject_type="csv_profile",
        subject_id=row.id,
        details=row.definition,
    )
    return row


async def bank_layouts(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID
) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every layout a file of this account can be read in: ``(name, bank, what was described)``."""
    await authorize(session, actor, account_id, Action.VIEW)
    built_in = [(profile.name, profile.bank, None) for profile in PROFILES.values()]
    saved = [
        (name, profile.bank, definition_of(profile))
        for name, profile in (await saved_profiles(session, account_id)).items()
    ]
    return built_in + saved


async def record_transfers(
    session: AsyncSession,
    actor: Actor | None,
    account_id: uuid.UUID,
    statement_id: uuid.UUID,
    mandate_id: uuid.UUID | None,
) -> int:
    """Lines that are the person's money moving between their own accounts, recorded against money in
    transit on both sides (not as spending or income), before anything else reads the statement."""
    pairs = await transfer_pairs(session, account_id, statement_id)
    if pairs:
        await ensure_account(session, account_id, IN_TRANSIT)
    for pair in pairs:
        for line in pair:
            await post_statement_line(
                session,
                actor,
                account_id,
                mandate_id,
                line,
                IN_TRANSIT.code,
                narration=f"Money moving between accounts: {line.description}"[:500],
                said={"because": "the same amount left one of the person's accounts and reached another"},
            )
    return len(pairs)


async def statements_of(
    session: AsyncSession, actor: Actor, account_id: uuid.UUID, *, page: Keyset
) -> list[StatementRow]:
    """Oldest first."""
    await authorize(session, actor, account_id, Action.VIEW)
    return await account_statements(session, account_id, page=page, newest_first=False)


async def statement_lines_of(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    value_from: date | None,
    value_to: date | None,
    page: Keyset,
) -> list[StatementLineRow]:
    await authorize(session, actor, account_id, Action.VIEW)
    return await book_lines(session, account_id, value_from=value_from, value_to=value_to, page=page)
