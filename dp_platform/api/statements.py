"""Bank statements of a DP account: upload (CSV, OFX, PDF), list, and the stored lines."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body

from dp_platform.api.paging import keyset, page_of, paged
from dp_platform.api.schemas.statements import (
    BankLayoutIn,
    BankLayoutOut,
    StatementImportJobOut,
    StatementImportOut,
    StatementLineOut,
    StatementOut,
    StatementUploadIn,
    SuggestionsAcceptedOut,
)
from dp_platform.audit.writer import note_unchanged
from dp_platform.db.sessions import DbSession
from dp_platform.jobs.in_app import work_after
from dp_platform.jobs.stale import is_stale
from dp_platform.jobs.statement_import import (
    LARGE_STATEMENT_BYTES,
    import_job_of,
    start_statement_import,
)
from dp_platform.jobs.statuses import JobStatus
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.bank_to_ledger import accept_suggestions
from dp_platform.workflows.records import JobRow
from dp_platform.workflows.statements import (
    bank_layouts,
    describe_bank_layout,
    import_account_statement,
    statement_lines_of,
    statements_of,
)

MAX_STATEMENT_BYTES = 64 * 1024 * 1024


def _job_href(account_id: uuid.UUID, job_id: uuid.UUID) -> str:
    return f"/api/accounts/{account_id}/statements/imports/{job_id}"


def to_import_job(job: JobRow) -> StatementImportJobOut:
    assert job.account_id is not None
    return StatementImportJobOut(
        id=job.id,
        href=_job_href(job.account_id, job.id),
        status=job.status,
        filename=job.parameters["filename"],
        lines_stored=job.done,
        lines_to_store=job.total,
        started_at=job.created_at,
        finished_at=job.finished_at,
        stopped=is_stale(job),
        result=StatementImportOut(**job.result[0]) if job.status == JobStatus.DONE and job.result else None,
        error=job.error,
    )


class StatementController(Controller):
    path = "/api/accounts/{account_id:uuid}/statements"
    tags = ["Ledger"]

    @post(
        "",
        operation_id="ImportStatement",
        request_max_body_size=MAX_STATEMENT_BYTES,
        responses={
            200: ResponseSpec(
                StatementImportOut,
                description="The same file was imported before: nothing new stored, the first import",
            ),
            202: ResponseSpec(
                StatementImportJobOut,
                description=f"A file over {LARGE_STATEMENT_BYTES // 1_048_576} MB, or asked for with 'Prefer: "
                "respond-async': kept and imported after this answer; follow the Location header",
            ),
        },
    )
    async def import_statement(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        data: Annotated[StatementUploadIn, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[StatementImportOut | StatementImportJobOut]:
        """All or nothing: a bad file is refused naming its line and field, and stores nothing. A large file
        (or any, with ``Prefer: respond-async``) is answered 202 at once and imported after, all or nothing
        the same; ``GET`` the Location to follow it."""
        content = await data.file.read()
        filename = data.file.filename or "statement"
        if len(content) > LARGE_STATEMENT_BYTES or "respond-async" in request.headers.get("prefer", ""):
            job = await start_statement_import(
                db_session,
                actor,
                account_id,
                filename=filename,
                data=content,
                format=data.format or None,
                profile=data.profile or None,
            )
            return Response(
                to_import_job(job),
                status_code=202,
                headers={"Location": _job_href(account_id, job.id)},
                background=work_after(request),
            )
        result = await import_account_statement(
            db_session,
            actor,
            account_id,
            filename=filename,
            data=content,
            format=data.format or None,
            profile=data.profile or None,
        )
        body = StatementImportOut(
            statement_id=result.statement_id,
            format=result.format,
            lines_in_file=result.lines_in_file,
            new_lines=result.new_lines,
            known_lines=result.known_lines,
            start_on=result.start_on,
            end_on=result.end_on,
            duplicate_file=result.duplicate_file,
        )
        return Response(body, status_code=200 if result.duplicate_file else 201)

    @get("/imports/{job_id:uuid}", operation_id="GetStatementImport")
    async def import_job(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, job_id: uuid.UUID
    ) -> StatementImportJobOut:
        """How far a large statement's import has got, and its result or why it was refused."""
        return to_import_job(await import_job_of(db_session, actor, account_id, job_id))

    @get("", operation_id="ListStatements")
    async def list_statements(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[StatementOut]]:
        """Oldest first, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, uuid.UUID)
        rows = await statements_of(db_session, actor, account_id, page=page)
        return page_of(
            request,
            page,
            rows,
            lambda row: (row.start_on, row.id),
            lambda row: StatementOut(**{name: getattr(row, name) for name in StatementOut.__struct_fields__}),
        )

    @post("/{statement_id:uuid}/accept-suggestions", operation_id="AcceptStatementSuggestions", status_code=200)
    async def accept(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, statement_id: uuid.UUID
    ) -> SuggestionsAcceptedOut:
        """Record every line of the statement the ledger does not hold yet as its suggestion says, each
        checked against the spend rules as if chosen by hand; lines with no suggestion keep waiting."""
        followed = await accept_suggestions(db_session, actor, account_id, statement_id)
        if not (followed.posted or followed.matched):
            note_unchanged()
        return SuggestionsAcceptedOut(
            matched=followed.matched,
            posted=followed.posted,
            waiting=followed.waiting,
            needs_council=followed.needs_council,
        )

    @get("/layouts", operation_id="ListBankLayouts")
    async def layouts(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> list[BankLayoutOut]:
        """The bank CSV layouts a file of this account is recognised in: built in, and described for it."""
        return [
            BankLayoutOut(name=name, bank=bank, built_in=definition is None, definition=definition)
            for name, bank, definition in await bank_layouts(db_session, actor, account_id)
        ]

    @put("/layouts/{name:str}", operation_id="DescribeBankLayout")
    async def describe(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        name: str,
        data: Annotated[BankLayoutIn, Body()],
    ) -> BankLayoutOut:
        """Describe the columns of a bank's CSV file once; the next file in that layout is recognised by
        its headings (or, with no heading row, its shape) and read the same way."""
        row = await describe_bank_layout(
            db_session, actor, account_id, name, **{field: getattr(data, field) for field in data.__struct_fields__}
        )
        return BankLayoutOut(name=row.name, bank=f"your layout '{row.name}'", built_in=False, definition=row.definition)

    @get("/lines", operation_id="ListStatementLines")
    async def lines(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        value_from: date | None = None,
        value_to: date | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[StatementLineOut]]:
        """The account's bank lines in date order, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, date, uuid.UUID)
        rows = await statement_lines_of(
            db_session, actor, account_id, value_from=value_from, value_to=value_to, page=page
        )
        items = [
            StatementLineOut(**{name: getattr(row, name) for name in StatementLineOut.__struct_fields__})
            for row in rows
        ]
        return paged(request, items, page, (rows[-1].value_on, rows[-1].id) if rows else None)
