"""Suggesting a category for an imported bank line. Pure.

What the person chose before for the same payee comes first (they know their own payees); then
the card's merchant category code, when the line has one; then the keywords of the taxonomy found
in the description. A suggestion is only that: the person confirms or changes it, and only a
confirmed category teaches the payee history.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ledgers.categories.taxonomy import Taxonomy
from ledgers.chart import AUTHORITY_PAYMENTS, OWN_CONTRIBUTION, REFUNDS

_NOISE = re.compile(r"[^A-Z ]+")
_FILLER = {"CARD", "PAYMENT", "TO", "FROM", "DD", "SO", "FPO", "BGC", "POS", "REF", "LTD", "PLC", "THE", "VIA"}


@dataclass(frozen=True, slots=True)
class Suggestion:
    category: str
    source: str
    """``payee_history``, ``mcc`` or ``keywords``."""
    reason: str


def payee_key(description: str) -> str:
    """The payee as a stable key: letters only, filler words dropped, the first three words left."""
    words = [word for word in _NOISE.sub(" ", description.upper()).split() if word not in _FILLER and len(word) > 1]
    return " ".join(words[:3])


def suggest(
    description: str, taxonomy: Taxonomy, *, history: Mapping[str, str], mcc: str | None = None
) -> Suggestion | None:
    key = payee_key(description)
    if key and key in history:
        return Suggestion(history[key], "payee_history", f"you chose {history[key]} for {key} before")
    if mcc and mcc in taxonomy.mcc:
        return Suggestion(taxonomy.mcc[mcc], "mcc", f"merchant category code {mcc}")
    text = f" {description.upper()} "
    found = [
        (len(keyword), category.code, keyword)
        for category in taxonomy.categories.values()
        for keyword in category.keywords
        if keyword in text
    ]
    if not found:
        return None
    _, code, keyword = max(found)
    return Suggestion(code, "keywords", f"the description mentions {keyword.strip()}")


_MONEY_IN_WORDS = (
    ("DIRECT PAYMENT", AUTHORITY_PAYMENTS.value, "the description says it is a Direct Payment"),
    ("COUNCIL", AUTHORITY_PAYMENTS.value, "the description mentions the council"),
    ("CONTRIBUTION", OWN_CONTRIBUTION.value, "the description mentions a contribution"),
)


@dataclass(frozen=True, slots=True)
class MoneyInSuggestion:
    account: str
    remembered: bool
    """True when the person posted money from this payer before: it is posted without asking again."""
    reason: str


def suggest_money_in(description: str, history: Mapping[str, str]) -> MoneyInSuggestion:
    """Money coming in that no scheduled payment explains: where it went last time from the same payer;
    otherwise the council's payment or the person's own contribution by its words; otherwise a refund:
    a DP account is kept for the Direct Payment alone, so other money in is mostly money coming back."""
    key = payee_key(description)
    if key and key in history:
        return MoneyInSuggestion(history[key], True, f"you recorded money from {key} this way before")
    text = description.upper()
    for words, account, reason in _MONEY_IN_WORDS:
        if words in text:
            return MoneyInSuggestion(account, False, reason)
    return MoneyInSuggestion(REFUNDS.value, False, "money in that is not the council's payment is usually a refund")
