"""Payroll tables.

``account_id`` is the DP account that employs the PA. It is stored without a
foreign key because the account table belongs to the platform layer above this one.
Payslips of a finalised pay run are never changed: a correction is a new run.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from ledgers.columns import check_of, created_at_field, id_field, text_field
from payroll.payslip_record import SlipFinding, SlipLine
from payroll.statuses import PayRunStatus


def _pence(**kwargs: Any) -> Any:
    return Field(sa_column=Column(BigInteger, nullable=False, server_default="0"), default=0, **kwargs)


class PayrollEmployerRow(SQLModel, table=True):
    """The DP account holder as an employer registered with HMRC: what an RTI submission names them by."""

    __tablename__ = "payroll_employers"
    __table_args__ = (
        CheckConstraint(r"paye_reference ~ '^[0-9]{3}/[A-Z0-9]{1,10}$'", name="paye_reference"),
        CheckConstraint(r"accounts_office_reference ~ '^[0-9]{3}P[A-Z][0-9]{7}[0-9X]$'", name="accounts_office"),
    )

    account_id: uuid.UUID = Field(primary_key=True)
    paye_reference: str = text_field(14)
    """Employer PAYE reference: tax office number / reference, e.g. 123/AB45678."""
    accounts_office_reference: str = text_field(13)
    """13 characters, e.g. 123PA00012345: what the HMRC payment is made to."""
    claims_employment_allowance: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    pays_hmrc_quarterly: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    """A small employer (average PAYE and NI under £1,500 a month) may pay HMRC each tax quarter."""
    insurance_expires_on: date | None = None
    """The day the employer's liability insurance runs to."""
    updated_at: datetime = created_at_field()


class PersonalAssistantRow(SQLModel, table=True):
    """A Personal Assistant employed by a DP account holder, with what payroll needs to pay them."""

    __tablename__ = "payroll_personal_assistants"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= started_on", name="left_after_started"),
        CheckConstraint("pay_frequency IN ('weekly', 'fortnightly', 'four_weekly', 'monthly')", name="pay_frequency"),
        CheckConstraint(
            "relationship IN ('none', 'family_member', 'guardian', 'continuing_attorney', 'welfare_attorney')",
            name="relationship",
        ),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = Field(index=True)
    full_name: str = text_field(200)
    started_on: date
    left_on: date | None = None
    date_of_birth: date | None = None
    ni_number: str | None = text_field(9, default=None, nullable=True)
    ni_category: str = text_field(1, default="A", sa_column_kwargs={"server_default": "A"})
    tax_code: str = text_field(16, default="1257L", sa_column_kwargs={"server_default": "1257L"})
    week1_month1: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    pay_frequency: str = text_field(12, default="four_weekly", sa_column_kwargs={"server_default": "four_weekly"})
    dp_funded: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    pension_enrolled: bool = Field(default=True, sa_column_kwargs={"server_default": text("true")})
    pension_arrangement: str = text_field(
        20, default="relief_at_source", sa_column_kwargs={"server_default": "relief_at_source"}
    )
    holiday_scheme: str = text_field(20, default="accrual_12_07", sa_column_kwargs={"server_default": "accrual_12_07"})
    qualifying_days: str = text_field(
        27, default="mon,tue,wed,thu,fri", sa_column_kwargs={"server_default": "mon,tue,wed,thu,fri"}
    )
    """The weekdays the PA is contracted to work: SSP is paid for these."""
    pvg_checked_on: date | None = None
    pvg_expires_on: date | None = None
    """PVG membership lasts 5 years from 1 April 2026 (Disclosure (Scotland) Act 2020) and is renewed."""
    relationship: str = text_field(24, default="none", sa_column_kwargs={"server_default": "none"})
    """The PA's relationship to the person supported: a family member needs the council's agreement
    (2014 Regulations regs 7 and 8); a guardian or attorney with powers over the support may not be paid (reg 9)."""
    user_id: uuid.UUID | None = Field(default=None, index=True)
    """The PA's own sign-in, when they have one: they see their payslips and nothing else of the account.
    When it is also the sign-in of the account's representative, the PA *is* that representative, and
    the representative's powers over the support decide reg 9 (``dp_platform`` keeps ``relationship`` in
    step)."""
    right_to_work_checked_on: date | None = None
    right_to_work_expires_on: date | None = None
    apprenticeship_started_on: date | None = None
    """The first day of the PA's apprenticeship, if they are an apprentice: it decides the minimum wage."""
    bank_sort_code: str | None = text_field(6, default=None, nullable=True)
    bank_account_number: str | None = text_field(8, default=None, nullable=True)
    """Where the PA's net pay goes; changed only through ``payroll.pa_details``, which keeps the history."""
    created_at: datetime = created_at_field()


class ContractRateRow(SQLModel, table=True):
    """One hourly rate of a PA's contract, from a date; a pay rise is a new row, never an edit."""

    __tablename__ = "payroll_contract_rates"
    __table_args__ = (
        CheckConstraint("kind IN ('standard', 'night', 'weekend', 'bank_holiday', 'sleepover')", name="kind"),
        CheckConstraint("hourly_rate_pence > 0", name="rate"),
        UniqueConstraint("pa_id", "kind", "effective_from"),
    )

    id: uuid.UUID = id_field()
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id", index=True)
    kind: str = text_field(16)
    hourly_rate_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    effective_from: date
    created_at: datetime = created_at_field()


class SicknessAbsenceRow(SQLModel, table=True):
    """Days a PA was too ill to work (first to last, inclusive), the basis of SSP."""

    __tablename__ = "payroll_sickness_absences"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="days"),
        CheckConstraint(
            "average_weekly_earnings_pence IS NULL OR average_weekly_earnings_pence >= 0", name="average_earnings"
        ),
    )

    id: uuid.UUID = id_field()
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id", index=True)
    first_day: date
    last_day: date
    average_weekly_earnings_pence: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    """Given when payroll cannot work it out: a new PA with no payday before the sickness."""
    created_at: datetime = created_at_field()


class TimesheetEntryRow(SQLModel, table=True):
    __tablename__ = "payroll_timesheet_entries"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24", name="hours"),
        CheckConstraint(
            "kind IN ('standard', 'night', 'weekend', 'bank_holiday', 'sleepover', 'holiday')", name="kind"
        ),
        CheckConstraint("hourly_rate_pence > 0", name="rate"),
        Index("ix_payroll_timesheet_entries_pa_id_worked_on", "pa_id", "worked_on"),
    )

    id: uuid.UUID = id_field()
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id")
    worked_on: date
    hours: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    kind: str = text_field(16)
    hourly_rate_pence: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = created_at_field()


class PayRunRow(SQLModel, table=True):
    __tablename__ = "payroll_pay_runs"
    __table_args__ = (
        CheckConstraint(check_of("status", PayRunStatus), name="status"),
        CheckConstraint("period_end >= period_start", name="period"),
        UniqueConstraint("account_id", "frequency", "tax_year_start", "period_number", "version"),
    )

    id: uuid.UUID = id_field()
    account_id: uuid.UUID = Field(index=True)
    frequency: str = text_field(12)
    tax_year_start: date
    period_number: int
    version: int = 1
    """A correction is a new run for the same period with the next version."""
    period_start: date
    period_end: date
    paid_on: date
    status: str = text_field(10, default=PayRunStatus.DRAFT.value)
    override_reason: str | None = text_field(None, default=None, nullable=True)
    """Why the run was finalised despite fair-work findings (required then, audited)."""
    ledger_entry_id: uuid.UUID | None = None
    finalised_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    reversal_entry_id: uuid.UUID | None = None
    """A finalised run corrected: its entry reversed in the ledger, and the period paid again by a new version."""
    reversal_reason: str | None = text_field(None, default=None, nullable=True)
    created_at: datetime = created_at_field()


class PayslipRow(SQLModel, table=True):
    __tablename__ = "payroll_payslips"
    __table_args__ = (UniqueConstraint("pay_run_id", "pa_id"),)

    id: uuid.UUID = id_field()
    pay_run_id: uuid.UUID = Field(foreign_key="payroll_pay_runs.id", index=True)
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id", index=True)
    tax_code: str = text_field(16)
    ni_category: str = text_field(1)
    gross_pence: int = _pence()
    taxable_pence: int = _pence()
    tax_pence: int = _pence()
    employee_ni_pence: int = _pence()
    employer_ni_pence: int = _pence()
    employee_pension_pence: int = _pence()
    employer_pension_pence: int = _pence()
    net_pence: int = _pence()
    taxable_to_date_pence: int = _pence()
    tax_to_date_pence: int = _pence()
    holiday_hours_accrued: Decimal = Field(sa_column=Column(Numeric(8, 4), nullable=False))
    holiday_hours_taken: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(6, 2), nullable=False, server_default="0")
    )
    lines: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    rates_used: list[str] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))

    @property
    def slip_lines(self) -> tuple[SlipLine, ...]:
        """The lines, typed: ``lines`` is their stored JSON."""
        return tuple(SlipLine.from_json(line) for line in self.lines)

    @property
    def slip_findings(self) -> tuple[SlipFinding, ...]:
        """The findings, typed: ``findings`` is their stored JSON."""
        return tuple(SlipFinding.from_json(finding) for finding in self.findings)


class PaDetailChangeRow(SQLModel, table=True):
    """One change to a PA's details, from a date, with what it replaced: the history of a tax code, an NI
    category or bank details, never an edit of it. Insert-only (a trigger refuses UPDATE and DELETE)."""

    __tablename__ = "payroll_pa_detail_changes"

    id: uuid.UUID = id_field()
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id", index=True)
    field: str = text_field(32)
    old_value: str | None = text_field(100, default=None, nullable=True)
    new_value: str | None = text_field(100, default=None, nullable=True)
    effective_from: date
    reason: str = text_field(300)
    recorded_by_user_id: uuid.UUID | None = None
    created_at: datetime = created_at_field()


class PayRunHoursRow(SQLModel, table=True):
    """Which timesheet lines a pay run pays. A line is paid by at most one finalised run: the database
    refuses a second (a partial unique index), so two runs over the same dates cannot both pay it."""

    __tablename__ = "payroll_pay_run_hours"
    __table_args__ = (
        UniqueConstraint("pay_run_id", "timesheet_entry_id"),
        Index(
            "uq_payroll_pay_run_hours_paid_once",
            "timesheet_entry_id",
            unique=True,
            postgresql_where=text("finalised"),
        ),
    )

    id: uuid.UUID = id_field()
    pay_run_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("payroll_pay_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    timesheet_entry_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("payroll_timesheet_entries.id", ondelete="CASCADE"), nullable=False)
    )
    finalised: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})


class FamilyApprovalRow(SQLModel, table=True):
    """The council's agreement that a family member is paid as a PA (2014 Regulations reg 8): the ground
    relied on, the day each of the three parties agreed, and the days it covers. Insert-only but for its
    withdrawal; a new agreement is a new row. ``payroll.family`` decides from these."""

    __tablename__ = "payroll_family_approvals"
    __table_args__ = (
        CheckConstraint(
            "ground IN ('limited_choice', 'communication_needs', 'availability', 'intimate_support', "
            "'beliefs', 'palliative_care', 'emergency', 'other_factors', 'not_recorded')",
            name="ground",
        ),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: uuid.UUID = id_field()
    pa_id: uuid.UUID = Field(foreign_key="payroll_personal_assistants.id", index=True)
    ground: str = text_field(24)
    ground_detail: str = text_field(500, default="")
    person_agreed_on: date | None = None
    family_member_agreed_on: date | None = None
    authority_agreed_on: date | None = None
    """``None`` only on agreements recorded before the parties' days were kept: they cover no day."""
    starts_on: date
    ends_on: date | None = None
    reference: str = text_field(100, default="")
    recorded_by_user_id: uuid.UUID | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = text_field(300, default=None, nullable=True)
    created_at: datetime = created_at_field()
