"""PA payroll: PAYE, NI, pension, holiday, SSP and fair-work checks for PA employers.

May import ``ledgers``' public API; never ``agreements`` or ``dp_platform``.
"""

from payroll.errors import PayrollError

__all__ = ["PayrollError"]
