from __future__ import annotations

import uuid
from datetime import date

from dp_platform.api.schemas.base import Schema


class AccountOut(Schema):
    id: uuid.UUID
    authority_id: uuid.UUID
    reference: str
    holder_name: str
    opened_on: date
    closed_on: date | None
    allowed_actions: list[str]
    """What the caller may do on this account now (``view``, ``run_payroll``, ...)."""


class AccountMoneyOut(Schema):
    """What the account holds, what it owes, and what is free to spend, as the home page shows it."""

    on: date
    bank_pence: int
    """The DP bank account in the records (it follows the bank as statements are imported)."""
    statement_on: date | None
    statement_pence: int | None
    """The closing balance of the bank's latest statement, and the day it reaches."""
    agrees_with_bank: bool | None
    wages_owed_pence: int
    hmrc_owed_pence: int
    pension_owed_pence: int
    holiday_owed_pence: int
    """Holiday PAs have earned and not yet taken, at the rate it will be paid."""
    surplus_owed_pence: int
    owed_pence: int
    free_pence: int
