"""Who signs in to an account (the person, their representative, their PAs), choosing a password from
a one-time link, and a PA's own pay."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.params import Body

from dp_platform.api.schemas.payroll import ContractRateOut, HolidayBalanceOut, P45Out, P60Out
from dp_platform.api.schemas.people import (
    AssistantSignInOut,
    InvitationOut,
    LegalPowerIn,
    MemberOut,
    MyJobOut,
    MyPayslipOut,
    PasswordIn,
    PeopleOut,
    PersonIn,
)
from dp_platform.auth.middleware import PUBLIC
from dp_platform.db.sessions import DbSession
from dp_platform.tenancy.policy import Actor
from dp_platform.workflows.my_pay import my_jobs, my_p45, my_p60, my_payslip
from dp_platform.workflows.people import (
    Member,
    PersonKind,
    accept_invitation,
    account_people,
    invite,
    record_legal_power,
)
from payroll.payslip_pdf import render_payslip


def to_member(member: Member) -> MemberOut:
    return MemberOut(
        user_id=member.user.id,
        display_name=member.user.display_name,
        capacity=member.capacity,
        legal_power=member.legal_power,  # type: ignore[arg-type]
        signs_in=member.signs_in,
        invited_until=member.invited_until,
    )


class PeopleController(Controller):
    path = "/api/accounts/{account_id:uuid}/people"
    tags = ["People"]

    @get("", operation_id="ListPeople")
    async def list_people(self, db_session: DbSession, actor: Actor, account_id: uuid.UUID) -> PeopleOut:
        """Who signs in to the account and as what, and which PAs can read their own pay."""
        people = await account_people(db_session, actor, account_id)
        return PeopleOut(
            members=[to_member(member) for member in people.members],
            assistants=[
                AssistantSignInOut(
                    pa_id=pa.id,
                    full_name=pa.full_name,
                    user_id=pa.user_id,
                    signs_in=user is not None and user.password_hash is not None,
                )
                for pa, user in people.assistants
            ],
        )

    @post("", operation_id="InvitePerson", status_code=201)
    async def invite_person(
        self, db_session: DbSession, actor: Actor, account_id: uuid.UUID, data: Annotated[PersonIn, Body()]
    ) -> InvitationOut:
        """A sign-in for the person supported, their representative, or a PA: the answer carries a one-time
        link to hand over, with which they choose their own password. The holder's side or the council's
        social work staff."""
        invited = await invite(
            db_session,
            actor,
            account_id,
            kind=PersonKind(data.kind),
            display_name=data.display_name,
            email=data.email,
            pa_id=data.pa_id,
        )
        return InvitationOut(
            user_id=invited.user.id,
            display_name=invited.user.display_name,
            link_token=invited.token,
            expires_at=invited.expires_at,
        )

    @put("/{user_id:uuid}/legal-power", operation_id="RecordLegalPower")
    async def legal_power(
        self,
        db_session: DbSession,
        actor: Actor,
        account_id: uuid.UUID,
        user_id: uuid.UUID,
        data: Annotated[LegalPowerIn, Body()],
    ) -> MemberOut:
        """The council records a representative's powers over the support (guardian, continuing or welfare
        attorney). A PA record that is this representative can no longer be paid from the Direct Payment
        (2014 Regulations reg 9). The council's social work staff only."""
        return to_member(await record_legal_power(db_session, actor, account_id, user_id, data.legal_power))


class InvitationController(Controller):
    path = "/api/invitations"
    tags = ["People"]

    @post("/{token:str}/password", operation_id="ChoosePassword", status_code=204, opt={PUBLIC: True})
    async def choose_password(self, db_session: DbSession, token: str, data: Annotated[PasswordIn, Body()]) -> None:
        """With the one-time link's token, the person chooses their password; the link then stops working."""
        await accept_invitation(db_session, token, data.password, data.repeated)


class MyPayController(Controller):
    path = "/api/me/jobs"
    tags = ["My pay"]

    @get("", operation_id="ListMyJobs")
    async def jobs(self, db_session: DbSession, actor: Actor) -> list[MyJobOut]:
        """A PA's own records at each employer: finalised payslips, holiday, contract rates, P60 years."""
        return [
            MyJobOut(
                pa_id=job.pa.id,
                employer=f"{job.employer.holder_name} (Direct Payment {job.employer.reference})",
                started_on=job.pa.started_on,
                left_on=job.pa.left_on,
                payslips=[
                    MyPayslipOut(
                        run_id=paid.run.id,
                        paid_on=paid.run.paid_on,
                        period_start=paid.run.period_start,
                        period_end=paid.run.period_end,
                        gross_pence=paid.slip.gross_pence,
                        net_pence=paid.slip.net_pence,
                    )
                    for paid in job.payslips
                ],
                holiday=HolidayBalanceOut(
                    scheme=job.pa.holiday_scheme,
                    accrued_hours=job.holiday.accrued_hours,
                    taken_hours=job.holiday.taken_hours,
                    balance_hours=job.holiday.balance_hours,
                ),
                contract_rates=[
                    ContractRateOut(
                        kind=rate.kind, hourly_rate_pence=rate.hourly_rate_pence, effective_from=rate.effective_from
                    )
                    for rate in job.rates
                ],
                p60_tax_years=job.p60_years,
            )
            for job in await my_jobs(db_session, actor)
        ]

    @get("/{pa_id:uuid}/payslips/{run_id:uuid}/pdf", operation_id="GetMyPayslipPdf", media_type="application/pdf")
    async def payslip(
        self, db_session: DbSession, actor: Actor, pa_id: uuid.UUID, run_id: uuid.UUID
    ) -> Response[bytes]:
        document = await my_payslip(db_session, actor, pa_id, run_id)
        return Response(
            render_payslip(document),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="payslip-{run_id}.pdf"'},
        )

    @get("/{pa_id:uuid}/p45", operation_id="GetMyP45")
    async def p45(self, db_session: DbSession, actor: Actor, pa_id: uuid.UUID) -> P45Out:
        """The figures of the PA's P45, once they have left and their last pay is finalised."""
        return msgspec.convert(await my_p45(db_session, actor, pa_id), P45Out, from_attributes=True)

    @get("/{pa_id:uuid}/p60", operation_id="GetMyP60")
    async def p60(self, db_session: DbSession, actor: Actor, pa_id: uuid.UUID, tax_year: date) -> P60Out:
        """The figures of the PA's P60 for the tax year starting on ``tax_year`` (a 6 April), once it has ended."""
        return msgspec.convert(await my_p60(db_session, actor, pa_id, tax_year), P60Out, from_attributes=True)
