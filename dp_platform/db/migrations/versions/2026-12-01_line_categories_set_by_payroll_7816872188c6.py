"""Line categories set by payroll: a bank line that pays a payroll liability is categorised by the platform

Revision ID: 7816872188c6
Revises: 2860d84a7ece
Create Date: 2026-12-01 04:36:51.628714
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '7816872188c6'
down_revision: str | None = '2860d84a7ece'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_ledger_spend_line_categories_source"), "ledger_spend_line_categories")
    op.create_check_constraint(
        op.f("ck_ledger_spend_line_categories_source"),
        "ledger_spend_line_categories",
        "source IN ('payee_history', 'mcc', 'keywords', 'person', 'payroll')",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_ledger_spend_line_categories_source"), "ledger_spend_line_categories")
    op.create_check_constraint(
        op.f("ck_ledger_spend_line_categories_source"),
        "ledger_spend_line_categories",
        "source IN ('payee_history', 'mcc', 'keywords', 'person')",
    )
