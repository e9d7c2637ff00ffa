"""Agreement API shapes. Terms travel as a JSON object that the agreements package reads
itself, so every problem in them comes back named with its field in one answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from agreements.template import CURRENT
from agreements.termination import TerminationReason
from dp_platform.api.schemas.base import Schema


class ClauseOut(Schema):
    id: str
    heading: str
    scope: str
    summary: str
    text: str
    source: str
    sources: list[dict[str, str]]
    """Where the clause comes from, each with a public address (templates from 2026.2)."""


class DefaultOut(Schema):
    """A figure an agreement starts from when its terms give none: the platform's default, not a rule."""

    name: str
    value: int
    means: str
    why: str
    sources: list[dict[str, str]]


class TemplateOut(Schema):
    key: str
    title: str
    description: str
    clauses: list[ClauseOut]
    sources: list[dict[str, str]]
    defaults: list[DefaultOut]


class AgreementIn(Schema):
    terms: dict[str, Any]
    template: str = CURRENT


class TermsIn(Schema):
    terms: dict[str, Any]


class VariationIn(Schema):
    terms: dict[str, Any]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class WithdrawIn(Schema):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class SignatureIn(Schema):
    content_hash: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    """The hash of the version as it was shown to the signer (from GET of the agreement or on its PDF)."""


class TerminateIn(Schema):
    reason: TerminationReason
    notified_on: date
    """When the person was told, in writing, why."""
    last_day: date
    explanation: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class WordingIn(Schema):
    summary: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]


class SignatureOut(Schema):
    party: str
    capacity: str
    signer_name: str
    content_hash: str
    signed_at: datetime


class ClauseChangeOut(Schema):
    id: str
    heading: str
    change: str
    before: str | None
    after: str | None


class TermChangeOut(Schema):
    path: str
    before: Any
    after: Any


class VersionOut(Schema):
    number: int
    status: str
    content_hash: str
    varies_number: int | None
    variation_reason: str | None
    warnings: list[str]
    signatures: list[SignatureOut]
    clauses_changed: list[ClauseChangeOut]
    terms_changed: list[TermChangeOut]
    content: dict[str, Any]


class AgreementOut(Schema):
    id: uuid.UUID
    account_id: uuid.UUID
    reference: str
    template: str
    status: str
    in_force_version: int | None
    terminated_on: date | None
    termination_reason: str | None
    termination_notified_on: date | None
    termination_explanation: str | None
    versions: list[VersionOut]


class AgreementSummaryOut(Schema):
    id: uuid.UUID
    reference: str
    template: str
    status: str
    in_force_version: int | None


class ScheduledPaymentOut(Schema):
    due_on: date
    covers_from: date
    covers_to: date
    days_covered: int
    days_in_period: int
    gross_pence: int
    contribution_pence: int
    net_pence: int
    status: str
    """``expected``, ``received`` (posted to the ledger) or ``missed`` (not received within the grace days)."""
    received_on: date | None = None
    ledger_entry_id: uuid.UUID | None = None


class TermsProblemOut(Schema):
    field: str
    """The term at fault, e.g. ``budget.four_weekly_pence``."""
    detail: str


class PaymentReceivedOut(Schema):
    due_on: date
    received_on: date
    amount_pence: int
    ledger_entry_id: uuid.UUID


class ValidationOut(Schema):
    version: int
    problems: list[TermsProblemOut]
    warnings: list[str]
