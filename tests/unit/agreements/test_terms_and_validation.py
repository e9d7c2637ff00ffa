import pytest

from agreements.errors import AgreementInvalidError
from agreements.terms import parse_terms, terms_to_dict
from agreements.validation import check_terms
from tests.unit.agreements.terms_example import MORAG, PA_MINIMUM, morag

pytestmark = pytest.mark.unit


def problems_of(raw, floors=PA_MINIMUM):
    with pytest.raises(AgreementInvalidError) as caught:
        check_terms(parse_terms(raw), floors)
    return {problem["field"]: problem["detail"] for problem in caught.value.problems}


def test_complete_terms_pass_and_round_trip():
    terms = parse_terms(MORAG)
    assert check_terms(terms, PA_MINIMUM) == []
    assert parse_terms(terms_to_dict(terms)) == terms
    assert terms_to_dict(terms)["budget_lines"][1]["percent_of_pa_pay"] == "22.5"


def test_each_problem_is_named_at_once():
    raw = morag(support_plan_dated="2026-05-01", annual_total_pence=2_000_000)
    raw["budget_lines"][0]["hourly_rate_pence"] = 1300
    raw["budget_lines"][0]["amount_pence"] = 1_352_000  # 20 x 13.00 x 52
    raw["budget_lines"][1]["amount_pence"] = 304_200  # 22.5% of 13,520.00
    found = problems_of(raw)
    assert set(found) == {"support_plan_dated", "budget_lines", "budget_lines[0].hourly_rate_pence"}
    assert (
        "the support plan is dated 2026-05-01, after the agreement starts on 2026-04-15" in found["support_plan_dated"]
    )
    assert found["budget_lines"] == "the budget lines add up to £18,662.00, not the annual total of £20,000.00"


def test_a_rate_that_falls_below_the_minimum_after_a_change_is_refused_for_those_dates():
    raw = morag(starts_on="2026-01-05", support_plan_dated="2026-01-02", cycle_starts_on="2026-01-05")
    raw["budget_lines"][0].update(hourly_rate_pence=1300, amount_pence=1_352_000)
    raw["budget_lines"][1]["amount_pence"] = 304_200
    raw["annual_total_pence"] = 1_352_000 + 304_200 + 60_000 + 150_000
    found = problems_of(raw)
    assert list(found) == ["budget_lines[0].hourly_rate_pence"]
    assert found["budget_lines[0].hourly_rate_pence"] == (
        "from 2026-04-01 to 2027-03-31 the Scottish PA minimum is £13.45 an hour (£16.48 with on-costs of 22.5%), "
        "but budget_lines[0] pays £13.00 (£15.93 with on-costs) [scotgov.pa_minimum_hourly_rate@2026-04-01]"
    )


def test_line_arithmetic_is_checked():
    raw = morag()
    raw["budget_lines"][0]["amount_pence"] = 1_400_000
    raw["annual_total_pence"] = 1_993_600 - 56_000
    found = problems_of(raw)
    assert found["budget_lines[0].amount_pence"] == (
        "budget_lines[0]: 20 hours a week at £14.00 for 52 weeks is £14,560.00, not £14,000.00"
    )
    assert "22.5% of the PA pay of £14,000.00 is £3,150.00, not £3,276.00" in found["budget_lines[1].amount_pence"]


def test_an_agreement_that_ends_before_it_starts_is_refused():
    assert "ends on 2026-04-14, before it starts on 2026-04-15" in problems_of(morag(ends_on="2026-04-14"))["ends_on"]


def test_dates_parties_and_outcome_links_are_checked():
    raw = morag(
        support_plan_dated="2026-05-01",
        cycle_starts_on="2026-04-20",
        managed_by="representative",
        permitted_uses=[{"category": "pa_wages", "description": "PAs", "outcomes": ["O9"]}],
    )
    found = problems_of(raw)
    assert set(found) == {"support_plan_dated", "cycle_starts_on", "representative_name", "permitted_uses[0].outcomes"}


def test_dates_with_no_published_minimum_are_a_warning_not_a_refusal():
    warnings = check_terms(parse_terms(morag(ends_on="2027-04-14")), PA_MINIMUM)
    assert warnings == [
        "No Scottish PA minimum is published for 2027-04-01 onwards; the PA rate could not be checked for those dates."
    ]


def test_malformed_fields_are_named_with_what_was_wanted():
    raw = morag(annual_total_pence="lots", starts_on="15/04/2026", frequency="fortnightly", colour="blue")
    del raw["holder_name"]
    with pytest.raises(AgreementInvalidError) as caught:
        parse_terms(raw)
    found = {problem["field"]: problem["detail"] for problem in caught.value.problems}
    assert set(found) == {"holder_name", "annual_total_pence", "starts_on", "frequency", "colour"}
    assert found["frequency"] == "frequency must be one of weekly, four_weekly, monthly, not 'fortnightly'"
    assert found["colour"] == "colour is not a term of the agreement"


def test_a_third_party_is_paid_only_at_the_persons_request_and_its_fees_are_terms():
    third_party = morag(managed_by="third_party", third_party_name="Braeside Support")
    assert problems_of(third_party)["third_party_requested_on"] == (
        "a payment goes to a third party only at the person's request: give its date"
    )
    agreed = morag(
        managed_by="third_party",
        third_party_name="Braeside Support",
        third_party_requested_on="2026-03-20",
        third_party_setup_fee_pence=18_900,
        third_party_fee_per_payment_pence=4_500,
    )
    terms = parse_terms(agreed)
    assert check_terms(terms, PA_MINIMUM) == []
    assert parse_terms(terms_to_dict(terms)) == terms
    assert problems_of(morag(third_party_setup_fee_pence=18_900))["managed_by"] == (
        "a third party's request and fees are for a payment made to a third party"
    )
    # Terms of everyone else keep the canonical form they had before third-party fees existed.
    assert "third_party_setup_fee_pence" not in terms_to_dict(parse_terms(MORAG))


def test_the_third_partys_fees_are_in_the_agreements_words():
    from agreements.template import wording

    terms = parse_terms(
        morag(
            managed_by="third_party",
            third_party_name="Braeside Support",
            third_party_requested_on="2026-03-20",
            third_party_setup_fee_pence=18_900,
            third_party_fee_per_payment_pence=4_500,
        )
    )
    words = " ".join(wording(terms).values())
    assert "At your request (made on 20 March 2026), the Direct Payment is paid to Braeside Support" in words
    assert (
        "Braeside Support's fees, paid from the Direct Payment: £189.00 to set up and £45.00 for each payment." in words
    )


def test_a_term_longer_than_the_default_is_a_warning_naming_the_default_and_why():
    warnings = check_terms(parse_terms(morag(ends_on="2029-04-15")), PA_MINIMUM)
    assert any("more than 3 years, the platform's default longest term" in warning for warning in warnings)
    assert not any("3 years" in w for w in check_terms(parse_terms(morag(ends_on="2029-04-14")), PA_MINIMUM))


def test_every_default_says_why_and_cites_an_address():
    from agreements.defaults import DEFAULTS

    for default in DEFAULTS:
        assert default.why and default.sources, default.name
        assert all(url.startswith("https://") for _, url in default.sources), default.name
