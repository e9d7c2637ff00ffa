"""Rates and thresholds as dated data, read from the TOML files under ``payroll/rates/``.

A series file's path is its id (``rates/hmrc/ni/class1/thresholds.toml`` is
``hmrc.ni.class1.thresholds``). Each series says which date it is keyed on, and ``at``
must be asked with exactly that date by name, so a pay-date series cannot be looked up
by the date hours were worked. Every value carries ``effective_from``, ``effective_to``
and its sources; a date outside every value is an error, never an extrapolation.
Decimals are read as ``Decimal`` (never float). Unknown keys are refused.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

from payroll.errors import RateDataError, RateNotPublishedError

T = TypeVar("T")
RATES_DIR = Path(__file__).resolve().parent / "rates"
KEYED_ON = ("payment_date", "hours_worked", "pay_reference_period_start", "day_of_absence", "calendar_day")
_SERIES_KEYS = {"id", "description", "keyed_on", "fields", "values", "period_fields", "category_fields"}
_VALUE_KEYS = {"effective_from", "effective_to", "sources"}


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class RateValue:
    series_id: str
    effective_from: date
    effective_to: date
    data: dict[str, Any]
    sources: tuple[Source, ...]
    _derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """A figure worked out from this value once and kept with it: every payslip of a run asks
        for the same few (the value itself never changes)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]  # type: ignore[no-any-return]

    def decimals(self, name: str) -> dict[str, Decimal]:
        """A per-period table (``thresholds["monthly"]``) as Decimals."""
        return self.derived(("decimals", name), lambda: {key: Decimal(v) for key, v in self.data[name].items()})

    @property
    def reference(self) -> str:
        """What a payslip records: which series, and which dated value of it."""
        return f"{self.series_id}@{self.effective_from.isoformat()}"


@dataclass(frozen=True, slots=True)
class RateSeries:
    id: str
    description: str
    keyed_on: str
    values: tuple[RateValue, ...]

    def at(self, **when: date) -> RateValue:
        if list(when) != [self.keyed_on]:
            raise TypeError(f"{self.id} is keyed on {self.keyed_on}; ask for it with {self.keyed_on}=...")
        day = when[self.keyed_on]
        for value in self.values:
            if value.effective_from <= day <= value.effective_to:
                return value
        raise RateNotPublishedError(
            f"No {self.id} is published for {self.keyed_on.replace('_', ' ')} {day.isoformat()} "
            f"(known: {self.values[0].effective_from.isoformat()} to {self.values[-1].effective_to.isoformat()}).",
            field=self.keyed_on,
        )


def _check_value(series_id: str, raw: dict[str, Any], fields: list[str], extra: dict[str, list[str]]) -> RateValue:
    unknown = set(raw) - _VALUE_KEYS - set(fields)
    missing = (_VALUE_KEYS | set(fields)) - set(raw)
    if unknown or missing:
        raise RateDataError(f"{series_id}: a value has unknown keys {sorted(unknown)} or misses {sorted(missing)}")
    if not raw["sources"] or not all({"title", "url"} == set(source) for source in raw["sources"]):
        raise RateDataError(f"{series_id}: every value needs sources, each with exactly a title and a url")
    for name, inner in extra.items():  # nested tables (per period, per category) have fixed keys too
        tables = raw[name].values() if name == "categories" else [raw[field] for field in fields]
        for table in tables:
            if set(table) != set(inner):
                raise RateDataError(f"{series_id}: {name} entries must have exactly {inner}, found {sorted(table)}")
    if raw["effective_to"] < raw["effective_from"]:
        raise RateDataError(f"{series_id}: a value ends before it starts")
    return RateValue(
        series_id=series_id,
        effective_from=raw["effective_from"],
        effective_to=raw["effective_to"],
        data={field: raw[field] for field in fields},
        sources=tuple(Source(**source) for source in raw["sources"]),
    )


def load_series(path: Path) -> RateSeries:
    series_id = ".".join(path.relative_to(RATES_DIR).with_suffix("").parts)
    raw = tomllib.loads(path.read_text(), parse_float=Decimal)
    unknown = set(raw) - _SERIES_KEYS
    if unknown:
        raise RateDataError(f"{series_id}: unknown keys {sorted(unknown)}")
    if raw.get("id") != series_id:
        raise RateDataError(f"{path}: its id must be '{series_id}' (the path), not '{raw.get('id')}'")
    if raw.get("keyed_on") not in KEYED_ON:
        raise RateDataError(f"{series_id}: keyed_on must be one of {KEYED_ON}")
    extra = {}
    if "period_fields" in raw:
        extra["periods"] = raw["period_fields"]
    if "category_fields" in raw:
        extra["categories"] = raw["category_fields"]
    values = tuple(_check_value(series_id, value, raw["fields"], extra) for value in raw["values"])
    for earlier, later in pairwise(values):
        if (later.effective_from - earlier.effective_to).days != 1:
            raise RateDataError(f"{series_id}: values must follow each other without gap or overlap")
    return RateSeries(series_id, raw["description"], raw["keyed_on"], values)


@cache
def series(series_id: str) -> RateSeries:
    path = RATES_DIR.joinpath(*series_id.split(".")).with_suffix(".toml")
    if not path.is_file():
        raise RateDataError(f"there is no rate series {series_id}")
    return load_series(path)


def all_series() -> list[RateSeries]:
    return [
        series(".".join(path.relative_to(RATES_DIR).with_suffix("").parts))
        for path in sorted(RATES_DIR.rglob("*.toml"))
    ]


def payslip_rates(paid_on: date, period_start: date, band_series: str):  # type: ignore[no-untyped-def]
    """Look up every dated value a payslip needs (``payroll.payslip.PayslipRates``)."""
    from payroll.payslip import PayslipRates

    pa_minimum = series("scotgov.pa_minimum_hourly_rate")
    return PayslipRates(
        income_tax_bands=series(band_series).at(payment_date=paid_on),
        ni_thresholds=series("hmrc.ni.class1.thresholds").at(payment_date=paid_on),
        ni_rates=series("hmrc.ni.class1.category_rates").at(payment_date=paid_on),
        pension_thresholds=series("tpr.auto_enrolment_thresholds").at(payment_date=paid_on),
        minimum_wage=series("lpc.minimum_wage_hourly_rates").at(pay_reference_period_start=period_start),
        pa_minimum_on=lru_cache(maxsize=1024)(lambda day: pa_minimum.at(hours_worked=day)),
    )
