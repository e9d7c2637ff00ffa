"""A managed-account provider's pooled client accounts: open, clients, pooled statements, lines given
to clients, and the client-money check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.client_accounts import (
    AssignLineIn,
    AssignmentsOut,
    ChargeFeesIn,
    ClientAccountIn,
    ClientAccountOut,
    ClientCheckOut,
    ClientIn,
    ClientLeaveIn,
    ClientMoneyCheckOut,
    ClientOut,
    ClientStatementImportOut,
    FeesChargedOut,
    HeldByOut,
    WaitingLineOut,
)
from dp_platform.api.schemas.statements import StatementUploadIn
from dp_platform.api.statements import MAX_STATEMENT_BYTES
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.client_fees import charge_agreed_fees
from dp_platform.workflows.client_money import (
    add_client,
    assign_line,
    assign_waiting_lines,
    check_client_money,
    client_account,
    clients,
    end_client,
    held_by_provider,
    import_client_statement,
    open_client_account,
    organisation_client_accounts,
)
from dp_platform.workflows.records import PoolMemberRow, PoolRow
from ledgers.client_money.service import Assigned, waiting_lines
from ledgers.errors import DomainError


class NotHeldError(DomainError):
    category = "not_found"
    title = "Not held by a provider"


def _account(pool: PoolRow) -> ClientAccountOut:
    return ClientAccountOut(id=pool.id, name=pool.name, opened_on=pool.opened_on)


def _client(member: PoolMemberRow) -> ClientOut:
    return ClientOut(
        account_id=member.member_book_id,
        name=member.name,
        reference=member.reference,
        joined_on=member.joined_on,
        left_on=member.left_on,
    )


def _assignments(assigned: Assigned) -> AssignmentsOut:
    return AssignmentsOut(
        by_reference=assigned.by_reference,
        by_memory=assigned.by_memory,
        by_hand=assigned.by_hand,
        waiting=assigned.waiting,
    )


class OrganisationClientAccountController(Controller):
    path = "/api/organisations/{organisation_id:uuid}/client-accounts"
    tags = ["Client accounts"]

    @get("", operation_id="ListClientAccounts")
    async def list_accounts(
        self, db_session: DbSession, actor: Actor, organisation_id: uuid.UUID
    ) -> list[ClientAccountOut]:
        """The provider's pooled client accounts (its own staff only)."""
        return [_account(pool) for pool in await organisation_client_accounts(db_session, actor, organisation_id)]

    @post("", operation_id="OpenClientAccount")
    async def open(
        self,
        db_session: DbSession,
        actor: Actor,
        organisation_id: uuid.UUID,
        data: Annotated[ClientAccountIn, Body()],
    ) -> ClientAccountOut:
        """A managed-account provider records a pooled client bank account it holds for its clients."""
        held = await open_client_account(db_session, actor, organisation_id, name=data.name, opened_on=data.opened_on)
        return _account(held.pool)


class ClientAccountController(Controller):
    path = "/api/client-accounts/{pool_id:uuid}"
    tags = ["Client accounts"]

    @get("", operation_id="GetClientAccount")
    async def get_account(self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID) -> ClientAccountOut:
        return _account((await client_account(db_session, actor, pool_id)).pool)

    @get("/clients", operation_id="ListClients")
    async def list_clients(self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID) -> list[ClientOut]:
        """The people whose money the account holds, by reference."""
        return [_client(member) for member in await clients(db_session, actor, pool_id)]

    @post("/clients", operation_id="AddClient")
    async def add(
        self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID, data: Annotated[ClientIn, Body()]
    ) -> ClientOut:
        """A person's money joins the account: the provider must hold their ``manage_money`` mandate."""
        member = await add_client(
            db_session, actor, pool_id, data.account_id, reference=data.reference, joined_on=data.joined_on
        )
        return _client(member)

    @post("/clients/{account_id:uuid}/leave", operation_id="EndClient", status_code=200)
    async def leave(
        self,
        db_session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        account_id: uuid.UUID,
        data: Annotated[ClientLeaveIn, Body()],
    ) -> ClientOut:
        """The person's money leaves the account, settled: refused while anything is still held for them
        or a waiting line names them."""
        return _client(await end_client(db_session, actor, pool_id, account_id, left_on=data.left_on))

    @post("/statements", operation_id="ImportClientAccountStatement", request_max_body_size=MAX_STATEMENT_BYTES)
    async def import_statement(
        self,
        db_session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        data: Annotated[StatementUploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> ClientStatementImportOut:
        """The pooled statement, all or nothing, each line once; every line given to the client its
        reference names or whose payee it was last time, the rest listed as waiting. Each client's
        records follow their share."""
        imported = await import_client_statement(
            db_session,
            actor,
            pool_id,
            filename=data.file.filename or "statement",
            data=await data.file.read(),
            format=data.format or None,
            profile=data.profile or None,
        )
        result = imported.statement
        return ClientStatementImportOut(
            statement_id=result.statement_id,
            format=result.format,
            lines_in_file=result.lines_in_file,
            new_lines=result.new_lines,
            start_on=result.start_on,
            end_on=result.end_on,
            duplicate_file=result.duplicate_file,
            assigned=_assignments(imported.assigned),
        )

    @get("/waiting", operation_id="ListWaitingClientLines")
    async def waiting(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[WaitingLineOut]]:
        """Bank lines given to nobody yet, oldest first, in pages of at most 1,000."""
        await client_account(db_session, actor, pool_id)
        page = keyset(limit, after, date, uuid.UUID)
        lines = await waiting_lines(db_session, pool_id, page=page)
        return page_of(
            request,
            page,
            lines,
            lambda line: (line.value_on, line.id),
            lambda line: WaitingLineOut(
                id=line.id,
                value_on=line.value_on,
                description=line.description,
                amount_pence=line.amount_pence,
                reference=line.reference,
            ),
        )

    @post("/assign-waiting", operation_id="AssignWaitingClientLines", status_code=200)
    async def assign_waiting(self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID) -> AssignmentsOut:
        """Try the waiting lines again: a client joined since, or a payee became known."""
        return _assignments(await assign_waiting_lines(db_session, actor, pool_id))

    @post("/lines/{line_id:uuid}/assign", operation_id="AssignClientLine", status_code=200)
    async def assign(
        self,
        db_session: DbSession,
        actor: Actor,
        pool_id: uuid.UUID,
        line_id: uuid.UUID,
        data: Annotated[AssignLineIn, Body()],
    ) -> AssignmentsOut:
        """Say whose a waiting line is (a client, or the provider's own money); a line is given once."""
        return _assignments(await assign_line(db_session, actor, pool_id, line_id, data.account_id))

    @post("/fees", operation_id="ChargeClientFees", status_code=200)
    async def fees(
        self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID, data: Annotated[ChargeFeesIn, Body()]
    ) -> FeesChargedOut:
        """Charge each client the fees their agreement sets (set-up, and for each payment) due by a day,
        each once however often this runs; each shows in their statement, records and audit trail."""
        charged = await charge_agreed_fees(db_session, actor, pool_id, data.on)
        return FeesChargedOut(charged=charged.charged, total_pence=charged.total_pence)

    @get("/check", operation_id="CheckClientMoney")
    async def check(
        self, db_session: DbSession, actor: Actor, pool_id: uuid.UUID, on: date | None = None
    ) -> ClientMoneyCheckOut:
        """The client-money check: the bank's balance against the clients' money, the provider's own
        money and the lines not yet given, and each client's sub-ledger against their own records."""
        found = await check_client_money(db_session, actor, pool_id, on)
        return ClientMoneyCheckOut(
            on=found.on,
            bank_pence=found.bank_pence,
            statement_on=found.statement_on,
            ledger_bank_pence=found.ledger_bank_pence,
            clients_pence=found.clients_pence,
            own_money_pence=found.own_money_pence,
            unassigned_pence=found.unassigned_pence,
            unassigned_lines=found.unassigned_lines,
            difference_pence=found.difference_pence,
            balanced=found.balanced,
            problems=found.problems(),
            clients=[
                ClientCheckOut(
                    account_id=member.member.member_book_id,
                    name=member.member.name,
                    reference=member.member.reference,
                    sub_ledger_pence=member.sub_ledger_pence,
                    own_records_pence=member.own_book_pence,
                    agrees=member.agrees,
                )
                for member in found.members
            ],
        )


class HeldByController(Controller):
    path = "/api/accounts/{account_id:uuid}/client-account"
    tags = ["Client accounts"]

    @get("", operation_id="GetAccountClientAccount")
    async def held_by(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> HeldByOut:
        """Which provider holds this person's money in its client account, how much, and whether the
        provider's client-money check balances (to the person, their council and the provider); 404
        when the money is in the person's own account."""
        held = await held_by_provider(db_session, actor, account_id)
        if held is None:
            raise NotHeldError("This account's money is in its own bank account, not held by a provider.")
        return HeldByOut(
            provider=held.provider,
            client_account=held.client_account,
            client_account_id=held.pool_id,
            reference=held.reference,
            held_pence=held.held_pence,
            on=held.on,
            balanced=held.balanced,
            problems=list(held.problems),
        )
