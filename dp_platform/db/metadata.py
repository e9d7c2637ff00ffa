"""The one SQLModel metadata, with a naming convention, holding every package's tables.

The convention must be set before any table module is imported, so that constraint names
are stable and Alembic can compare the models with the migrated schema.
"""

from __future__ import annotations

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

import agreements.monitoring.tables  # noqa: E402
import agreements.tables  # noqa: E402, F401
import dp_platform.audit.tables  # noqa: E402
import dp_platform.auth.tables  # noqa: E402
import dp_platform.cards.tables  # noqa: E402
import dp_platform.jobs.tables  # noqa: E402
import dp_platform.monitoring.tables  # noqa: E402
import dp_platform.tenancy.tables  # noqa: E402, F401
import ledgers.categories.tables  # noqa: E402
import ledgers.client_money.tables  # noqa: E402
import ledgers.tables  # noqa: E402, F401
import payroll.tables  # noqa: E402, F401

metadata = SQLModel.metadata
