from datetime import date
from pathlib import Path

import pytest

from payroll.errors import RateDataError, RateNotPublishedError
from payroll.rates import RATES_DIR, all_series, load_series, series

pytestmark = pytest.mark.unit


def test_every_rate_file_loads_with_a_source_on_every_value():
    loaded = all_series()
    assert {s.id for s in loaded} >= {"hmrc.income_tax.scottish_bands", "hmrc.ni.class1.thresholds"}
    for one in loaded:
        for value in one.values:
            assert value.sources and all(source.title and source.url.startswith("https://") for source in value.sources)


def test_the_tax_year_boundary_is_6_april():
    bands = series("hmrc.income_tax.scottish_bands")
    assert bands.at(payment_date=date(2026, 4, 5))["band_tops_pounds"][0] == 2827
    assert bands.at(payment_date=date(2026, 4, 6))["band_tops_pounds"][0] == 3967
    assert bands.at(payment_date=date(2026, 4, 6)).reference == "hmrc.income_tax.scottish_bands@2026-04-06"


def test_a_date_with_no_published_rate_is_an_error_not_a_guess():
    thresholds = series("hmrc.ni.class1.thresholds")
    for day in (date(2024, 4, 5), date(2027, 4, 6)):
        with pytest.raises(RateNotPublishedError, match=r"No hmrc\.ni\.class1\.thresholds is published"):
            thresholds.at(payment_date=day)


def test_a_series_answers_only_the_date_it_is_keyed_on():
    with pytest.raises(TypeError, match="keyed on payment_date"):
        series("hmrc.ni.class1.thresholds").at(hours_worked=date(2026, 5, 1))


def test_rates_are_exact_decimals():
    rate = series("hmrc.ni.class1.category_rates").at(payment_date=date(2025, 5, 1))["categories"]["B"]
    assert str(rate["employee_main"]) == "0.0185"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('keyed_on = "payment_date"', 'keyed_on = "whenever"'), "keyed_on must be"),
        (lambda text: text.replace("rates = [0.19", "rate = [0.19", 1), "unknown keys"),
        (lambda text: text.replace("effective_from = 2025-04-06", "effective_from = 2025-04-08"), "without gap"),
        (lambda text: text.replace('id = "hmrc.income_tax.scottish_bands"', 'id = "other"'), "its id must be"),
    ],
)
def test_malformed_rate_files_are_refused(tmp_path: Path, monkeypatch, change, message):
    original = (RATES_DIR / "hmrc/income_tax/scottish_bands.toml").read_text()
    copy = tmp_path / "hmrc" / "income_tax" / "scottish_bands.toml"
    copy.parent.mkdir(parents=True)
    copy.write_text(change(original))
    monkeypatch.setattr("payroll.rates.RATES_DIR", tmp_path)
    with pytest.raises(RateDataError, match=message):
        load_series(copy)
