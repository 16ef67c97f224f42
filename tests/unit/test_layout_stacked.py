"""The stacked layout reader: one cell per line rebuilt as rows, headers and the trace back.

The fixture ``bramblewood_q2-fy2031_8k_stacked.txt`` is an invented US earnings release
(8-K exhibit 99) as HTML-to-text converters give it: every cell on a line of its own, ``$``
and ``%`` on lines of their own, no-break spaces padding the cells, page numbers between
the tables. Its fiscal year ends in September.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import extract_file
from extraction.layout import relayout
from extraction.layout.sourcemap import identity
from extraction.layout.stacked import (
    BLANK,
    DOLLAR,
    MARK,
    PERCENT,
    TEXT,
    VALUE,
    YEAR,
    build_header,
    classify,
    find_tables,
    group_rows,
    is_header_text,
    rebuild_stacked,
)
from extraction.numbers import parse_number, parse_scaled_money
from extraction.periods import FiscalCalendar, find_periods

FIXTURE = (
    Path(__file__).parents[1] / "fixtures" / "disclosures" / "bramblewood_q2-fy2031_8k_stacked.txt"
)
NBSP = "\u00a0"


def _mapped(lines: list[str]):
    return [identity(text, number) for number, text in enumerate(lines, start=1)]


def _classified(lines: list[str]):
    return [classify(line, index) for index, line in enumerate(_mapped(lines))]


def _rebuilt(lines: list[str]) -> list[str]:
    out, _ = rebuild_stacked(_mapped(lines))
    return [line.text for line in out]


def _table(header: list[str], *rows: list[str]) -> list[str]:
    """Lines of a stacked table, with enough rows for the document to read as stacked."""
    lines = list(header)
    for row in rows:
        lines.extend(row)
    return lines


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2,318" + NBSP, VALUE),
        ("(37)", VALUE),
        ("\u2014" + NBSP, VALUE),  # a nil mark
        ("$0.87", VALUE),
        ("$1,975 million", VALUE),
        ("$", DOLLAR),
        ("%", PERCENT),
        ("2026", YEAR),
        (NBSP + " ", BLANK),
        ("a", MARK),  # a footnote mark between a label and its values
        ("Net income", TEXT),
    ],
)
def test_classify(text: str, kind: str) -> None:
    line = classify(identity(text, 7), 0)
    assert line.kind == kind
    assert line.line == 7


def test_dollar_and_percent_join_their_value() -> None:
    lines = ["Revenue", "$", "2,318" + NBSP, "$", "2,104" + NBSP, "23 ", "%"]
    (row,) = group_rows(_classified(lines))
    assert [[p.text for p in cell.parts] for cell in row.cells] == [
        ["$", "2,318"],
        ["$", "2,104"],
        ["23", "%"],
    ]


def test_padding_line_is_no_cell_but_a_second_blank_is_an_empty_cell() -> None:
    # "2,318" pads on the line after it; "21.4" pads on its own line, so the blank before
    # it (right after the label) is an empty first cell
    padded = group_rows(_classified(["Revenue", "$", "2,318", NBSP, "$", "2,104" + NBSP]))
    assert padded[0].width == 2
    empty_first = group_rows(_classified(["Margin", NBSP, "21.4" + NBSP, "%", "12.9" + NBSP, "%"]))
    assert empty_first[0].cells[0] is None
    assert empty_first[0].width == 3


def test_page_number_closes_no_row() -> None:
    units = group_rows(_classified(["Total assets", "$", "1,686" + NBSP, "$", "1,603" + NBSP, "3"]))
    assert units[0].width == 2
    assert units[1].solo is not None and units[1].solo.text == "3"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q2 FY2031", True),
        ("Three Months Ended March 31,", True),
        ("(In millions, except per-share amounts)", True),
        ("Change", True),
        ("Low", True),
        ("Current assets:", False),
        ("Cash flows from operating activities:", False),
    ],
)
def test_is_header_text(text: str, expected: bool) -> None:
    assert is_header_text(text) is expected


def _header_of(lines: list[str], columns: int) -> tuple[list[str], list[str]]:
    units = group_rows(_classified(lines))
    header = build_header(units, columns)
    assert header is not None
    label = " ".join(p.text for pieces in header.label for p in pieces)
    cells = [" ".join(p.text for pieces in cell for p in pieces) for cell in header.cells]
    return label, cells


def test_header_groups_over_runs_of_years() -> None:
    label, cells = _header_of(
        [
            "Three Months Ended March 31,",
            "Six Months Ended March 31,",
            "(In millions)",
            *("2031", "2030", "2031", "2030"),
        ],
        4,
    )
    assert label == "(In millions)"
    assert cells == [
        "Three Months Ended March 31, 2031",
        "Three Months Ended March 31, 2030",
        "Six Months Ended March 31, 2031",
        "Six Months Ended March 31, 2030",
    ]


def test_header_of_a_caption_wrapped_over_lines_and_a_change_column() -> None:
    _, cells = _header_of(
        [
            *("For Three Months Ended", "June 30,", "For 12 ", "Months", "Ended", "June 30,"),
            *("2026", "2026", "2025", "Change"),
        ],
        4,
    )
    assert cells == [
        "For Three Months Ended June 30, 2026",
        "For 12 Months Ended June 30, 2026",
        "For 12 Months Ended June 30, 2025",
        "Change",
    ]


def test_header_caption_over_the_last_run_of_periods() -> None:
    _, cells = _header_of(["Trailing 12 Months", "Q2 2031", "Q2 2031", "Q2 2030", "Change"], 4)
    assert cells == [
        "Q2 2031",
        "Trailing 12 Months Q2 2031",
        "Trailing 12 Months Q2 2030",
        "Change",
    ]


def test_header_caption_over_columns_of_no_period_is_the_label_cell() -> None:
    label, cells = _header_of(["Three Months Ending June 30, 2031", "Low", "High"], 2)
    assert label == "Three Months Ending June 30, 2031"
    assert cells == ["Low", "High"]


def test_header_of_too_few_lines_is_none() -> None:
    assert build_header(group_rows(_classified(["Three Months Ended June 30, 2031"])), 3) is None


_ROWS = [
    ["Revenue", "$", "412" + NBSP, "$", "376" + NBSP, "10" + NBSP, "%"],
    ["Operating profit", "$", "88" + NBSP, "$", "95" + NBSP, "(7)", "%"],
    ["Net income", "$", "61" + NBSP, "$", "70" + NBSP, "(13)", "%"],
    ["Earnings per share", "$", "0.55" + NBSP, "$", "0.63" + NBSP, "(13)", "%"],
]
_HEADER = ["Earnings summary", "(In millions, except per-share amounts)", "Q2 2031", "Q2 2030"]


def test_rebuild_a_table() -> None:
    lines = _table([*_HEADER, "Change"], *_ROWS)
    assert _rebuilt(lines) == [
        "Earnings summary",
        "(In millions, except per-share amounts)\tQ2 2031\tQ2 2030\tChange",
        "Revenue\t$412\t$376\t10%",
        "Operating profit\t$88\t$95\t(7)%",
        "Net income\t$61\t$70\t(13)%",
        "Earnings per share\t$0.55\t$0.63\t(13)%",
        "",
    ]


def test_find_tables_keeps_headings_in_the_body() -> None:
    lines = ["(In millions)", "2031", "2030", "Assets", NBSP, "Current assets:", NBSP]
    lines += ["Cash", "$", "512", NBSP, "$", "468" + NBSP, "Inventories", "301" + NBSP, "287"]
    ((_, _, table),) = find_tables(group_rows(_classified(lines)))
    assert [u.text for u in table.header if u.label] == ["(In millions)"]
    assert [u.text for u in table.body] == ["Assets", "Current assets:", "Cash", "Inventories"]
    assert table.columns == 2


def test_rebuilt_pieces_trace_to_their_source_line_and_column() -> None:
    lines = _table([*_HEADER, "Change"], *_ROWS)
    out, repairs = rebuild_stacked(_mapped(lines))
    revenue = out[2]
    assert revenue.text.startswith("Revenue\t$412")
    dollar = revenue.text.index("$412")
    assert revenue.locate(dollar) == (7, 0)  # the "$" line
    assert revenue.locate(dollar + 1) == (8, 0)  # "412"
    percent = revenue.text.index("%")
    assert revenue.locate(percent) == (12, 0)
    header = out[1]
    assert header.locate(header.text.index("Q2 2030")) == (4, 0)
    assert header.locate(header.text.index("Change")) == (5, 0)
    # the table starts at its header: the title above it passes through
    assert repairs == [(2, "4 rows of 3 columns printed one cell per line rebuilt")]


def test_prose_and_spaced_documents_pass_unchanged() -> None:
    prose = [
        "PORTLAND, Ore., April 24, 2031 - Bramblewood Instruments Inc. today reported revenue "
        "of $412 million, up 10% from the same quarter a year ago, and earnings per share of "
        "$0.55.",
        "1",
    ]
    lines = prose + _table([*_HEADER, "Change"], *_ROWS)
    assert _rebuilt(lines)[:2] == prose
    spaced = ["Net sales 612,480 654,317", "Operating profit 12,001 11,034"] * 10 + ["5", "6"]
    out, repairs = rebuild_stacked(_mapped(spaced))
    assert [line.text for line in out] == spaced and repairs == []


def test_documents_in_cells_never_reach_the_reader() -> None:
    lines = ["Revenue\t412\t376"] * 6 + ["$", "5"]
    assert relayout(lines).layout == "cells"


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [("$2,318", "2318", False), ("(37)%", "-37", True), ("$(0.01)", "-0.01", False)],
)
def test_parse_number_of_us_cells(text: str, value: str, percent: bool) -> None:
    parsed = parse_number(text)
    assert parsed is not None
    assert (parsed.value, parsed.is_percent) == (Decimal(value), percent)


def test_parse_scaled_money() -> None:
    parsed, scale = parse_scaled_money("$1,975 million")
    assert (parsed.value, scale, parsed.token_start, parsed.token_end) == (Decimal(1975), 6, 1, 6)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Q4 FY 2031", "2031-04-01", "2031-06-30"),
        ("Q3 FY2031", "2031-01-01", "2031-03-31"),
        # the second quarter of a June year ends in December
        ("Trailing 12 Months Q2 2031", "2030-01-01", "2030-12-31"),
    ],
)
def test_us_period_names(text: str, start: str, end: str) -> None:
    june = FiscalCalendar(6, 30, "end")
    ((_, _, period),) = find_periods(text, june)
    assert (str(period.start), str(period.end)) == (start, end)


# ------------------------------------------------------------------------------ fixture


@pytest.fixture(scope="module")
def bramblewood():
    return extract_file(FIXTURE)


def test_fixture_document_facts(bramblewood) -> None:
    document = bramblewood.document
    assert document.status == "extracted"
    assert document.company_name == "Bramblewood Instruments Inc."
    assert (document.exchange, document.stock_code) == ("NASDAQ", "BRMW")
    assert document.published_on == dt.date(2031, 4, 24)
    assert (document.fiscal_year_end_month, document.fiscal_year_end_day) == (9, 30)
    period = document.period
    assert (period.start, period.end) == (dt.date(2031, 1, 1), dt.date(2031, 3, 31))
    assert document.title == "Bramblewood Instruments reports fiscal 2031 second quarter results"


def _figure(result, line: int, raw: str):
    found = [f for f in result.figures if f.line_number == line and f.raw_text == raw]
    assert len(found) == 1, [f.raw_text for f in result.figures if f.line_number == line]
    return found[0]


@pytest.mark.parametrize(
    ("line", "raw", "value", "unit", "measure", "start", "end", "scenario"),
    [
        # headline bullets and the outlook range, read in prose
        (12, "$412 million", "412000000", "USD", "value", "2031-01-01", "2031-03-31", "actual"),
        (12, "10%", "10", "percent", "change_percent", "2031-01-01", "2031-03-31", "actual"),
        (14, "$182 million", "182000000", "USD", "value", "2030-04-01", "2031-03-31", "actual"),
        (15, "$410 million", "410000000", "USD", "value", "2031-04-01", "2031-06-30", "forecast"),
        (15, "$440 million", "440000000", "USD", "value", "2031-04-01", "2031-06-30", "forecast"),
        (15, "$0.60", "0.60", "USD/share", "value", "2031-04-01", "2031-06-30", "forecast"),
        # the earnings summary: fiscal quarter columns and a change column of the first
        (26, "$412", "412000000", "USD", "value", "2031-01-01", "2031-03-31", "actual"),
        (28, "$376", "376000000", "USD", "value", "2030-01-01", "2030-03-31", "actual"),
        (36, "(7)%", "-7", "percent", "change_percent", "2031-01-01", "2031-03-31", "actual"),
        # statement of operations: a quarter and a half year, per-share and share counts
        (72, "$801", "801000000", "USD", "value", "2030-10-01", "2031-03-31", "actual"),
        (104, "(16)", "-16000000", "USD", "value", "2029-10-01", "2030-03-31", "actual"),
        (138, "$0.55", "0.55", "USD/share", "value", "2031-01-01", "2031-03-31", "actual"),
        (157, "110", "110000000", "shares", "value", "2029-10-01", "2030-03-31", "actual"),
        # balance sheet: instants, the first column's padding on a line of its own
        (176, "$512", "512000000", "USD", "value", None, "2031-03-31", "actual"),
        (188, "14", "14000000", "USD", "value", None, "2030-09-30", "actual"),
        # cash flows: the balance at the beginning is the day before the half year
        (247, "468", "468000000", "USD", "value", None, "2030-09-30", "actual"),
        (244, "(73)", "-73000000", "USD", "value", "2030-10-01", "2031-03-31", "actual"),
        # segments, in thousands
        (270, "$268,410", "268410000", "USD", "value", "2031-01-01", "2031-03-31", "actual"),
        (295, "(13)%", "-13", "percent", "change_percent", "2031-01-01", "2031-03-31", "actual"),
    ],
)
def test_fixture_figures(bramblewood, line, raw, value, unit, measure, start, end, scenario):
    figure = _figure(bramblewood, line, raw)
    assert figure.value == Decimal(value)
    assert (figure.unit, figure.measure.value, figure.scenario) == (unit, measure, scenario)
    assert (str(figure.period.start) if figure.period.start else None) == start
    assert str(figure.period.end) == end


def test_fixture_nil_mark_is_no_figure(bramblewood) -> None:
    assert [f.raw_text for f in bramblewood.figures if f.line_number in (186, 187)] == []


def test_fixture_figures_trace_to_their_source_column(bramblewood) -> None:
    source = FIXTURE.read_text(encoding="utf-8").split("\n")
    for figure in bramblewood.figures:
        printed = source[figure.line_number - 1][figure.char_start : figure.char_end]
        assert printed and printed in figure.raw_text, figure


def test_fixture_every_number_accounted_for_once(bramblewood) -> None:
    unparsed = [(t.line_number, t.text) for t in bramblewood.tokens if t.status == "unparsed"]
    assert unparsed == []
    places = [(t.line_number, t.char_start) for t in bramblewood.tokens]
    assert len(places) == len(set(places))  # a header rebuilt over two columns counts once
