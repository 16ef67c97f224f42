"""The stages of extracting a release, one concern each: what the whole text tells every
table and sentence, the figures of the table blocks, the figures settled into reading
order, the token ledger that accounts for every number, and the raw-table rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from extraction import Issue, Token
from extraction.blocks import find_blocks
from extraction.document import _document_context, _settle_figures, _table_figures
from extraction.layout import relayout
from extraction.ledger import (
    _first_overlapping,
    _LedgerLine,
    _line_tokens,
    _numeric_tokens,
    _tokens_by_line,
    build_ledger,
)
from extraction.models import (
    Document,
    DocumentStatus,
    ExtractionResult,
    Figure,
    Measure,
    Period,
    SectionKind,
    TokenStatus,
)
from extraction.periods import FiscalCalendar
from extraction.schema import RAW_TABLES, _document_row, _figure_row, _token_row, rows_for
from extraction.tables import DocContext

CALENDAR = FiscalCalendar(3, 31)
FY2030 = Period(end=dt.date(2031, 3, 31), start=dt.date(2030, 4, 1), label="FY", fiscal_year=2030)
_SALES = Figure(
    "doc",
    1,  # sequence
    SectionKind.NARRATIVE,
    -1,  # block_index
    None,
    "Sales",
    "Sales",
    (),  # label_path
    None,
    None,
    None,
    FY2030,
    "actual",
    None,
    None,
    Measure.VALUE,
    "JPY",
    6,  # scale
    -6,  # decimals
    "1,200",
    Decimal(1_200_000_000),
    1,  # line_number
    0,  # char_start
    5,  # char_end
)


def _figure(**changes) -> Figure:
    """An invented figure ("Sales 1,200" in millions of yen), with ``changes``."""
    return replace(_SALES, **changes)


def _document(**changes) -> Document:
    return Document("doc", "a.txt", "abc", 10, DocumentStatus.EXTRACTED, **changes)


# ----------------------------------------------------------------------------- document


def test_document_context_reads_calendar_period_revision_and_currency() -> None:
    text = (
        "Example Widgets Corporation\n"
        "Results for the Fiscal Year Ending March 31, 2031 "
        "(from April 1, 2030 to March 31, 2031)\n"
        "We made an upward revision of our forecasts.\n"
    )
    document = _document(published_on=dt.date(2031, 5, 10))
    ctx = _document_context(document, text, relayout(text.split("\n")))
    assert ctx.calendar == CALENDAR
    assert document.period == FY2030  # the calendar completes the document's period
    assert (ctx.period, ctx.published_on, ctx.document_id) == (FY2030, dt.date(2031, 5, 10), "doc")
    assert (ctx.forecasts_revised, ctx.currency, ctx.original_forecast_announced_on) == (
        True,
        "JPY",
        None,
    )


def test_document_context_of_a_text_that_names_no_year_end() -> None:
    text = "A note about nothing in particular.\n"
    document = _document()
    ctx = _document_context(document, text, relayout(text.split("\n")))
    assert (ctx.calendar, ctx.period, ctx.forecasts_revised) == (None, None, False)


def test_table_figures_read_every_block_and_keep_their_issues() -> None:
    lines = [
        "Statement of profit or loss (Millions of yen)",
        "\tFY2029\tFY2030",
        "Revenue\t1,000\t1,100",
        "Cost of sales\t(600)\t(650)",
        "Odd\t1 2\t3",
        "",
        "Dividends per share (yen)",
        "\tFY2029\tFY2030",
        "Annual dividend per share\t20\t25",
    ]
    blocks, _ = find_blocks(lines)
    result = ExtractionResult(_document())
    ctx = DocContext("doc", CALENDAR, dt.date(2031, 5, 10), FY2030)
    figures = _table_figures(blocks, result, ctx)
    assert [(f.line_number, f.block_index, f.value) for f in figures][:4] == [
        (3, 0, Decimal(1_000_000_000)),
        (3, 0, Decimal(1_100_000_000)),
        (4, 0, Decimal(-600_000_000)),
        (4, 0, Decimal(-650_000_000)),
    ]
    assert {f.section_kind for f in figures if f.block_index == 0} == {SectionKind.PROFIT_OR_LOSS}
    assert [(f.unit, f.value) for f in figures if f.block_index == 1] == [
        ("JPY/share", Decimal(20)),
        ("JPY/share", Decimal(25)),
    ]
    assert [(i.code, i.line_number) for i in result.issues] == [("row_shape", 5)]


def test_settle_figures_orders_numbers_and_reads_currency_and_split() -> None:
    figures = [
        _figure(line_number=9, char_start=0, unit="USD"),
        _figure(line_number=2, char_start=7, unit="JPY"),
        _figure(line_number=2, char_start=3, unit="JPY/share"),
    ]
    document = _document()
    text = "The Company carried out a stock split at a ratio of 2-for-1 effective April 1, 2031."
    _settle_figures(figures, document, text, CALENDAR)
    assert [(f.sequence, f.line_number, f.char_start) for f in figures] == [
        (1, 2, 3),
        (2, 2, 7),
        (3, 9, 0),
    ]
    assert document.currency == "JPY"
    assert (document.stock_split_ratio, document.stock_split_effective_on) == (
        Decimal(2),
        dt.date(2031, 4, 1),
    )


def test_settle_figures_without_a_split_or_money() -> None:
    figures = [_figure(sequence=0, unit="percent")]
    document = _document(currency="USD")
    _settle_figures(figures, document, "No split here.", None)
    assert (document.currency, document.stock_split_ratio, figures[0].sequence) == (None, None, 1)


# ------------------------------------------------------------------------------- ledger


def test_numeric_tokens_include_superscript_digits_in_order() -> None:
    text = "Sales\u00b9 were 1,200 in 2030"
    assert [m.group() for m in _numeric_tokens(text)] == ["\u00b9", "1,200", "2030"]
    assert [m.group() for m in _numeric_tokens("Sales 12 and 7")] == ["12", "7"]


def test_tokens_by_line_give_each_line_with_tokens_and_where_it_starts() -> None:
    lines = ["a 1", "none", "b 2 3"]
    grouped = [
        (number, start, [m.group() for m in matches])
        for number, start, matches in _tokens_by_line(lines)
    ]
    assert grouped == [(1, 0, ["1"]), (3, 9, ["2", "3"])]
    assert list(_tokens_by_line(["no digits", ""])) == []


def test_first_overlapping_is_the_first_figure_the_token_touches() -> None:
    first, second = (
        _figure(char_start=10, char_end=15),
        _figure(sequence=2, char_start=12, char_end=20),
    )
    assert _first_overlapping([first, second], 13, 14) is first
    assert _first_overlapping([first, second], 16, 18) is second
    assert _first_overlapping([first, second], 8, 11) is first  # the figure starts inside
    assert _first_overlapping([first, second], 0, 5) is None
    assert _first_overlapping((), 0, 5) is None


def test_line_tokens_are_figures_ignored_or_unparsed_and_indexed_on() -> None:
    text = "Sales were 1,200 on June 30, 2030 and 77 more"
    figure = _figure(
        line_number=4, char_start=text.index("1,200"), char_end=text.index("1,200") + 5
    )
    matches = list(_numeric_tokens("\n" + text))  # the line starts at offset 1
    tokens = _line_tokens(_LedgerLine("doc", 4, text, 1, set()), matches, [figure], 10)
    assert [(t.token_index, t.text, t.status, t.reason, t.figure_id) for t in tokens] == [
        (10, "1,200", TokenStatus.FIGURE, None, "doc:00001"),
        (11, "30", TokenStatus.IGNORED, "part of a date", None),
        (12, "2030", TokenStatus.IGNORED, "part of a date", None),
        (
            13,
            "77",
            TokenStatus.UNPARSED,
            "a number in prose without a unit or period the parser understands",
            None,
        ),
    ]
    assert (tokens[0].line_number, tokens[0].char_start) == (4, text.index("1,200"))


def test_line_tokens_of_a_table_line_ignore_numbers_in_the_row_label() -> None:
    text = "Over 10 Gbps lines\t1,200"
    matches = list(_numeric_tokens(text))
    tokens = _line_tokens(_LedgerLine("doc", 2, text, 0, {2}), matches, (), 0)
    assert [(t.text, t.reason) for t in tokens] == [
        ("10", "threshold in a row label"),
        ("1,200", "a table cell the parser could not read"),
    ]


def test_build_ledger_numbers_tokens_across_lines() -> None:
    lines = ["Sales 1,200", "", "Orders 5 and 6"]
    figure = _figure(char_start=6, char_end=11)
    tokens = build_ledger("doc", lines, [figure], set())
    assert [(t.token_index, t.line_number, t.char_start, t.status) for t in tokens] == [
        (0, 1, 6, TokenStatus.FIGURE),
        (1, 3, 7, TokenStatus.UNPARSED),
        (2, 3, 13, TokenStatus.UNPARSED),
    ]


# ---------------------------------------------------------------------------- raw rows


def _columns(table: str, row: tuple) -> dict:
    names = [name for name, _ in RAW_TABLES[table]]
    assert len(names) == len(row)
    return dict(zip(names, row, strict=True))


def _result() -> ExtractionResult:
    document = _document(period=FY2030)
    tokens = [
        Token("doc", 0, 9, 4, 9, "1,200", TokenStatus.FIGURE, None, "doc:00001"),
        Token("doc", 1, 9, 12, 14, "30", TokenStatus.IGNORED, "part of a date"),
        Token("doc", 2, 10, 0, 2, "77", TokenStatus.UNPARSED, "why"),
    ]
    return ExtractionResult(document, [_figure()], tokens)


def test_document_row_spreads_the_period_and_counts_the_tokens() -> None:
    row = _columns("documents", _document_row(_result(), "9.9"))
    assert (row["period_start"], row["period_end"], row["fiscal_year"], row["fiscal_period"]) == (
        dt.date(2030, 4, 1),
        dt.date(2031, 3, 31),
        2030,
        "FY",
    )
    assert (row["status"], row["figure_count"], row["token_count"]) == ("extracted", 1, 3)
    assert (row["ignored_token_count"], row["unparsed_token_count"]) == (1, 1)
    assert row["parser_version"] == "9.9"


def test_document_row_of_a_document_without_a_period() -> None:
    result = _result()
    result.document.period = None
    row = _columns("documents", _document_row(result, "9.9"))
    assert [row[c] for c in ("period_start", "period_end", "fiscal_year", "fiscal_period")] == [
        None
    ] * 4


def test_figure_row_joins_path_and_flags_and_names_the_anchor() -> None:
    anchor = _figure()
    change = _figure(
        sequence=2,
        section_kind=SectionKind.PROFIT_OR_LOSS,
        label_path=("Income", "Revenue"),
        measure=Measure.CHANGE,
        flags=("total", "header_realigned"),
        anchor=anchor,
    )
    row = _columns("figures", _figure_row(change))
    assert (row["figure_id"], row["label_path"], row["flags"], row["anchor_figure_id"]) == (
        "doc:00002",
        "Income > Revenue",
        "total,header_realigned",
        "doc:00001",
    )
    assert (row["period_type"], row["section_kind"], row["measure"]) == (
        "duration",
        "profit_or_loss",
        "change",
    )


def test_figure_row_of_an_instant_and_of_no_period() -> None:
    instant = _columns("figures", _figure_row(_figure(period=Period(end=dt.date(2030, 6, 30)))))
    assert (instant["period_type"], instant["period_start"], instant["flags"]) == (
        "instant",
        None,
        None,
    )
    unknown = _columns("figures", _figure_row(_figure(period=None)))
    assert [unknown[c] for c in ("period_type", "period_end", "anchor_figure_id")] == [None] * 3


def test_token_row_in_column_order() -> None:
    token = Token("doc", 3, 9, 4, 9, "1,200", TokenStatus.FIGURE, None, "doc:00001")
    assert _token_row(token) == ("doc", 3, 9, 4, 9, "1,200", "figure", None, "doc:00001")


def test_rows_for_gives_every_raw_table() -> None:
    result = _result()
    result.issues.append(Issue("doc", "warning", "row_shape", "line 9: odd", 9))
    rows = rows_for(result, "9.9")
    assert list(rows) == list(RAW_TABLES)
    assert [len(rows[t]) for t in rows] == [1, 1, 3, 1]
    assert rows["extraction_issues"] == [("doc", "warning", "row_shape", "line 9: odd", 9)]
