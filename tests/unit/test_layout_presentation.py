"""Results presentations: slides converted to text, one table after another.

The fixture ``osprey_1q2031_results_presentation.txt`` is an invented first-quarter
presentation as ``pdftotext`` gives it: the company named only in each slide's footer, no
fiscal year end stated, headers that name periods year first ("2030 1Q"), a unit caption
over each table and a change column headed "Increase/ Decrease" wrapped over two lines.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import extract_file
from extraction.layout.headers import header_cells
from extraction.layout.spaced import words_of
from extraction.periods import PERIOD_LABEL, FiscalCalendar

FIXTURE = (
    Path(__file__).parents[1]
    / "fixtures"
    / "presentations"
    / "osprey_1q2031_results_presentation.txt"
)
DECEMBER = FiscalCalendar(12, 31, "end")
MARCH_BY_START = FiscalCalendar(3, 31, "start")


@pytest.fixture(scope="module")
def osprey():
    return extract_file(FIXTURE)


@pytest.mark.parametrize(
    ("text", "calendar", "start", "end"),
    [
        ("2025 1Q", DECEMBER, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("FY2026 1H", DECEMBER, dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026 Q3", DECEMBER, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026 9M", DECEMBER, dt.date(2026, 1, 1), dt.date(2026, 9, 30)),
        # the label first, as before
        ("1H21", MARCH_BY_START, dt.date(2021, 4, 1), dt.date(2021, 9, 30)),
        ("Q2 FY2026", DECEMBER, dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    ],
)
def test_period_labels_year_first_or_last(text, calendar, start, end) -> None:
    match = PERIOD_LABEL.fullmatch(text)
    assert match is not None
    period = calendar.period_of_label(match)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["12025 1Q", "2025 1Qx", "Note 2025 10"])
def test_a_year_and_a_number_are_no_period_label(text) -> None:
    assert not any(m.group() == text for m in PERIOD_LABEL.finditer(text))
    assert all("Q" in m.group() or "H" in m.group() for m in PERIOD_LABEL.finditer(text))


def test_header_with_a_wrapped_change_column() -> None:
    words = [(w, 0) for w in words_of("2030 1Q 2031 1Q Increase/ Decrease")]
    cells = header_cells(words, 3)
    assert cells is not None
    assert [" ".join(w.text for w, _ in cell) for cell in cells.rows[0][1:]] == [
        "2030 1Q",
        "2031 1Q",
        "Increase/ Decrease",
    ]


def test_document_facts_from_the_slides(osprey) -> None:
    document = osprey.document
    # named only in the footer; the quarter from the subtitle and the balance date
    assert document.company_name == "Osprey Materials Corporation"
    assert (document.fiscal_year_end_month, document.fiscal_year_end_day) == (12, 31)
    assert (document.period.start, document.period.end) == (
        dt.date(2031, 1, 1),
        dt.date(2031, 3, 31),
    )
    assert document.published_on == dt.date(2031, 5, 12)
    assert document.currency == "JPY"


def _figures(result, label: str) -> list[tuple[object, object, str, Decimal]]:
    return [
        (f.period.start, f.period.end, f.measure, f.value)
        for f in result.figures
        if f.item_label == label
    ]


def test_quarter_table_year_first_headers(osprey) -> None:
    assert _figures(osprey, "Revenue") == [
        (dt.date(2030, 1, 1), dt.date(2030, 3, 31), "value", Decimal("210400000000")),
        (dt.date(2031, 1, 1), dt.date(2031, 3, 31), "value", Decimal("198600000000")),
        (dt.date(2031, 1, 1), dt.date(2031, 3, 31), "change", Decimal("-11800000000")),
    ]
    assert {f.unit for f in osprey.figures} == {"JPY"}
    assert all(f.scale == 9 for f in osprey.figures)


def test_balance_table_after_a_footer_and_a_unit_caption(osprey) -> None:
    # a new header of dates under rows of the same width starts a new table
    assert _figures(osprey, "Total assets") == [
        (None, dt.date(2030, 12, 31), "value", Decimal("1204500000000")),
        (None, dt.date(2031, 3, 31), "value", Decimal("1188000000000")),
        (None, dt.date(2031, 3, 31), "change", Decimal("-16500000000")),
    ]
    assert all(f.label_path == () for f in osprey.figures)


def test_slide_footers_are_no_figures_and_their_numbers_are_page_numbers(osprey) -> None:
    assert not [f for f in osprey.figures if re.search("reserved", f.item_label, re.I)]
    footers = [t for t in osprey.tokens if t.line_number in (6, 9, 19, 24)]
    assert footers and all((t.status, t.reason) == ("ignored", "page number") for t in footers)
    assert not [t for t in osprey.tokens if t.status == "unparsed"]
