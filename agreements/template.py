"""Agreement templates as versioned data, and the clauses they give for one set of terms. Pure.

A template is a TOML file under ``agreements/templates/`` named for its id and version. Each
clause has an id, a heading, a plain-language summary, the full text, a scope (``national``:
the same everywhere; ``localisable``: an authority may reword it) and a source note. Clause
texts name terms in braces (``{annual_total}``); the words for each come from ``wording``,
so every figure in an agreement is written one way. A template that names an unknown term,
repeats a clause id or misses a key is refused when it is loaded.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agreements.errors import AgreementNotFoundError, TemplateError
from agreements.schedule import regular_amounts
from agreements.terms import BudgetKind, Frequency, ManagedBy, Monitoring, Terms
from agreements.validation import money

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SCOPES = ("national", "localisable")
_CLAUSE_KEYS = {"id", "heading", "scope", "summary", "text", "source"}
_OPTIONAL_CLAUSE_KEYS = {"protections", "sources"}
CURRENT = "scotland-model@2026.2"
"""The template new agreements are drafted from unless another is named."""
_PROTECTION_KEYS = {"id", "keeps", "source", "url", "says"}


@dataclass(frozen=True, slots=True)
class Protection:
    """A protection the law gives that a clause carries, so an authority's rewording must keep it. ``says``
    is what the words must say: each group of phrases is needed, any one phrase of a group will do."""

    id: str
    keeps: str
    source: str
    url: str
    says: tuple[tuple[str, ...], ...]

    def kept_by(self, text: str) -> bool:
        words = " ".join(text.lower().split())
        return all(any(phrase in words for phrase in group) for group in self.says)


_TEMPLATE_KEYS = {"id", "version", "title", "description", "sources", "clauses"}


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    heading: str
    scope: str
    summary: str
    text: str
    source: str
    protections: tuple[Protection, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()
    """Where the clause comes from, each a public address a reader can open (templates from 2026.2)."""

    def dropped_by(self, text: str) -> list[Protection]:
        """The protections a wording of this clause leaves out."""
        return [protection for protection in self.protections if not protection.kept_by(text)]


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    version: str
    title: str
    description: str
    sources: tuple[tuple[str, str], ...]
    clauses: tuple[Clause, ...]

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise AgreementNotFoundError(f"{self.key} has no clause {clause_id!r}.", field="clause_id")


@dataclass(frozen=True, slots=True)
class LocalWording:
    """An authority's own words for a localisable clause."""

    summary: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedClause:
    id: str
    heading: str
    summary: str
    text: str
    scope: str
    source: str
    localised: bool = False
    sources: tuple[tuple[str, str], ...] = ()


def long_date(day: object) -> str:
    return f"{day.day} {day:%B %Y}"  # type: ignore[attr-defined]


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _fees(terms: Terms) -> str:
    setup, each = terms.third_party_setup_fee_pence, terms.third_party_fee_per_payment_pence
    if not (setup or each):
        return f" {terms.third_party_name} charges no fee."
    parts = ([f"{money(setup)} to set up"] if setup else []) + ([f"{money(each)} for each payment"] if each else [])
    return f" {terms.third_party_name}'s fees, paid from the Direct Payment: {' and '.join(parts)}."


def wording(terms: Terms) -> dict[str, str]:
    """The words each ``{placeholder}`` of a clause stands for, from the terms."""
    regular, contribution = regular_amounts(terms)
    every = {Frequency.WEEKLY: "every week", Frequency.FOUR_WEEKLY: "every 4 weeks", Frequency.MONTHLY: "every month"}
    managed = {
        ManagedBy.SELF: ("You manage it yourself.", "You manage the Direct Payment yourself."),
        ManagedBy.REPRESENTATIVE: (
            f"{terms.representative_name} manages it for you.",
            f"{terms.representative_name}, your {str(terms.representative_role).replace('_', ' ')}, manages the "
            "Direct Payment on your behalf and signs this agreement for you.",
        ),
        ManagedBy.THIRD_PARTY: (
            f"At your request, {terms.third_party_name} receives and manages it for you.",
            (
                "At your request"
                + (f" (made on {long_date(terms.third_party_requested_on)})" if terms.third_party_requested_on else "")
                + f", the Direct Payment is paid to {terms.third_party_name}, who manages it for you. You still "
                "decide how your support is arranged, and may end this arrangement at any time." + _fees(terms)
            ),
        ),
    }[terms.managed_by]
    lines = []
    for line in terms.budget_lines:
        if line.kind is BudgetKind.PA_HOURS and line.hours_per_week is not None and line.hourly_rate_pence:
            detail = f"{line.hours_per_week.normalize():f} hours a week at {money(line.hourly_rate_pence)} an hour"
            lines.append(f"{line.description}: {detail}, {money(line.amount_pence)} a year")
        elif line.kind is BudgetKind.EMPLOYER_ON_COSTS and line.percent_of_pa_pay is not None:
            percent = f"{line.percent_of_pa_pay.normalize():f}%"
            lines.append(f"{line.description}: {percent} of PA pay, {money(line.amount_pence)} a year")
        else:
            lines.append(f"{line.description}: {money(line.amount_pence)} a year")
    if terms.annual_contribution_pence:
        contribution_summary = f"You pay {money(terms.annual_contribution_pence)} a year towards your support."
        contribution_text = (
            f"Your financial assessment found that you pay {money(terms.annual_contribution_pence)} a year towards "
            f"your support. The council takes {money(contribution)} off each regular payment, so you do not have "
            "to pay it in yourself."
        )
        net = f", after your contribution of {money(contribution)} is taken off"
    else:
        contribution_summary = "You do not pay anything towards your support."
        contribution_text = "Your financial assessment found that you do not pay a contribution."
        net = ""
    monitoring = {
        Monitoring.SHARED_RECORD: (
            "The council reads the shared record: no returns to send.",
            "The council reads the shared record of your account on this platform; you do not send returns.",
        ),
        Monitoring.QUARTERLY: (
            "Every 3 months you confirm your record is complete.",
            "Every 3 months you confirm that the record of your account is complete and answer any questions.",
        ),
        Monitoring.ANNUAL: (
            "Once a year you confirm your record is complete.",
            "Once a year you confirm that the record of your account is complete and answer any questions.",
        ),
    }[terms.monitoring]
    return {
        "holder_name": terms.holder_name,
        "authority_name": terms.authority_name,
        "managed_by_summary": managed[0],
        "managed_by_text": managed[1],
        "support_plan_reference": terms.support_plan_reference,
        "support_plan_dated": long_date(terms.support_plan_dated),
        "outcomes_list": _bullets([f"{o.id}: {o.description}" for o in terms.outcomes]),
        "outcomes_short": "; ".join(outcome.description for outcome in terms.outcomes),
        "starts_on": long_date(terms.starts_on),
        "ends_on": long_date(terms.ends_on),
        "annual_total": money(terms.annual_total_pence),
        "budget_lines_list": _bullets(lines),
        "budget_short": "; ".join(line.description for line in terms.budget_lines),
        "regular_payment": money(regular),
        "schedule_words": f"{every[terms.frequency]}, {'in advance' if terms.in_advance else 'in arrears'}",
        "net_of_contribution": net,
        "contribution_summary": contribution_summary,
        "contribution_text": contribution_text,
        "bank_account_name": terms.bank_account_name,
        "permitted_uses_list": _bullets(
            [
                f"{use.description}" + (f" (for outcomes {', '.join(use.outcomes)})" if use.outcomes else "")
                for use in terms.permitted_uses
            ]
        ),
        "records_years": str(terms.records_years),
        "monitoring_summary": monitoring[0],
        "monitoring_text": monitoring[1],
        "surplus_threshold_weeks": str(terms.surplus_threshold_weeks),
        "review_words": f"at least every {terms.review_months} months",
        "notice_weeks": str(terms.notice_weeks),
    }


WORDING_KEYS = frozenset(
    [
        "holder_name", "authority_name", "managed_by_summary", "managed_by_text", "support_plan_reference",
        "support_plan_dated", "outcomes_list", "outcomes_short", "starts_on", "ends_on", "annual_total",
        "budget_lines_list", "budget_short", "regular_payment", "schedule_words", "net_of_contribution",
        "contribution_summary", "contribution_text", "bank_account_name", "permitted_uses_list", "records_years",
        "monitoring_summary", "monitoring_text", "surplus_threshold_weeks", "review_words", "notice_weeks",
    ]
)  # fmt: skip


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def check_wording(where: str, text: str) -> None:
    unknown = placeholders(text) - WORDING_KEYS
    if unknown:
        raise TemplateError(f"{where} names unknown terms {sorted(unknown)}; known: {sorted(WORDING_KEYS)}")


def load_template(path: Path) -> Template:
    raw = tomllib.loads(path.read_text())
    if set(raw) != _TEMPLATE_KEYS:
        raise TemplateError(f"{path.name}: a template has exactly the keys {sorted(_TEMPLATE_KEYS)}")
    clauses = []
    for item in raw["clauses"]:
        if not _CLAUSE_KEYS <= set(item) <= _CLAUSE_KEYS | _OPTIONAL_CLAUSE_KEYS:
            raise TemplateError(
                f"{path.name}: clause {item.get('id')!r} must have {sorted(_CLAUSE_KEYS)}, and may have protections"
            )
        protections = []
        for raw_protection in item.pop("protections", ()):
            if set(raw_protection) != _PROTECTION_KEYS or not raw_protection["says"]:
                raise TemplateError(
                    f"{path.name}: a protection of {item['id']!r} has exactly {sorted(_PROTECTION_KEYS)}"
                )
            says = tuple(tuple(phrase.lower() for phrase in group) for group in raw_protection["says"])
            protections.append(Protection(**{**raw_protection, "says": says}))
        item["protections"] = tuple(protections)
        raw_sources = item.pop("sources", ())
        if not all(set(source) == {"title", "url"} and source["url"].startswith("https://") for source in raw_sources):
            raise TemplateError(f"{path.name}: each source of {item['id']!r} has a title and an https:// url")
        item["sources"] = tuple((source["title"], source["url"]) for source in raw_sources)
        if item["scope"] not in SCOPES:
            raise TemplateError(f"{path.name}: clause {item['id']!r} scope must be one of {SCOPES}")
        for part in ("summary", "text"):
            check_wording(f"{path.name}: clause {item['id']!r} {part}", item[part])
        clause = Clause(**item)
        if clause.dropped_by(clause.text):
            raise TemplateError(f"{path.name}: clause {clause.id!r} does not itself keep its protections")
        clauses.append(clause)
    ids = [clause.id for clause in clauses]
    if len(ids) != len(set(ids)):
        raise TemplateError(f"{path.name}: clause ids must be unique")
    template = Template(
        id=raw["id"],
        version=raw["version"],
        title=raw["title"],
        description=raw["description"],
        sources=tuple((source["title"], source["url"]) for source in raw["sources"]),
        clauses=tuple(clauses),
    )
    expected = f"{template.id.replace('-', '_')}_{template.version.replace('.', '_')}.toml"
    if path.name != expected:
        raise TemplateError(f"{path.name}: a template file is named for its id and version: {expected}")
    return template


@cache
def templates() -> dict[str, Template]:
    """Every template, by ``id@version``."""
    loaded = [load_template(path) for path in sorted(TEMPLATES_DIR.glob("*.toml"))]
    return {template.key: template for template in loaded}


def template(key: str) -> Template:
    found = templates().get(key)
    if found is None:
        raise AgreementNotFoundError(
            f"There is no agreement template {key!r} (known: {', '.join(sorted(templates()))}).", field="template"
        )
    return found


def render_clauses(
    chosen: Template, terms: Terms, local: Mapping[str, LocalWording] | None = None
) -> tuple[RenderedClause, ...]:
    """The clauses as the person reads them: the authority's wording where it has localised one."""
    words = wording(terms)
    rendered = []
    for clause in chosen.clauses:
        own = (local or {}).get(clause.id) if clause.scope == "localisable" else None
        summary, text = (own.summary, own.text) if own else (clause.summary, clause.text)
        rendered.append(
            RenderedClause(
                id=clause.id,
                heading=clause.heading,
                summary=summary.format_map(words),
                text=text.format_map(words),
                scope=clause.scope,
                source=clause.source,
                localised=own is not None,
                sources=clause.sources,
            )
        )
    return tuple(rendered)
