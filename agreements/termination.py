"""Why an agreement ends: a plain list, kept apart so a command can offer it without loading storage."""

from __future__ import annotations

from enum import StrEnum


class TerminationReason(StrEnum):
    """Why an agreement ends: the grounds of the 2014 Regulations reg 6, and the person's own choice."""

    PERSON_CHOSE_TO_END = "person_chose_to_end"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"
    NO_LONGER_NEEDS_SUPPORT = "no_longer_needs_support"
    USED_FOR_OTHER_PURPOSE = "used_for_other_purpose"
    BREACH_OF_LAW_OR_OBLIGATION = "breach_of_law_or_obligation"
    FAMILY_MEMBER_NOT_PERMITTED = "family_member_not_permitted"
    MOVED_TO_ANOTHER_OPTION = "moved_to_another_option"
    DEATH = "death"
