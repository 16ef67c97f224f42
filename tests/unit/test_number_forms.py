"""The number, sign, nil and unit forms real releases print (issue #13's list)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extraction.numbers import is_nil, parse_number
from extraction.units import Unit, unit_of_header, unit_of_label


@pytest.mark.parametrize(
    ("cell", "value", "percent"),
    [
        ("1,234", "1234", False),
        ("\u25b31,234", "-1234", False),  # triangle: J-GAAP statements
        ("\u25b21,234", "-1234", False),
        ("(1,234)", "-1234", False),
        ("\uff081,234\uff09", "-1234", False),  # full-width parentheses
        ("( 9.1)", "-9.1", False),
        ("-1,234", "-1234", False),
        ("23.6%", "23.6", True),
        ("(4.6)%", "-4.6", True),
        ("$5,463", "5463", False),
    ],
)
def test_signed_number_forms(cell: str, value: str, percent: bool) -> None:
    parsed = parse_number(cell)
    assert parsed is not None
    assert (parsed.value, parsed.is_percent) == (Decimal(value), percent)


@pytest.mark.parametrize("mark", ["\uff0d", "\u2015", "\u2014", "\u2013", "--", "-"])
def test_nil_marks(mark: str) -> None:
    assert is_nil(mark)
    assert parse_number(mark) is None


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Millions of yen", Unit("JPY", 6)),
        ("(Millions of yen)", Unit("JPY", 6)),
        ("Thousands of yen", Unit("JPY", 3)),
        ("billions of yen", Unit("JPY", 9)),
        ("Yen", Unit("JPY", 0)),
        ("Y en", Unit("JPY", 0)),  # split by a converter
        ("%", Unit("percent", 0)),
    ],
)
def test_unit_phrases(header: str, unit: Unit) -> None:
    assert unit_of_header(header) == unit


@pytest.mark.parametrize(
    "label",
    ["Basic earnings per share", "Net assets per share", "Annual dividends per share"],
)
def test_per_share_labels(label: str) -> None:
    found = unit_of_label(label)
    assert found is not None and found.unit.endswith("/share")
