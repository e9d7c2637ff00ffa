"""The stored records the workflows hand to the HTTP layer, named where the HTTP layer may name them.

A workflow that reads returns the rows it read, and a controller maps them to its response schema.
The controller names their types from here, not from a table module: ``dp_platform.api`` may import no
table and no SQLAlchemy (a contract in pyproject.toml), so it cannot build a query or skip the access
check a workflow makes before reading (architecture decision 0008). If a workflow comes to return a
read model instead of a row, only this module and that workflow change.
"""

from __future__ import annotations

from agreements.tables import AgreementConversationRow, AgreementRecoveryRow, AgreementReviewRow
from dp_platform.audit.tables import AuditEventRow
from dp_platform.auth.tables import ApiKeyRow
from dp_platform.cards.tables import CardAuthorisationRow, CardPaymentRow, CardRow, CardTransactionRow, StripePayerRow
from dp_platform.jobs.tables import JobRow
from dp_platform.tenancy.tables import DpAccountRow, MandateRow
from ledgers.categories.tables import CareHomeStayRow, SpendReviewRow
from ledgers.client_money.tables import PoolMemberRow, PoolRow
from ledgers.tables import LedgerAccountRow, MatchRow, StatementLineRow
from payroll.tables import (
    ContractRateRow,
    FamilyApprovalRow,
    PayrollEmployerRow,
    PersonalAssistantRow,
    SicknessAbsenceRow,
)

__all__ = [
    "AgreementConversationRow",
    "AgreementRecoveryRow",
    "AgreementReviewRow",
    "ApiKeyRow",
    "AuditEventRow",
    "CardAuthorisationRow",
    "CardPaymentRow",
    "CardRow",
    "CardTransactionRow",
    "CareHomeStayRow",
    "ContractRateRow",
    "DpAccountRow",
    "FamilyApprovalRow",
    "JobRow",
    "LedgerAccountRow",
    "MandateRow",
    "MatchRow",
    "PayrollEmployerRow",
    "PersonalAssistantRow",
    "PoolMemberRow",
    "PoolRow",
    "SicknessAbsenceRow",
    "SpendReviewRow",
    "StatementLineRow",
    "StripePayerRow",
]
