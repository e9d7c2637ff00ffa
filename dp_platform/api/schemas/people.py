"""Shapes of who signs in to an account, and of a PA's own pay."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from dp_platform.api.schemas.base import Schema
from dp_platform.api.schemas.payroll import ContractRateOut, HolidayBalanceOut

LegalPower = Literal["none", "guardian", "continuing_attorney", "welfare_attorney"]


class PersonIn(Schema):
    kind: Literal["supported_person", "representative", "personal_assistant"]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    pa_id: uuid.UUID | None = None
    """For ``personal_assistant``: the PA record the sign-in shows the pay of."""


class InvitationOut(Schema):
    user_id: uuid.UUID
    display_name: str
    link_token: str | None
    """Shown once: the person opens ``/welcome/<link_token>`` to choose their password. ``None`` when they
    already sign in (and were linked instead)."""
    expires_at: datetime | None


class MemberOut(Schema):
    user_id: uuid.UUID
    display_name: str
    capacity: str
    """``holder`` (the person supported) or ``representative`` (someone who acts for them)."""
    legal_power: LegalPower
    signs_in: bool
    invited_until: datetime | None


class AssistantSignInOut(Schema):
    pa_id: uuid.UUID
    full_name: str
    user_id: uuid.UUID | None
    signs_in: bool


class PeopleOut(Schema):
    members: list[MemberOut]
    assistants: list[AssistantSignInOut]


class LegalPowerIn(Schema):
    legal_power: LegalPower


class PasswordIn(Schema):
    password: Annotated[str, msgspec.Meta(max_length=200)]
    repeated: Annotated[str, msgspec.Meta(max_length=200)]


class MyPayslipOut(Schema):
    run_id: uuid.UUID
    paid_on: date
    period_start: date
    period_end: date
    gross_pence: int
    net_pence: int


class MyJobOut(Schema):
    pa_id: uuid.UUID
    employer: str
    started_on: date
    left_on: date | None
    payslips: list[MyPayslipOut]
    holiday: HolidayBalanceOut
    contract_rates: list[ContractRateOut]
    p60_tax_years: list[date]
    """The starts (6 April) of ended tax years with pay: ask for each one's P60 figures."""
