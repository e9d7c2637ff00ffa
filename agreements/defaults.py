"""The figures an agreement starts from when its drafter gives none: each is this platform's default, not a
national rule, says why, and names where that comes from. An authority may set its own in the terms of
each agreement (a longer term is allowed, with a warning). Pure."""

from __future__ import annotations

from dataclasses import dataclass

STATUTORY_GUIDANCE_2022 = (
    "Statutory guidance on the 2013 Act (2022): 'Underspent budgets and seeking repayment'",
    "https://www.gov.scot/publications/statutory-guidance-accompany-social-care-self-directed-support-scotland-act-2013-2/",
)
REGULATIONS_2014 = (
    "Self-directed Support (Direct Payments) (Scotland) Regulations 2014 (they set no term and no surplus limit)",
    "https://www.legislation.gov.uk/ssi/2014/25",
)


@dataclass(frozen=True, slots=True)
class Default:
    name: str
    value: int
    means: str
    why: str
    sources: tuple[tuple[str, str], ...]


SURPLUS_THRESHOLD_WEEKS = Default(
    "surplus_threshold_weeks",
    8,
    "weeks of payments the account may hold, beyond what is owed, before the council talks with the person about it",
    "Scotland sets no surplus limit: money is asked back only after talking with the person about why it is there. "
    "Eight weeks is the most generous of the council policies this platform found, so the person is asked least often.",
    (STATUTORY_GUIDANCE_2022, REGULATIONS_2014),
)
LONGEST_TERM_YEARS = Default(
    "longest_term_years",
    3,
    "years an agreement runs before it is drawn up again (a longer one is allowed, with a warning)",
    "No national rule sets how long an agreement runs. Three years keeps the signed words close to the person's "
    "support plan, which is reviewed at least once a year; changes in between are variations.",
    (REGULATIONS_2014,),
)
DEFAULTS = (SURPLUS_THRESHOLD_WEEKS, LONGEST_TERM_YEARS)
