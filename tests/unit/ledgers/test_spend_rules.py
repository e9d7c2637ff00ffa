from datetime import date

import pytest

from ledgers.categories.engine import Spend, decide
from ledgers.categories.taxonomy import DATA, SpendRuleError, load_taxonomy, local_rule, national

pytestmark = pytest.mark.unit


def test_a_new_dated_version_changes_decisions_only_from_its_date(tmp_path):
    text = DATA.read_text()
    old = """id = "NAT-CASH"
statutory = false
categories = ["cash"]
[[rules.versions]]
effective_from = 2014-04-01
"""
    assert old in text
    changed = text.replace(
        old,
        old
        + """effective_to = 2026-12-31
decision = "needs_approval"
sentence = "Cash needs approval."
sources = [{ title = "t", url = "https://example.org" }]
[[rules.versions]]
effective_from = 2027-01-01
""",
    )
    changed = changed.replace(
        'effective_from = 2027-01-01\ndecision = "needs_approval"',
        'effective_from = 2027-01-01\ndecision = "not_allowed"',
    )
    path = tmp_path / "national.toml"
    path.write_text(changed)
    taxonomy = load_taxonomy(path)
    before = decide(Spend(date(2026, 12, 31), 2000, "cash"), taxonomy)
    after = decide(Spend(date(2027, 1, 1), 2000, "cash"), taxonomy)
    assert (before.decision.label, after.decision.label) == ("needs_approval", "not_allowed")
    assert before.rule_ids == after.rule_ids == ["NAT-CASH"]
    assert decide(Spend(date(2027, 1, 1), 2000, "gambling"), taxonomy).decision.label == "not_allowed"
    assert decide(Spend(date(2027, 1, 1), 2000, "pa_wages"), taxonomy).decision.label == "allowed"


def test_a_local_rule_cannot_replace_the_law_or_borrow_a_national_id():
    base = {
        "categories": ["pa_wages"],
        "versions": [
            {
                "effective_from": date(2026, 1, 1),
                "decision": "allowed",
                "sentence": "s",
                "sources": [{"title": "t", "url": "https://example.org"}],
            }
        ],
    }
    with pytest.raises(SpendRuleError, match="comes from the law"):
        local_rule({**base, "id": "GLN-FAMILY", "replaces": "NAT-REG7-FAMILY"}, national())
    with pytest.raises(SpendRuleError, match="national rule id"):
        local_rule({**base, "id": "NAT-CASH"}, national())
    with pytest.raises(SpendRuleError, match="no national rule"):
        local_rule({**base, "id": "GLN-X", "replaces": "NAT-NOPE"}, national())
    assert local_rule({**base, "id": "GLN-OK"}, national()).layer == "local"


def test_a_spend_that_cannot_be_decided_says_why():
    with pytest.raises(SpendRuleError, match="no rule for gambling is in force on 2014-03-31"):
        decide(Spend(date(2014, 3, 31), 100, "gambling"), national())
    with pytest.raises(SpendRuleError, match="MCC 1234 maps to none"):
        decide(Spend(date(2026, 6, 1), 100, mcc="1234"), national())
    with pytest.raises(SpendRuleError, match="'sweets' is not a spend category"):
        decide(Spend(date(2026, 6, 1), 100, "sweets"), national())


def test_the_sentence_names_the_reason_and_the_rules():
    result = decide(Spend(date(2026, 6, 1), 1500, "gambling", payee="BET365"), national())
    assert result.sentence == "Not allowed: A Direct Payment cannot be used for gambling. (NAT-EXCL-GAMBLING)"
    linked = decide(Spend(date(2026, 6, 1), 1500, "activities", outcome="O2"), national())
    assert linked.sentence == (
        "Allowed if it meets an outcome agreed in the support plan and keep the receipt (NAT-CAT-OUTCOME-SPEND)."
    )


def test_every_national_rule_cites_scottish_addresses_and_every_refusal_rests_on_the_regulations():
    from ledgers.categories.taxonomy import Decision, national

    scottish = ("https://www.legislation.gov.uk/ssi/2014/25", "https://www.legislation.gov.uk/asp/", "gov.scot/")
    for rule in national().rules:
        for version in rule.versions:
            urls = [url for _, url in version.sources]
            assert all(url.startswith("https://") for url in urls), rule.id
            assert not any("practitioners-guidance" in url for url in urls), rule.id  # not where these rules are
            assert any(part in url for url in urls for part in scottish), rule.id
            if version.decision is Decision.NOT_ALLOWED:
                assert any("/ssi/2014/25/regulation/" in url for url in urls), rule.id
