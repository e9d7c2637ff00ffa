import pytest

from agreements.content import content, content_hash, diff
from agreements.errors import TemplateError
from agreements.template import TEMPLATES_DIR, LocalWording, load_template, render_clauses, templates
from agreements.terms import parse_terms, terms_to_dict
from tests.unit.agreements.terms_example import morag

pytestmark = pytest.mark.unit

KEY = "scotland-model@2026.1"


def version(raw, local=None):
    terms = parse_terms(raw)
    return content(KEY, render_clauses(templates()[KEY], terms, local), terms_to_dict(terms))


def test_the_model_template_covers_what_an_agreement_must():
    template = templates()[KEY]
    assert [clause.id for clause in template.clauses] == [
        "parties", "outcomes", "budget", "payments", "contribution", "account", "use_of_money",
        "employing_pas", "records", "unspent_money", "changes", "complaints", "data",
    ]  # fmt: skip
    assert all(clause.summary and clause.source for clause in template.clauses)


def test_clauses_are_filled_in_from_the_terms():
    clauses = {clause["id"]: clause for clause in version(morag())["clauses"]}
    assert "Your budget from 15 April 2026 to 31 March 2027 is £19,936.00 a year" in clauses["budget"]["text"]
    assert "- Personal assistants: 20 hours a week at £14.00 an hour, £14,560.00 a year" in clauses["budget"]["text"]
    assert clauses["payments"]["summary"] == (
        "The council pays £1,533.54 every 4 weeks, in advance, into your Direct Payment account."
    )
    assert "- O2: Keep up my swimming and see friends each week" in clauses["outcomes"]["text"]
    assert not any("{" in clause[part] for clause in clauses.values() for part in ("summary", "text"))


def test_an_authority_may_reword_only_localisable_clauses():
    own = LocalWording(
        "Keep a balance of up to 6 weeks.", "Glenmore's own words on surplus ({surplus_threshold_weeks})."
    )
    localised = {c["id"]: c for c in version(morag(), {"unspent_money": own, "budget": own})["clauses"]}
    assert localised["unspent_money"]["text"] == "Glenmore's own words on surplus (8)."
    assert localised["unspent_money"]["localised"] is True
    assert localised["budget"]["localised"] is False  # national: the authority's words are not used


def test_the_hash_changes_with_any_word():
    first, second = version(morag()), version(morag(bank_account_name="M Campbell DP account"))
    assert content_hash(first) == content_hash(version(morag())) and len(content_hash(first)) == 64
    assert content_hash(first) != content_hash(second)


def test_a_variation_lists_exactly_the_changed_clauses_and_terms():
    before = version(morag())
    raw = morag(annual_total_pence=1_993_600 + 104_000 + 23_400)
    raw["budget_lines"][0].update(hourly_rate_pence=1500, amount_pence=1_560_000)
    raw["budget_lines"][1]["amount_pence"] = 351_000
    clauses, terms = diff(before, version(raw))
    assert [(c.id, c.change) for c in clauses] == [("budget", "changed"), ("payments", "changed")]
    assert [(t.path, t.before, t.after) for t in terms] == [
        ("annual_total_pence", 1_993_600, 2_121_000),
        ("budget_lines[0].amount_pence", 1_456_000, 1_560_000),
        ("budget_lines[0].hourly_rate_pence", 1400, 1500),
        ("budget_lines[1].amount_pence", 327_600, 351_000),
    ]


def test_an_added_outcome_is_a_new_term_and_changes_the_clauses_that_list_it():
    raw = morag()
    raw["outcomes"].append({"id": "O3", "description": "Get back to part-time work"})
    clauses, terms = diff(version(morag()), version(raw))
    assert [(c.id, c.change) for c in clauses] == [("outcomes", "changed")]
    assert [t.path for t in terms] == ["outcomes[2].description", "outcomes[2].id"]


def test_a_template_naming_an_unknown_term_is_refused(tmp_path):
    text = (TEMPLATES_DIR / "scotland_model_2026_1.toml").read_text().replace("{annual_total}", "{annual_totl}", 1)
    broken = tmp_path / "scotland_model_2026_1.toml"
    broken.write_text(text)
    with pytest.raises(TemplateError, match="unknown terms \\['annual_totl'\\]"):
        load_template(broken)


def test_the_current_template_cites_an_address_for_every_clause():
    from agreements.template import CURRENT

    current = templates()[CURRENT]
    for clause in current.clauses:
        assert clause.sources, clause.id
        assert all(url.startswith("https://") for _, url in clause.sources), clause.id
    complaints = " ".join(title for title, _ in current.clause("complaints").sources)
    assert "Standard 5 (complaints)" in complaints and "Standard 2" not in complaints
    assert "practitioners-guidance" not in " ".join(url for _, url in current.sources)
    guidance = [title for title, url in current.sources if "statutory-guidance-accompany" in url]
    assert guidance == ["Statutory guidance on the 2013 Act, updated November 2022"]


def test_an_agreement_drafted_before_sources_were_addresses_keeps_its_words_and_hash():
    earlier = version(morag())
    assert all("sources" not in clause for clause in earlier["clauses"])  # hashed as it was signed
