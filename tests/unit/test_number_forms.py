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
        ("$2,318", "2318", False),
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


def test_a_release_that_pairs_fy2024_with_its_dates_names_years_by_their_start() -> None:
    from extraction import extract_bytes

    text = (
        "Example Announces its Results for the Fiscal Year Ended March 31, 2025\n\n"
        "Tokyo, May 15, 2025 - Example Corp. today announced its results for the fiscal "
        'year ended March 31, 2025 ("FY2024", from April 1, 2024 to March 31, 2025).\n\n'
        "Highlights of Financial Results for FY2024\n"
        "Revenue\tJPY537.2 billion\tup\t5.6%\tYoY\n"
        "Financial Targets for FY2025 (Announced on May 15, 2025)\n"
        "Revenue\tJPY608.6 billion\tup\t13.3%\tYoY\n"
        "Operating profit\tJPY63.0 billion\tup\t15.2%\tYoY\n\n"
        # the next year named more often than this one must not turn the names around
        "Our plan for FY2025 builds on FY2025 orders; FY2025 investment continues.\n"
    )
    result = extract_bytes(text.encode(), "example.txt")
    targets = [f for f in result.figures if f.value == Decimal("608600000000")]
    assert [(f.period.start.isoformat(), f.scenario) for f in targets] == [
        ("2025-04-01", "forecast")
    ]
