"""Tax codes as HMRC issues them: S (Scotland) and C (Wales) prefixes, L/M/N/T allowance
codes, K codes, BR/D0/D1 and SD0-SD3 flat-rate codes, NT, 0T, and the W1/M1/X suffix.
docs/reference/payroll.md §2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from payroll.errors import InvalidTaxCodeError

_CODE = re.compile(
    r"^(?P<region>[SC])?(?:(?P<k>K)(?P<k_number>\d{1,6})|(?P<number>\d{1,7})(?P<suffix>[LMNT])|(?P<flat>BR|D[0-3]|NT|0T))"
    r"(?P<basis>W1|M1|X)?$"
)


class Regime(StrEnum):
    SCOTTISH = "scottish"
    RUK = "ruk"
    WELSH = "welsh"


class CodeKind(StrEnum):
    ALLOWANCE = "allowance"
    """Free pay from the code number (0T is an allowance of 0)."""
    K = "k"
    """Additional pay from the code number."""
    FLAT = "flat"
    """All pay at one band's rate (BR, D0-D3)."""
    NO_TAX = "no_tax"


@dataclass(frozen=True, slots=True)
class TaxCode:
    text: str
    regime: Regime
    kind: CodeKind
    number: int = 0
    flat_band: int = 0
    """For flat codes: which band's rate applies, counting from 0 in the regime's rate list."""
    week1_month1: bool = False

    @property
    def band_series(self) -> str:
        return f"hmrc.income_tax.{self.regime.value}_bands"


# Flat codes name a band: BR the basic rate, D0 the next, and so on. In Scotland the rate list
# starts with the starter rate, so BR is the second entry (20%), SD0 intermediate (21%) ... SD3 top.
_FLAT_BANDS = {
    Regime.SCOTTISH: {"BR": 1, "D0": 2, "D1": 3, "D2": 4, "D3": 5},
    Regime.RUK: {"BR": 0, "D0": 1, "D1": 2},
    Regime.WELSH: {"BR": 0, "D0": 1, "D1": 2},
}


def parse_tax_code(text: str, *, week1_month1: bool = False) -> TaxCode:
    cleaned = text.strip().upper().replace(" ", "")
    match = _CODE.match(cleaned)
    if match is None:
        raise InvalidTaxCodeError(
            f"'{text}' is not a tax code like 1257L, S1257L, K475, BR, SD1 or NT", field="tax_code"
        )
    regime = {"S": Regime.SCOTTISH, "C": Regime.WELSH}.get(match["region"] or "", Regime.RUK)
    basis = week1_month1 or match["basis"] in {"W1", "M1", "X"}
    if match["k"]:
        number = int(match["k_number"])
        if number == 0:
            raise InvalidTaxCodeError(f"'{text}': a K code has a number of 1 or more", field="tax_code")
        return TaxCode(cleaned, regime, CodeKind.K, number=number, week1_month1=basis)
    if match["number"]:
        return TaxCode(cleaned, regime, CodeKind.ALLOWANCE, number=int(match["number"]), week1_month1=basis)
    flat = match["flat"]
    if flat == "NT":
        return TaxCode(cleaned, regime, CodeKind.NO_TAX, week1_month1=basis)
    if flat == "0T":
        return TaxCode(cleaned, regime, CodeKind.ALLOWANCE, number=0, week1_month1=basis)
    bands = _FLAT_BANDS[regime]
    if flat not in bands:
        raise InvalidTaxCodeError(f"'{text}' is not issued for {regime.value} taxpayers", field="tax_code")
    return TaxCode(cleaned, regime, CodeKind.FLAT, flat_band=bands[flat], week1_month1=basis)
