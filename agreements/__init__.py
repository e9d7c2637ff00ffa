"""The national model Direct Payment agreement: clauses, budget, schedule, signatures.

May import ``ledgers``' public API; never ``payroll`` or ``dp_platform``.
"""

from agreements.errors import AgreementError

__all__ = ["AgreementError"]
