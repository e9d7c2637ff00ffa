"""PAYE income tax for one payment, by HMRC's exact cumulative method. Pure: no I/O.

The method is the one that reproduces every row of HMRC's own payroll test data
(docs/reference/payroll.md §3): free pay from the code split into 500-units; taxable pay
to date floored to whole pounds; band thresholds pro-rated to the period and truncated to
4 dp, chosen against the unrounded pay using thresholds rounded up to the pound; threshold
tax accumulated band by band for Scotland and pro-rated from the annual figure elsewhere;
tax to date floored to the penny; the 50% regulatory limit on any deduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from payroll.periods import PayFrequency, TablePosition, table_position
from payroll.rates import RateValue
from payroll.tax_codes import CodeKind, Regime, TaxCode

PENNY = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
WEEKLY_UNIT = Decimal("96.16")
"""Free pay of one 500-unit of code number in the weekly tables (Tables A)."""
MONTHLY_UNIT = Decimal("416.67")
REGULATORY_LIMIT = Decimal("0.5")


def trunc4(value: Decimal) -> Decimal:
    return value.quantize(FOUR_PLACES, rounding=ROUND_DOWN)


def floor_penny(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_DOWN)


def _pence(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_DOWN))


def period_one_free_pay(code_number: int, base: int) -> Decimal:
    """Tables A for period 1: ``(10r + 9) / base`` rounded up to the penny, plus a fixed figure per 500."""
    if code_number == 0:
        return Decimal(0)
    units, remainder = divmod(code_number - 1, 500)
    remainder += 1
    value = (Decimal(10 * remainder + 9) / base).quantize(PENNY, rounding=ROUND_CEILING)
    return value + units * (WEEKLY_UNIT if base == 52 else MONTHLY_UNIT)


@dataclass(frozen=True, slots=True)
class PayeResult:
    tax_pence: int
    """Deducted this period (negative: a refund)."""
    tax_due_to_date_pence: int
    """What the cumulative calculation says is due for the year so far (before the regulatory limit)."""
    taxable_pay_to_date_pence: int
    """For the year so far, whatever the basis (Week 1/Month 1 pay is still reported to date)."""
    limited_by_pence: int
    """How much the 50% regulatory limit held back this period (recovered in later periods)."""
    band_rate: Decimal | None
    rates_used: tuple[str, ...]


def _tax_to_date(
    code: TaxCode, pay: Decimal, position: TablePosition, bands: RateValue
) -> tuple[Decimal, Decimal | None]:
    rates: list[Decimal] = bands["rates"]
    if code.kind is CodeKind.NO_TAX:
        return Decimal(0), None
    if code.kind is CodeKind.FLAT:
        rate = rates[code.flat_band]
        return floor_penny(pay.to_integral_value(rounding=ROUND_DOWN) * rate), rate
    allowance = period_one_free_pay(code.number, position.base) * position.n
    taxable = pay + allowance if code.kind is CodeKind.K else pay - allowance
    if taxable <= 0:
        return Decimal(0), None
    whole = taxable.to_integral_value(rounding=ROUND_DOWN)
    tops, ceilings, threshold_taxes = bands.derived(
        ("paye", code.regime, position.n, position.base), lambda: _band_table(code.regime, position, bands)
    )
    band = next((index for index, ceiling in enumerate(ceilings) if ceiling >= taxable), len(tops))
    below = tops[band - 1] if band else Decimal(0)
    return floor_penny(trunc4(threshold_taxes[band] + (whole - below) * rates[band])), rates[band]


def _band_table(
    regime: Regime, position: TablePosition, bands: RateValue
) -> tuple[list[Decimal], list[Decimal], list[Decimal]]:
    """Band tops for the table position, their whole-pound ceilings, and the tax on all of each band
    below: Scottish tax band by band, each truncated (HMRC's Scottish method); the rest of the UK
    on the annual figure, pro-rated then truncated."""
    rates: list[Decimal] = bands["rates"]
    annual_tops = [Decimal(top) for top in bands["band_tops_pounds"]]
    tops = [trunc4(top * position.n / position.base) for top in annual_tops]
    threshold_taxes = []
    for band in range(len(tops) + 1):
        if regime is Regime.SCOTTISH:
            threshold_tax = sum(
                (
                    trunc4((tops[index] - (tops[index - 1] if index else Decimal(0))) * rates[index])
                    for index in range(band)
                ),
                Decimal(0),
            )
        else:
            annual = sum(
                (
                    (annual_tops[index] - (annual_tops[index - 1] if index else Decimal(0))) * rates[index]
                    for index in range(band)
                ),
                Decimal(0),
            )
            threshold_tax = trunc4(annual * position.n / position.base)
        threshold_taxes.append(threshold_tax)
    return tops, [top.to_integral_value(ROUND_CEILING) for top in tops], threshold_taxes


def calculate_paye(
    code: TaxCode,
    frequency: PayFrequency,
    period_number: int,
    *,
    taxable_pay_pence: int,
    previous_taxable_pay_pence: int,
    previous_tax_pence: int,
    bands: RateValue,
) -> PayeResult:
    """Tax for one payment; cumulative unless the code is Week 1 / Month 1."""
    position = table_position(frequency, period_number, week1_month1=code.week1_month1)
    this_period = Decimal(taxable_pay_pence) / 100
    if code.week1_month1 or position.non_cumulative:
        pay_for_tax, tax_before = this_period, Decimal(0)
    else:
        pay_for_tax = Decimal(previous_taxable_pay_pence + taxable_pay_pence) / 100
        tax_before = Decimal(previous_tax_pence) / 100
    due, rate = _tax_to_date(code, pay_for_tax, position, bands)
    tax = due - tax_before
    limited = Decimal(0)
    if tax > 0:
        ceiling = floor_penny(max(this_period, Decimal(0)) * REGULATORY_LIMIT)
        if tax > ceiling:
            limited, tax = tax - ceiling, ceiling
    return PayeResult(
        tax_pence=int(tax * 100),
        tax_due_to_date_pence=_pence(due),
        taxable_pay_to_date_pence=previous_taxable_pay_pence + taxable_pay_pence,
        limited_by_pence=int(limited * 100),
        band_rate=rate,
        rates_used=(bands.reference,),
    )
