"""Direct Payment agreements: templates, drafts, signatures, variations, termination, the
payment schedule, and the agreement as a PDF or accessible HTML."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Body

from agreements.content import ClauseChange, TermChange
from agreements.defaults import DEFAULTS
from agreements.errors import AgreementInvalidError
from agreements.payments import PaymentState, payment_states
from agreements.render_html import render_html
from agreements.render_pdf import render_pdf
from agreements.service import Agreement, changes_of
from agreements.template import Template, template, templates
from agreements.validation import check_terms
from dp_platform.api.paging import keyset, page_of
from dp_platform.api.schemas.agreements import (
    AgreementIn,
    AgreementOut,
    AgreementSummaryOut,
    ClauseChangeOut,
    ClauseOut,
    DefaultOut,
    PaymentReceivedOut,
    ScheduledPaymentOut,
    SignatureIn,
    SignatureOut,
    TemplateOut,
    TermChangeOut,
    TerminateIn,
    TermsIn,
    TermsProblemOut,
    ValidationOut,
    VariationIn,
    VersionOut,
    WithdrawIn,
    WordingIn,
)
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor, today
from dp_platform.workflows.agreements import (
    agreements_of,
    draft_for_account,
    pa_minimum_floors,
    record_payment_for_account,
    redraft_for_account,
    set_authority_wording,
    sign_for_account,
    terminate_for_account,
    vary_for_account,
    viewable_agreement,
    withdraw_for_account,
)


def to_template(chosen: Template) -> TemplateOut:
    return TemplateOut(
        key=chosen.key,
        title=chosen.title,
        description=chosen.description,
        clauses=[
            ClauseOut(
                id=c.id,
                heading=c.heading,
                scope=c.scope,
                summary=c.summary,
                text=c.text,
                source=c.source,
                sources=[{"title": title, "url": url} for title, url in c.sources],
            )
            for c in chosen.clauses
        ],
        sources=[{"title": title, "url": url} for title, url in chosen.sources],
        defaults=[
            DefaultOut(
                name=d.name,
                value=d.value,
                means=d.means,
                why=d.why,
                sources=[{"title": title, "url": url} for title, url in d.sources],
            )
            for d in DEFAULTS
        ],
    )


def _changes(clauses: list[ClauseChange], terms: list[TermChange]) -> tuple[list[ClauseChangeOut], list[TermChangeOut]]:
    return (
        [ClauseChangeOut(id=c.id, heading=c.heading, change=c.change, before=c.before, after=c.after) for c in clauses],
        [TermChangeOut(path=t.path, before=t.before, after=t.after) for t in terms],
    )


def to_agreement(agreement: Agreement) -> AgreementOut:
    row = agreement.agreement
    versions = []
    for version in agreement.versions:
        clauses, terms = _changes(*changes_of(agreement, version))
        versions.append(
            VersionOut(
                number=version.number,
                status=version.status,
                content_hash=version.content_hash,
                varies_number=version.varies_number,
                variation_reason=version.variation_reason,
                warnings=list(version.warnings),
                signatures=[
                    SignatureOut(
                        party=s.party,
                        capacity=s.capacity,
                        signer_name=s.signer_name,
                        content_hash=s.content_hash,
                        signed_at=s.signed_at,
                    )
                    for s in agreement.signatures_of(version)
                ],
                clauses_changed=clauses,
                terms_changed=terms,
                content=version.content,
            )
        )
    return AgreementOut(
        id=row.id,
        account_id=row.account_id,
        reference=row.reference,
        template=row.template_key,
        status=row.status,
        in_force_version=row.in_force_version,
        terminated_on=row.terminated_on,
        termination_reason=row.termination_reason,
        termination_notified_on=row.termination_notified_on,
        termination_explanation=row.termination_explanation,
        versions=versions,
    )


def to_payment(state: PaymentState) -> ScheduledPaymentOut:
    p = state.scheduled
    return ScheduledPaymentOut(
        due_on=p.due_on,
        covers_from=p.covers_from,
        covers_to=p.covers_to,
        days_covered=p.days_covered,
        days_in_period=p.days_in_period,
        gross_pence=p.gross_pence,
        contribution_pence=p.contribution_pence,
        net_pence=p.net_pence,
        status=state.status,
        received_on=state.received.received_on if state.received else None,
        ledger_entry_id=state.received.ledger_entry_id if state.received else None,
    )


class AgreementTemplateController(Controller):
    path = "/api"
    tags = ["Agreements"]

    @get("/agreement-templates", operation_id="ListAgreementTemplates")
    async def list_templates(self) -> list[TemplateOut]:
        """Every model agreement template, each clause with its plain-language summary, scope and source."""
        return [to_template(chosen) for chosen in templates().values()]

    @get("/agreement-templates/{template_key:str}", operation_id="GetAgreementTemplate")
    async def get_template(self, template_key: str) -> TemplateOut:
        return to_template(template(template_key))

    @put(
        "/authorities/{authority_id:uuid}/agreement-wording/{template_key:str}/{clause_id:str}",
        operation_id="SetAuthorityWording",
    )
    async def set_wording(
        self,
        db_session: DbSession,
        actor: Actor,
        authority_id: uuid.UUID,
        template_key: str,
        clause_id: str,
        data: Annotated[WordingIn, Body()],
    ) -> dict[str, str]:
        """The authority's own words for a localisable clause, used in its agreements drafted from now on."""
        await set_authority_wording(
            db_session, actor, authority_id, template_key, clause_id, summary=data.summary, text=data.text
        )
        return {"template": template_key, "clause_id": clause_id, "summary": data.summary, "text": data.text}


class AgreementController(Controller):
    path = "/api/accounts/{account_id:uuid}/agreements"
    tags = ["Agreements"]

    @get("/", operation_id="ListAgreements")
    async def list_agreements(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[AgreementSummaryOut]]:
        """Oldest first, in pages of at most 1,000 (a Link header names the next)."""
        page = keyset(limit, after, datetime, uuid.UUID)
        return page_of(
            request,
            page,
            await agreements_of(db_session, actor, account_id, page=page),
            lambda row: (row.created_at, row.id),
            lambda row: AgreementSummaryOut(
                id=row.id,
                reference=row.reference,
                template=row.template_key,
                status=row.status,
                in_force_version=row.in_force_version,
            ),
        )

    @post("/", operation_id="DraftAgreement")
    async def draft(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[AgreementIn, Body()]
    ) -> AgreementOut:
        """Draft an agreement from a template and terms; refused with every problem named (422)."""
        return to_agreement(
            await draft_for_account(db_session, actor, account_id, template_key=data.template, terms=data.terms)
        )

    @get("/{agreement_id:uuid}", operation_id="GetAgreement")
    async def get_agreement(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID
    ) -> AgreementOut:
        return to_agreement(await viewable_agreement(db_session, actor, account_id, agreement_id))

    @put("/{agreement_id:uuid}/draft", operation_id="RedraftAgreement")
    async def redraft(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[TermsIn, Body()],
    ) -> AgreementOut:
        """New terms for a draft nobody has signed yet."""
        return to_agreement(await redraft_for_account(db_session, actor, account_id, agreement_id, data.terms))

    @get("/{agreement_id:uuid}/validation", operation_id="ValidateAgreement")
    async def validation(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID
    ) -> ValidationOut:
        """The latest version checked again against today's rate data (a rate published since may add a problem)."""
        agreement = await viewable_agreement(db_session, actor, account_id, agreement_id)
        try:
            warnings = check_terms(agreement.terms(), pa_minimum_floors())
            problems: list[TermsProblemOut] = []
        except AgreementInvalidError as invalid:
            warnings, problems = [], [TermsProblemOut(**problem) for problem in invalid.problems]
        return ValidationOut(version=agreement.latest.number, problems=problems, warnings=warnings)

    @post("/{agreement_id:uuid}/versions/{number:int}/sign", operation_id="SignAgreement", status_code=200)
    async def sign(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        number: int,
        data: Annotated[SignatureIn, Body()],
    ) -> AgreementOut:
        """Sign a version: the person or their representative first, then the authority. The hash must be
        the one of the words the signer read; a superseded, altered or already-signed version is refused."""
        return to_agreement(
            await sign_for_account(db_session, actor, account_id, agreement_id, number, data.content_hash)
        )

    @post("/{agreement_id:uuid}/variations", operation_id="VaryAgreement")
    async def vary(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[VariationIn, Body()],
    ) -> AgreementOut:
        """A new version of an agreement in force, with what changed clause by clause and term by term."""
        return to_agreement(
            await vary_for_account(db_session, actor, account_id, agreement_id, terms=data.terms, reason=data.reason)
        )

    @post(
        "/{agreement_id:uuid}/versions/{number:int}/withdraw", operation_id="WithdrawAgreementVersion", status_code=200
    )
    async def withdraw(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        number: int,
        data: Annotated[WithdrawIn, Body()],
    ) -> AgreementOut:
        """Withdraw a version not yet in force (a variation nobody wants now), with the reason."""
        return to_agreement(
            await withdraw_for_account(db_session, actor, account_id, agreement_id, number, data.reason)
        )

    @post("/{agreement_id:uuid}/terminate", operation_id="TerminateAgreement", status_code=200)
    async def terminate(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        data: Annotated[TerminateIn, Body()],
    ) -> AgreementOut:
        """End an agreement in force, for a reason the Regulations allow, after telling the person why."""
        return to_agreement(
            await terminate_for_account(
                db_session,
                actor,
                account_id,
                agreement_id,
                reason=data.reason,
                notified_on=data.notified_on,
                last_day=data.last_day,
                explanation=data.explanation,
            )
        )

    @get("/{agreement_id:uuid}/schedule", operation_id="GetAgreementSchedule")
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        limit: int | None = None,
        after: str | None = None,
    ) -> Response[Sequence[ScheduledPaymentOut]]:
        """Every scheduled payment with its status: expected, received (in the ledger) or missed; in date
        order, in pages of at most 1,000 (a Link header names the next)."""
        agreement = await viewable_agreement(db_session, actor, account_id, agreement_id)
        page = keyset(limit, after, date)

        def key(state: PaymentState) -> tuple[date]:
            return (state.scheduled.due_on,)

        states = page.slice(sorted(await payment_states(db_session, agreement, today()), key=key), key)
        return page_of(request, page, states, key, to_payment)

    @post("/{agreement_id:uuid}/payments/{due_on:date}/received", operation_id="RecordAgreementPayment")
    async def received(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        agreement_id: uuid.UUID,
        due_on: date,
        received_on: date,
    ) -> PaymentReceivedOut:
        """The scheduled payment arrived: posts it to the ledger (once, however often it is recorded)."""
        payment = await record_payment_for_account(
            db_session, actor, account_id, agreement_id, due_on=due_on, received_on=received_on
        )
        return PaymentReceivedOut(
            due_on=payment.due_on,
            received_on=payment.received_on,
            amount_pence=payment.amount_pence,
            ledger_entry_id=payment.ledger_entry_id,
        )

    @get("/{agreement_id:uuid}/versions/{number:int}/pdf", operation_id="GetAgreementPdf", media_type="application/pdf")
    async def pdf(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, number: int
    ) -> Response[bytes]:
        agreement = await viewable_agreement(db_session, actor, account_id, agreement_id)
        version = agreement.version(number)
        return Response(
            render_pdf(agreement, version),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{agreement.agreement.reference}-v{number}.pdf"'},
        )

    @get("/{agreement_id:uuid}/versions/{number:int}/html", operation_id="GetAgreementHtml", media_type="text/html")
    async def html(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, agreement_id: uuid.UUID, number: int
    ) -> Response[str]:
        agreement = await viewable_agreement(db_session, actor, account_id, agreement_id)
        return Response(render_html(agreement, agreement.version(number)), media_type="text/html")
