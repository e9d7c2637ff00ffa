"""payroll names the DP account account_id

Revision ID: 2e9e1ac4ce25
Revises: 5c942bf58ec5
Create Date: 2026-12-02 01:11:40.826012
"""

from collections.abc import Sequence

from alembic import op


revision: str = '2e9e1ac4ce25'
down_revision: str | None = '5c942bf58ec5'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A rename, not Alembic's drop-and-add: the rows keep their values. Payroll now calls the DP account
    # account_id, as the platform does (the ledger alone says book_id: its "account" is a ledger account).
    op.alter_column('payroll_employers', 'employer_account_id', new_column_name='account_id')
    op.alter_column('payroll_personal_assistants', 'employer_account_id', new_column_name='account_id')
    op.execute('ALTER INDEX ix_payroll_personal_assistants_employer_account_id RENAME TO ix_payroll_personal_assistants_account_id')
    op.alter_column('payroll_pay_runs', 'employer_account_id', new_column_name='account_id')
    op.execute('ALTER INDEX ix_payroll_pay_runs_employer_account_id RENAME TO ix_payroll_pay_runs_account_id')
    op.drop_constraint(op.f('uq_payroll_pay_runs_employer_account_id_frequency_tax_y_40f3'), 'payroll_pay_runs', type_='unique')
    op.create_unique_constraint(op.f('uq_payroll_pay_runs_account_id_frequency_tax_year_start_period_number_version'), 'payroll_pay_runs', ['account_id', 'frequency', 'tax_year_start', 'period_number', 'version'])


def downgrade() -> None:
    op.drop_constraint(op.f('uq_payroll_pay_runs_account_id_frequency_tax_year_start_period_number_version'), 'payroll_pay_runs', type_='unique')
    op.create_unique_constraint(op.f('uq_payroll_pay_runs_employer_account_id_frequency_tax_y_40f3'), 'payroll_pay_runs', ['account_id', 'frequency', 'tax_year_start', 'period_number', 'version'])
    op.execute('ALTER INDEX ix_payroll_pay_runs_account_id RENAME TO ix_payroll_pay_runs_employer_account_id')
    op.alter_column('payroll_pay_runs', 'account_id', new_column_name='employer_account_id')
    op.execute('ALTER INDEX ix_payroll_personal_assistants_account_id RENAME TO ix_payroll_personal_assistants_employer_account_id')
    op.alter_column('payroll_personal_assistants', 'account_id', new_column_name='employer_account_id')
    op.alter_column('payroll_employers', 'account_id', new_column_name='employer_account_id')
