"""The spaced layout reader: rows, wrapped headers and labels, and the trace to the source.

The fixture ``kestrel_fy2030-03_tanshin_spaced.txt`` is an invented exchange summary and
statements laid out as ``pdftotext`` gives them (single spaces, headers wrapped over lines).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import extract_file
from extraction.layout import relayout
from extraction.layout.headers import header_cells, split_items
from extraction.layout.sourcemap import identity
from extraction.layout.spaced import Word, split_row, words_of

FIXTURE = (
    Path(__file__).parents[1] / "fixtures" / "disclosures" / "kestrel_fy2030-03_tanshin_spaced.txt"
)


def _texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


@pytest.mark.parametrize(
    ("line", "label", "values"),
    [
        ("Cash and deposits 41,205 43,870 ", ["Cash", "and", "deposits"], ["41,205", "43,870"]),
        ("Allowance for doubtful accounts △412 △538", 4, ["△412", "△538"]),
        # the year ends the date that labels the row, it is no value
        ("March 31, 2026 654,317 (4.6)", ["March", "31,", "2026"], ["654,317", "(4.6)"]),
        ("Operating margin ( 9.1) 7.5", ["Operating", "margin"], ["(9.1)", "7.5"]),
        # dashes alone are punctuation, not a row of nil cells
        ("Scheduled date to commence dividend payments: \uff0d", 7, []),
    ],
)
def test_split_row(line: str, label: list[str] | int, values: list[str]) -> None:
    got_label, got_values = split_row(words_of(line))
    assert (len(got_label) if isinstance(label, int) else _texts(got_label)) == label
    assert [w.text.replace(" ", "") for w in got_values] == values


def _located(text: str) -> list:
    line = identity(text, 1)
    return [(w, line) for w in words_of(text)]


def _cells(result) -> list[list[str]]:
    return [[" ".join(w.text for w, _ in cell) for cell in row] for row in result.rows]


def test_header_of_wrapped_period_phrases() -> None:
    words = _located("Fiscal year ended March 31, 2025 Fiscal year ended March 31, 2026")
    result = header_cells(words, 2)
    assert result is not None
    assert _cells(result) == [
        ["", "Fiscal year ended March 31, 2025", "Fiscal year ended March 31, 2026"]
    ]
    assert header_cells(words, 3) is None


def test_header_of_a_date_range_is_one_period() -> None:
    words = _located(
        "Three months of FY 12/25 (January 1, 2025 \u2013 March 31, 2025) "
        "Three months of FY 12/26 (January 1, 2026 \u2013 March 31, 2026)"
    )
    result = header_cells(words, 2)
    assert result is not None
    assert (
        _cells(result)[0][2] == "Three months of FY 12/26 (January 1, 2026 \u2013 March 31, 2026)"
    )


def test_header_of_items_over_unit_words() -> None:
    words = _located(
        "Net sales Operating profit Profit attributable to owners of parent "
        "Fiscal year ended Millions of yen % Millions of yen % Millions of yen %"
    )
    result = header_cells(words, 6)
    assert result is not None
    items, units = _cells(result)
    assert items == ["", "Net sales", "", "Operating profit", "", _OWNERS, ""]
    assert units == ["Fiscal year ended", *["Millions of yen", "%"] * 3]


_OWNERS = "Profit attributable to owners of parent"


def test_header_of_one_item_per_unit() -> None:
    words = _located(
        "Total assets Net assets Equity ratio Net assets per share "
        "As of Millions of yen Millions of yen % Yen"
    )
    result = header_cells(words, 4)
    assert result is not None
    items, units = _cells(result)
    assert items == ["", "Total assets", "Net assets", "Equity ratio", "Net assets per share"]
    assert units == ["As of", "Millions of yen", "Millions of yen", "%", "Yen"]


def test_header_of_title_case_members_needs_the_whole_header() -> None:
    words = _located(
        "Clean Fuels Business Sector Specialty Materials Business Sector Other "
        "Reconciling items Per consolidated financial statements"
    )
    result = header_cells(words, 5)
    assert result is not None
    assert _cells(result)[0][1:] == [
        "Clean Fuels Business Sector",
        "Specialty Materials Business Sector",
        "Other",
        "Reconciling items",
        "Per consolidated financial statements",
    ]
    assert header_cells(words, 5, whole=False) is None


def test_split_items_at_capitals() -> None:
    items = split_items(_located("Dividend payout ratio (consolidated) Total 1st quarter"))
    assert [" ".join(w.text for w, _ in item) for item in items] == [
        "Dividend payout ratio (consolidated)",
        "Total",
        "1st quarter",
    ]


def test_documents_in_cells_pass_unchanged() -> None:
    lines = ["Revenue\t1,000\t1,100"] * 6
    relaid = relayout(lines)
    assert relaid.layout == "cells"
    assert relaid.texts == lines


@pytest.fixture(scope="module")
def kestrel():
    return extract_file(FIXTURE)


def _figure(result, line: int, raw: str):
    found = [f for f in result.figures if f.line_number == line and f.raw_text == raw]
    assert len(found) == 1, (line, raw, [(f.line_number, f.raw_text) for f in result.figures])
    return found[0]


def test_fixture_document_facts(kestrel) -> None:
    document = kestrel.document
    assert document.status == "extracted"
    assert document.company_name == "Kestrel Fine Materials Co., Ltd."
    assert document.published_on == dt.date(2030, 5, 10)
    assert (document.period.start, document.period.end) == (
        dt.date(2029, 4, 1),
        dt.date(2030, 3, 31),
    )


@pytest.mark.parametrize(
    ("line", "raw", "value", "unit", "measure", "start", "end", "scenario"),
    [
        # the summary: rows are periods under a "Fiscal year ended" stub
        (15, "12,345", "12345000000", "JPY", "value", "2029-04-01", "2030-03-31", "actual"),
        (15, "(2.5)", "-2.5", "percent", "change_percent", "2029-04-01", "2030-03-31", "actual"),
        (16, "800", "800000000", "JPY", "value", "2028-04-01", "2029-03-31", "actual"),
        # the summary note: a flow dated by its last day is the year to it
        (17, "¥210 million", "210000000", "JPY", "value", "2029-04-01", "2030-03-31", "actual"),
        (17, "(40.0)%", "-40.0", "percent", "change_percent", "2029-04-01", "2030-03-31", "actual"),
        (23, "52.5", "52.5", "percent", "ratio", None, "2030-03-31", "actual"),
        (23, "1,050.25", "1050.25", "JPY/share", "value", None, "2030-03-31", "actual"),
        # the forecast table: a row label wrapped over three lines above its values
        (36, "6,500", "6500000000", "JPY", "value", "2030-04-01", "2030-09-30", "forecast"),
        (38, "13.5", "13.5", "percent", "change_percent", "2030-04-01", "2031-03-31", "forecast"),
        # statements: headers of period phrases, triangles for negatives
        (46, "△20", "-20000000", "JPY", "value", None, "2030-03-31", "actual"),
        (56, "12,661", "12661000000", "JPY", "value", "2028-04-01", "2029-03-31", "actual"),
        (60, "△456", "-456000000", "JPY", "value", "2029-04-01", "2030-03-31", "actual"),
    ],
)
def test_fixture_figures(kestrel, line, raw, value, unit, measure, start, end, scenario) -> None:
    figure = _figure(kestrel, line, raw)
    assert figure.value == Decimal(value)
    assert (figure.unit, figure.measure.value, figure.scenario) == (unit, measure, scenario)
    assert (str(figure.period.start) if figure.period.start else None) == start
    assert str(figure.period.end) == end


def test_fixture_figures_trace_to_their_source_column(kestrel) -> None:
    source = FIXTURE.read_text(encoding="utf-8").split("\n")
    for figure in kestrel.figures:
        printed = source[figure.line_number - 1][figure.char_start : figure.char_end]
        assert printed.replace(" ", "") in figure.raw_text.replace(" ", ""), figure


def test_fixture_every_number_accounted_for(kestrel) -> None:
    unparsed = [(t.line_number, t.text) for t in kestrel.tokens if t.status == "unparsed"]
    assert unparsed == []
    nil = [f for f in kestrel.figures if f.line_number == 59]
    assert [f.raw_text for f in nil] == ["35"]  # the nil mark is no figure
