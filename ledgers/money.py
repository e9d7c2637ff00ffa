"""Money as whole pence.

``Money`` wraps an ``int`` and refuses anything else (``bool``, ``float``, ``Decimal``),
so a fraction of a penny can never be stored or sent. Multiplying by a rate gives a
``Decimal`` that the caller must round back with ``Money.from_decimal``, naming the
rounding rule its source prescribes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import overload

_PLAIN = re.compile(r"-?\d+\.\d\d")
_AMOUNT = re.compile(r"^(?P<sign>[-+])?£?(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$")


@dataclass(frozen=True, slots=True, order=True)
class Money:
    pence: int

    def __post_init__(self) -> None:
        if type(self.pence) is not int:
            raise TypeError(f"Money holds whole pence as int, not {type(self.pence).__name__}")

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def from_decimal(cls, pence: Decimal, *, rounding: str) -> Money:
        """Round a calculated number of pence to a whole penny by the named ``decimal`` rule."""
        return cls(int(pence.quantize(Decimal(1), rounding=rounding)))

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read an amount as banks and people write it: ``12.34``, ``-1,234.5``, ``£20``.

        Exact: more than two decimal places is an error, never a rounding.
        """
        cleaned = text.strip().replace(" ", "")
        if _PLAIN.fullmatch(cleaned):  # the common case, e.g. "-612.50", without the general pattern's cost
            return cls(int(cleaned.replace(".", "")))
        if cleaned.startswith("(") and cleaned.endswith(")"):  # accountants' negative
            cleaned = "-" + cleaned[1:-1]
        if cleaned.startswith("-£") or cleaned.startswith("+£"):
            cleaned = cleaned[0] + cleaned[2:]
        match = _AMOUNT.match(cleaned)
        if match is None:
            raise ValueError(f"'{text}' is not an amount of money")
        pounds = int(match["pounds"].replace(",", ""))
        pence = int((match["pence"] or "0").ljust(2, "0"))
        value = pounds * 100 + pence
        return cls(-value if match["sign"] == "-" else value)

    @classmethod
    def from_pounds(cls, value: Decimal | str) -> Money:
        """Exact conversion from a pounds amount with at most two decimal places."""
        try:
            pence = Decimal(value) * 100
        except InvalidOperation:
            raise ValueError(f"'{value}' is not an amount of money") from None
        if pence != pence.to_integral_value():
            raise ValueError(f"{value} has a fraction of a penny")
        return cls(int(pence))

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence + other.pence)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.pence - other.pence)

    def __neg__(self) -> Money:
        return Money(-self.pence)

    def __abs__(self) -> Money:
        return Money(abs(self.pence))

    @overload
    def __mul__(self, factor: int) -> Money: ...
    @overload
    def __mul__(self, factor: Decimal) -> Decimal: ...
    def __mul__(self, factor: int | Decimal) -> Money | Decimal:
        if type(factor) is int:
            return Money(self.pence * factor)
        if isinstance(factor, Decimal):
            return Decimal(self.pence) * factor
        return NotImplemented

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.pence != 0

    def allocate(self, weights: list[int]) -> list[Money]:
        """Split in proportion to ``weights`` so the parts add up exactly (largest remainder first)."""
        if not weights or any(weight < 0 for weight in weights) or sum(weights) == 0:
            raise ValueError("weights must be non-negative and not all zero")
        total = sum(weights)
        sign = -1 if self.pence < 0 else 1
        amount = abs(self.pence)
        shares = [amount * weight // total for weight in weights]
        remainders = sorted(range(len(weights)), key=lambda index: (-(amount * weights[index] % total), index))
        for index in remainders[: amount - sum(shares)]:
            shares[index] += 1
        return [Money(sign * share) for share in shares]

    def to_pounds(self) -> Decimal:
        return Decimal(self.pence) / 100

    def __str__(self) -> str:
        sign = "-" if self.pence < 0 else ""
        pounds, pence = divmod(abs(self.pence), 100)
        return f"{sign}£{pounds:,}.{pence:02d}"
