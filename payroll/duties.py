"""What an employer of a PA must have checked, and what is missing or running out.

Sources: Disclosure Scotland, "PVG scheme" (https://www.mygov.scot/pvg-scheme); the Disclosure (Scotland)
Act 2020 (https://www.legislation.gov.uk/asp/2020/13), under which PVG membership lasts 5 years from
1 April 2026 and is renewed (Self Directed Support Scotland, "Disclosure Scotland update: what's
changing", https://www.sdsscotland.org.uk/news/disclosure-scotland-update-whats-changing/); and GOV.UK,
"Check your employee's right to work" (https://www.gov.uk/check-job-applicant-right-to-work),
section "Follow-up checks": a time-limited right to work is checked again before it ends.
"""

from __future__ import annotations

from datetime import date, timedelta

from payroll.tables import PersonalAssistantRow

EXPIRY_WARNING_DAYS = 60
PVG_RENEWABLE_FROM = date(2026, 4, 1)
"""From this day PVG membership is no longer for life: it runs 5 years and is renewed."""


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def duty_warnings(pa: PersonalAssistantRow, today: date) -> list[str]:
    warnings = []
    if pa.pvg_checked_on is None:
        warnings.append("No PVG scheme membership check is recorded.")
    elif pa.pvg_expires_on is None and today >= PVG_RENEWABLE_FROM:
        warnings.append(
            "Record when the PVG scheme membership runs to: from 1 April 2026 membership lasts 5 years and is renewed."
        )
    if pa.pvg_expires_on is not None:
        if pa.pvg_expires_on < today:
            warnings.append(f"The PVG scheme membership ran out on {_day(pa.pvg_expires_on)}: it must be renewed.")
        elif pa.pvg_expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            warnings.append(f"The PVG scheme membership runs out on {_day(pa.pvg_expires_on)}; renew it.")
    if pa.right_to_work_checked_on is None:
        warnings.append("No right-to-work check is recorded.")
    if pa.right_to_work_expires_on is not None:
        if pa.right_to_work_expires_on < today:
            warnings.append(f"The right to work expired on {_day(pa.right_to_work_expires_on)}.")
        elif pa.right_to_work_expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            warnings.append(f"The right to work expires on {_day(pa.right_to_work_expires_on)}; check again.")
    return warnings
