"""A bureau's run taken a batch of employers at a time: a few statements a batch, whatever its size, and
each employer's problem still that employer's own."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from benchmarks.bureau import START, populate_bureau
from dp_platform.audit.tables import AuditEventRow
from dp_platform.audit.verify import verify_audit_trail
from dp_platform.tenancy.access import AccountAccess, authorize, authorize_many, load_user_actor
from dp_platform.tenancy.policy import Action
from dp_platform.tenancy.tables import DpAccountRow, MandateRow
from dp_platform.workflows.bureau import run_bureau_payroll
from ledgers.columns import utc_now
from ledgers.errors import DomainError
from ledgers.tables import JournalEntryRow, LedgerAccountRow
from payroll.periods import PayFrequency
from payroll.tables import PayRunHoursRow, PayRunRow, PayslipRow, PersonalAssistantRow, TimesheetEntryRow

pytestmark = pytest.mark.integration

PERIOD = {
    "frequency": PayFrequency.FOUR_WEEKLY,
    "period_number": 1,
    "period_start": START,
    "period_end": START + timedelta(days=27),
    "paid_on": date(2026, 5, 1),
    "finalise": True,
}


async def _bureau(db, employers: int):  # type: ignore[no-untyped-def]
    sessions = async_sessionmaker(db, expire_on_commit=False)
    staff_id = await populate_bureau(sessions, employers * 2, 2)
    async with sessions() as session:
        actor = await load_user_actor(session, staff_id)
        accounts = list(await session.scalars(select(DpAccountRow).order_by(DpAccountRow.reference)))
    return sessions, actor, accounts


async def _counted_run(db, sessions, actor) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    seen = []

    def count(*_args):  # type: ignore[no-untyped-def]
        seen.append(1)

    event.listen(db.sync_engine, "before_cursor_execute", count)
    try:
        outcomes = await run_bureau_payroll(sessions, actor, **PERIOD)
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", count)
    return len(seen), [outcome.status for outcome in outcomes]


async def test_a_batch_takes_the_same_statements_for_ten_employers_as_for_sixty(db):
    sessions, actor, accounts = await _bureau(db, 60)
    later = [account.id for account in accounts[10:]]
    async with sessions() as session, session.begin():
        await session.execute(
            update(MandateRow)
            .where(MandateRow.account_id.in_(later))
            .values(revoked_at=utc_now(), revoked_by_user_id=MandateRow.granted_by_user_id)
        )
    ten, statuses = await _counted_run(db, sessions, actor)
    assert statuses == ["finalised"] * 10
    async with sessions() as session, session.begin():
        await session.execute(update(MandateRow).values(revoked_at=None, revoked_by_user_id=None))
    sixty, statuses = await _counted_run(db, sessions, actor)
    assert sorted(statuses) == ["finalised"] * 50 + ["skipped"] * 10
    assert ten == sixty, f"{ten} statements for 10 employers, {sixty} for 60: the run is not set-based"
    assert sixty < 40


async def test_one_employers_problem_is_its_own_and_nothing_is_paid_twice(db):
    sessions, actor, accounts = await _bureau(db, 8)
    no_birthday, revoked, underpaid = accounts[0].id, accounts[1].id, accounts[2].id
    async with sessions() as session, session.begin():
        await session.execute(
            update(PersonalAssistantRow)
            .where(PersonalAssistantRow.account_id == no_birthday)
            .values(date_of_birth=None)
        )
        await session.execute(
            update(MandateRow)
            .where(MandateRow.account_id == revoked)
            .values(revoked_at=utc_now(), revoked_by_user_id=MandateRow.granted_by_user_id)
        )
        underpaid_pas = select(PersonalAssistantRow.id).where(PersonalAssistantRow.account_id == underpaid)
        await session.execute(
            update(TimesheetEntryRow).where(TimesheetEntryRow.pa_id.in_(underpaid_pas)).values(hourly_rate_pence=1000)
        )
    outcomes = {outcome.account_id: outcome for outcome in await run_bureau_payroll(sessions, actor, **PERIOD)}
    assert outcomes[no_birthday].status == "failed" and "no date of birth" in outcomes[no_birthday].detail
    assert revoked not in outcomes, "a revoked mandate's employer is not in the bureau's run at all"
    assert outcomes[underpaid].status == "draft" and "fair-work finding" in outcomes[underpaid].detail
    paid = [account.id for account in accounts[3:]]
    assert all(outcomes[account_id].status == "finalised" for account_id in paid)
    assert all(outcomes[account_id].payslips == 2 for account_id in paid)
    async with sessions() as session:
        runs = dict((await session.execute(select(PayRunRow.account_id, PayRunRow.status))).all())
        assert runs == {underpaid: "draft", **{account_id: "finalised" for account_id in paid}}
        entries = await session.scalar(select(func.count()).select_from(JournalEntryRow))
        assert entries == len(paid)
        events = (
            await session.execute(
                select(AuditEventRow.account_id, AuditEventRow.action, AuditEventRow.mandate_id).order_by(
                    AuditEventRow.chain, AuditEventRow.seq
                )
            )
        ).all()
        mandates = dict((await session.execute(select(MandateRow.account_id, MandateRow.id))).all())
        for account_id in paid:
            assert [(action, mandate) for account, action, mandate in events if account == account_id] == [
                ("payrun.drafted", mandates[account_id]),
                ("payrun.finalised", mandates[account_id]),
            ]
        assert [action for account, action, _ in events if account == underpaid] == ["payrun.drafted"]
        assert not [action for account, action, _ in events if account in (no_birthday, revoked)]
        for account_id in paid:
            assert (await verify_audit_trail(session, account_id=account_id)).ok

    again = {outcome.account_id: outcome for outcome in await run_bureau_payroll(sessions, actor, **PERIOD)}
    assert all(again[account_id].status == "skipped" for account_id in paid)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(JournalEntryRow)) == len(paid)
        assert await session.scalar(select(func.count()).select_from(PayslipRow)) == 2 * len(paid) + 2
        assert await session.scalar(
            select(func.count()).select_from(PayRunHoursRow).where(PayRunHoursRow.finalised.is_(True))
        ) == 14 * 2 * len(paid)


async def test_a_batch_that_fails_while_writing_goes_again_one_employer_at_a_time(db):
    sessions, actor, accounts = await _bureau(db, 5)
    broken = accounts[3].id
    async with sessions() as session, session.begin():  # a ledger without its pension account refuses the run
        await session.execute(
            delete(LedgerAccountRow).where(
                LedgerAccountRow.book_id == broken, LedgerAccountRow.code == "liabilities:pension:due"
            )
        )
    outcomes = {outcome.account_id: outcome for outcome in await run_bureau_payroll(sessions, actor, **PERIOD)}
    assert outcomes[broken].status == "failed" and "The ledger refused the pay run" in outcomes[broken].detail
    assert [outcomes[account.id].status for account in accounts if account.id != broken] == ["finalised"] * 4
    async with sessions() as session:
        runs = dict((await session.execute(select(PayRunRow.account_id, PayRunRow.status))).all())
        assert broken not in runs, "the broken employer's draft went with its transaction"
        assert await session.scalar(select(func.count()).select_from(JournalEntryRow)) == 4
        assert await session.scalar(select(func.count()).select_from(AuditEventRow)) == 8


@pytest.mark.parametrize("user", ["bureau_x", "bureau_y", "ann", "finance_a"])
async def test_deciding_many_accounts_at_once_decides_each_as_one_at_a_time(db, world, user):
    sessions = async_sessionmaker(db, expire_on_commit=False)
    ids = [world.accounts["a1"], world.accounts["a2"], world.accounts["b1"], uuid.uuid4()]
    async with sessions() as session:
        actor = await load_user_actor(session, world.users[user])
        for action in (Action.VIEW, Action.RUN_PAYROLL):
            many = await authorize_many(session, actor, ids, action)
            for account_id in ids:
                try:
                    one: object = await authorize(session, actor, account_id, action)
                except DomainError as error:
                    one = error
                got = many[account_id]
                assert type(got) is type(one), (user, action, account_id)
                if isinstance(one, AccountAccess):
                    assert got.mandate_id == one.mandate_id and got.decision == one.decision
                else:
                    assert got.detail == one.detail


async def test_hours_another_run_pays_while_the_batch_runs_send_it_one_employer_at_a_time(db):
    """A run finalised elsewhere pays one of this period's lines after the batch read them: writing the
    batch's hours as paid meets the database's rule that a line is paid once, and the batch goes again
    one employer a transaction, where that employer is seen to be paid."""
    import asyncio

    sessions, actor, accounts = await _bureau(db, 3)
    raced = accounts[1].id
    async with sessions() as session:
        entry = await session.scalar(
            select(TimesheetEntryRow)
            .join(PersonalAssistantRow, PersonalAssistantRow.id == TimesheetEntryRow.pa_id)
            .where(PersonalAssistantRow.account_id == raced)
            .limit(1)
        )
    elsewhere = sessions()
    await elsewhere.begin()
    other = PayRunRow(
        account_id=raced,
        frequency="four_weekly",
        tax_year_start=date(2026, 4, 6),
        period_number=13,
        version=1,
        period_start=START,
        period_end=START,
        paid_on=START,
        status="finalised",
    )
    elsewhere.add(other)
    await elsewhere.flush()
    elsewhere.add(PayRunHoursRow(pay_run_id=other.id, timesheet_entry_id=entry.id, finalised=True))
    await elsewhere.flush()  # not committed: the batch reads the line as unpaid, then waits on it
    running = asyncio.create_task(run_bureau_payroll(sessions, actor, **PERIOD))
    await asyncio.sleep(1.0)
    await elsewhere.commit()
    await elsewhere.close()
    outcomes = {outcome.account_id: outcome for outcome in await running}
    assert outcomes[raced].status == "skipped" and "were paid by the pay run" in outcomes[raced].detail
    assert [outcomes[account.id].status for account in accounts if account.id != raced] == ["finalised"] * 2
    async with sessions() as session:
        paid_twice = await session.scalar(
            select(func.count())
            .select_from(PayRunHoursRow)
            .where(PayRunHoursRow.timesheet_entry_id == entry.id, PayRunHoursRow.finalised.is_(True))
        )
    assert paid_twice == 1
