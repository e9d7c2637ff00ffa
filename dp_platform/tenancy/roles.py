"""The roles a user can hold; access decisions are made from these and from mandates."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EMPLOYER = "employer"
    """The account holder, or their named representative, acting as PA employer."""
    BUREAU_STAFF = "bureau_staff"
    """Staff of a payroll bureau or managed-account provider; acts only through a mandate."""
    AUTHORITY_FINANCE = "authority_finance"
    """Audits every DP account of their own authority."""
    AUTHORITY_WORKER = "authority_worker"
    """Social work staff: agreements and reviews for their own authority's accounts."""
    PLATFORM_ADMIN = "platform_admin"
    PERSONAL_ASSISTANT = "personal_assistant"
    """A PA with their own sign-in: their payslips, holiday, contract rates, P45 and P60, and nothing else."""


AUTHORITY_ROLES = frozenset({Role.AUTHORITY_FINANCE, Role.AUTHORITY_WORKER})
