"""Exact number formatting for the report.

Values arrive as :class:`decimal.Decimal` in base units (yen, not millions). Labels show the
exact value, scaled for reading (``¥ 109,053.9 m``); only chart geometry uses floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}
MINUS = "\u2212"
# Ratios computed by the warehouse carry 6 decimal places; a label shows this many.
PERCENT_PLACES = 2


def grouped(value: Decimal) -> str:
    """``value`` with thousands separators, no trailing zeros or exponent, a true minus."""
    text = format(abs(value).normalize(), ",f")
    return f"{MINUS}{text}" if value < 0 else text


@dataclass(frozen=True)
class Scale:
    """How the values of one chart are shown: a unit and a power of ten to divide by."""

    unit: str
    exponent: int = 0

    @classmethod
    def for_values(cls, unit: str, values: list[Decimal]) -> Scale:
        """Millions for currency amounts of a million or more, base units otherwise."""
        largest = max((abs(v) for v in values), default=Decimal(0))
        is_currency = unit in CURRENCY_SYMBOLS or (len(unit) == 3 and unit.isupper())
        if is_currency and largest >= Decimal(10) ** 6:
            return cls(unit, 6)
        return cls(unit)

    @property
    def caption(self) -> str:
        """The unit in words for a chart subtitle, e.g. ``¥ millions``."""
        symbol = CURRENCY_SYMBOLS.get(self.unit)
        if self.unit == "percent":
            return "percent"
        if self.unit.endswith("/share"):
            currency = self.unit.removesuffix("/share")
            return f"{CURRENCY_SYMBOLS.get(currency, currency)} per share"
        if symbol or (len(self.unit) == 3 and self.unit.isupper()):
            name = symbol or self.unit
            return f"{name} millions" if self.exponent == 6 else name
        return self.unit

    def label(self, value: Decimal, places: int | None = None) -> str:
        """The exact value, scaled, with its unit: ``¥ 56,142 m``, ``7,279.7 Gbps``.

        ``places`` rounds (half even) for display; used only for derived percentages.
        """
        scaled = value.scaleb(-self.exponent)
        if places is not None:
            scaled = scaled.quantize(Decimal(1).scaleb(-places))
            number = format(abs(scaled), ",f")
            number = f"{MINUS}{number}" if scaled < 0 else number
        else:
            number = grouped(scaled)
        return self._decorate(number)

    def tick(self, value: float) -> str:
        """An axis tick (a float from the chart's geometry), without the unit."""
        return grouped(Decimal(repr(round(value, 6))))

    def _decorate(self, number: str) -> str:
        unit = self.unit
        suffix = " m" if self.exponent == 6 else ""
        if unit == "percent":
            return f"{number} %"
        if unit in CURRENCY_SYMBOLS:
            return f"{CURRENCY_SYMBOLS[unit]} {number}{suffix}"
        if unit.endswith("/share"):
            currency = unit.removesuffix("/share")
            symbol = CURRENCY_SYMBOLS.get(currency, currency)
            return f"{symbol} {number} per share"
        if unit == "count":
            return number
        if len(unit) == 3 and unit.isupper():
            return f"{unit} {number}{suffix}"
        return f"{number} {unit}"
