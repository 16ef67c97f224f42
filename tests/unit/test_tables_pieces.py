"""The pieces of table reading, one concern each: header rows, column units, periods and
names, percent columns, orientation, kinds, cells mapped onto columns, and the figures of
a cell, a row and a highlights (inline) table. Small invented tables only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extraction.blocks import Block, Cell, Row, split_cells
from extraction.models import Measure, Period, SectionKind
from extraction.periods import FiscalCalendar
from extraction.tables import (
    _PERCENT_CELL,
    Column,
    DocContext,
    Layout,
    _amount_scenario,
    _assign_members,
    _assign_names,
    _assign_periods,
    _assign_units,
    _cell_subject,
    _cell_unit,
    _decimals_printed,
    _fit_entries,
    _header_row_kinds,
    _inline_caption_context,
    _inline_figures,
    _inline_heading,
    _inline_percent,
    _inline_row,
    _kind_scores,
    _orientation,
    _quarter_kind,
    _ratio_period,
    _read_inline_cell,
    _read_rows,
    _realign_periods,
    _resolve_percent_columns,
    _row_entries,
    _row_figures,
    _row_paths,
    _row_values,
    _RowContext,
    _split_header,
    _stacked_names,
    _summary_kind,
    _table_context,
    _Value,
    analyse,
)
from extraction.units import Unit

CALENDAR = FiscalCalendar(3, 31)  # a year ending March 31, labelled by the year it starts
FY2030 = Period(end=dt.date(2031, 3, 31), start=dt.date(2030, 4, 1), label="FY", fiscal_year=2030)
FY2029 = Period(end=dt.date(2030, 3, 31), start=dt.date(2029, 4, 1), label="FY", fiscal_year=2029)
MILLIONS = Unit("JPY", 6)
PERCENT = Unit("percent", 0)


def _ctx(**changes) -> DocContext:
    fields = {
        "document_id": "doc",
        "calendar": CALENDAR,
        "published_on": dt.date(2031, 5, 10),
        "period": FY2030,
    }
    return DocContext(**{**fields, **changes})


def _row(number: int, *cells: str) -> Row:
    line = "\t".join(cells)
    return Row(number, line, split_cells(line))


def _layout(rows: list[Row], captions: list[str], ctx: DocContext | None = None) -> Layout:
    return analyse(Block(0, rows, [(0, c) for c in captions]), ctx or _ctx())


# ------------------------------------------------------------------------------ header


def test_split_header_keeps_label_only_rows_in_the_body() -> None:
    rows = [_row(1, "", "FY2029", "FY2030"), _row(2, "Assets"), _row(3, "Cash", "10", "12")]
    header, body = _split_header(rows)
    assert [r.line_number for r in header] == [1]
    assert [r.line_number for r in body] == [2, 3]


def test_header_row_kinds_name_each_row_and_collect_the_captions() -> None:
    rows = [
        _row(1, "", "(Millions of yen)", ""),
        _row(2, "Year ended", "FY2029", "FY2030"),
        _row(3, "", "Dividend per share", "", ""),
        _row(4, "", "Interim", "Year-end", "Total"),
    ]
    kinds, captions = _header_row_kinds(rows, Block(0, rows, [(0, "Results")]), CALENDAR, 3)
    assert [kinds[id(r)] for r in rows] == ["unit", "period", "title", "text"]
    # the caption above, a labelled header row, then the lone text over a wider row
    assert captions == ["Results", "Year ended", "Dividend per share"]


def test_assign_units_spreads_one_unit_printed_once_over_every_column() -> None:
    columns = [Column(1), Column(2), Column(3, unit=PERCENT)]
    _assign_units(columns, [_row(1, "", "(Millions of yen)")])
    assert [c.unit for c in columns] == [MILLIONS, MILLIONS, PERCENT]


def test_assign_units_leaves_columns_alone_when_several_units_are_printed() -> None:
    columns = [Column(1), Column(2), Column(3)]
    _assign_units(columns, [_row(1, "", "Millions of yen", "%")])
    assert [c.unit for c in columns] == [MILLIONS, PERCENT, None]


def test_assign_periods_gives_each_column_its_period_and_marks_change_columns() -> None:
    columns = [Column(1), Column(2), Column(3)]
    damaged = _assign_periods(columns, [_row(1, "", "FY2029", "FY2030", "Change")], CALENDAR, 3)
    assert not damaged
    assert [(c.header, c.period, c.measure) for c in columns] == [
        ("FY2029", FY2029, Measure.VALUE),
        ("FY2030", FY2030, Measure.VALUE),
        ("Change", None, Measure.CHANGE),
    ]


def test_assign_periods_realigns_periods_merged_into_one_cell() -> None:
    columns = [Column(1), Column(2)]
    damaged = _assign_periods(columns, [_row(1, "", "FY2029 FY2030", "")], CALENDAR, 2)
    assert not damaged
    assert [(c.period, c.flags) for c in columns] == [
        (FY2029, ["header_realigned"]),
        (FY2030, ["header_realigned"]),
    ]


def test_assign_periods_reports_a_header_whose_periods_do_not_fit() -> None:
    columns = [Column(1), Column(2), Column(3)]
    damaged = _assign_periods(columns, [_row(1, "", "FY2029 FY2030", "", "")], CALENDAR, 3)
    assert damaged
    assert [c.period for c in columns] == [None, None, None]


def test_realign_periods_counts_a_repeated_period_once() -> None:
    columns = [Column(1), Column(2)]
    assert _realign_periods(columns, [[FY2029], [FY2029, FY2030]])
    assert [c.period for c in columns] == [FY2029, FY2030]
    assert not _realign_periods([Column(1)], [[FY2029], [FY2030]])


def test_stacked_names_join_hyphenated_words_and_fill_empty_cells_from_above() -> None:
    columns = [Column(1), Column(2), Column(3)]
    upper = _row(1, "", "Non-", "Group", "Parent")
    primary = _row(2, "", "current assets", "", "equity")
    assert _stacked_names(columns, primary, [upper], 3) == {
        1: "Non-current assets",
        2: "Group",
        3: "equity",
    }


def test_stacked_names_skip_a_caption_cut_over_several_columns() -> None:
    columns = [Column(1), Column(2)]
    upper = _row(1, "", "Ow", "ners of the parent")  # fragments of one caption
    primary = _row(2, "", "", "Capital")
    assert _stacked_names(columns, primary, [upper], 2) == {2: "Capital"}


def test_assign_names_sets_items_and_recognises_change_headers() -> None:
    columns = [Column(1), Column(2, unit=PERCENT), Column(3)]
    damaged = _assign_names(columns, [_row(1, "", "Net sales", "Change", "Orders")], 3)
    assert not damaged
    assert [(c.item, c.header, c.measure) for c in columns] == [
        ("Net sales", "Net sales", Measure.VALUE),
        (None, "Change", Measure.CHANGE_PERCENT),
        ("Orders", "Orders", Measure.VALUE),
    ]


def test_assign_names_reports_value_columns_left_without_a_name() -> None:
    columns = [Column(1), Column(2), Column(3)]
    assert _assign_names(columns, [_row(1, "", "Net sales", "", "")], 3)
    assert [c.item for c in columns] == ["Net sales", None, None]


def test_resolve_percent_columns_turns_an_unnamed_percent_column_into_a_change() -> None:
    left = Column(1, header="FY2030", unit=MILLIONS, period=FY2030, item="Revenue")
    change = Column(2, header="%", unit=PERCENT)
    ratio = Column(3, header="Margin", unit=PERCENT, item="Operating margin")
    _resolve_percent_columns([left, change, ratio])
    assert (change.measure, change.period, change.item) == (
        Measure.CHANGE_PERCENT,
        FY2030,
        "Revenue",
    )
    assert ratio.measure == Measure.RATIO


def test_resolve_percent_columns_gives_a_change_column_the_unit_on_its_left() -> None:
    left = Column(1, unit=MILLIONS, period=FY2030)
    change = Column(2, header="Change", measure=Measure.CHANGE)
    _resolve_percent_columns([left, change])
    assert (change.unit, change.period) == (MILLIONS, FY2030)


def test_orientation_follows_what_names_the_periods() -> None:
    body = [_row(2, "FY2029", "10"), _row(3, "FY2030", "12")]
    assert _orientation([Column(1, period=FY2030)], body, None, CALENDAR) == "period_columns"
    assert _orientation([Column(1)], body, None, CALENDAR) == "period_rows"
    segments = [_row(2, "Sensors", "10"), _row(3, "Controls", "12")]
    assert _orientation([Column(1)], segments, None, CALENDAR) == "member_columns"
    halves = [_row(2, "First half", "10"), _row(3, "Full year", "12")]
    assert _orientation([Column(1)], halves, FY2030, CALENDAR) == "period_rows"


def test_assign_members_moves_member_names_out_of_items() -> None:
    columns = [Column(1, item="Sensors"), Column(2, item="1Q")]
    _assign_members(columns, "member_columns")
    assert [(c.member, c.item) for c in columns] == [("Sensors", None), ("1Q", None)]
    columns = [Column(1, item="Net sales"), Column(2, item="1Q")]
    _assign_members(columns, "period_rows")
    assert [(c.member, c.item) for c in columns] == [(None, "Net sales"), ("1Q", None)]


# ------------------------------------------------------------------------------- kinds


def test_kind_scores_count_at_most_three_labels_a_rule() -> None:
    layout = _layout(
        [
            _row(1, "", "FY2029", "FY2030"),
            _row(2, "Total assets", "10", "12"),
            _row(3, "Total liabilities", "4", "5"),
            _row(4, "Total equity", "6", "7"),
        ],
        ["Statement of financial position"],
    )
    scores = _kind_scores(layout, [], "Statement of financial position")
    assert scores["financial_position"] > 0
    assert scores["financial_position"] > scores.get("cash_flows", 0)


def test_summary_kind_of_forecast_rows_is_targets() -> None:
    layout = _layout(
        [_row(1, "", "Net sales", "Operating profit"), _row(2, "FY2031 forecast", "10", "2")],
        [],
    )
    assert _summary_kind(layout, _ctx(), {}, ["net sales"]) == SectionKind.TARGETS
    assert _summary_kind(layout, _ctx(), {"dividends": 4}, []) == SectionKind.DIVIDENDS


def test_summary_kind_defaults_to_operating_results() -> None:
    layout = _layout([_row(1, "", "Net sales"), _row(2, "FY2029", "10")], [])
    assert _summary_kind(layout, _ctx(), {}, ["net sales"]) == (
        SectionKind.OPERATING_RESULTS_SUMMARY
    )
    assert _summary_kind(layout, _ctx(), {}, ["total assets"]) == (
        SectionKind.FINANCIAL_POSITION_SUMMARY
    )


def test_quarter_kind_marks_a_statement_shorter_than_the_release() -> None:
    quarter = _layout([_row(1, "", "Q1 FY2030"), _row(2, "Revenue", "10")], [])
    year = _layout([_row(1, "", "FY2030"), _row(2, "Revenue", "10")], [])
    assert _quarter_kind(SectionKind.PROFIT_OR_LOSS, quarter, _ctx()) == (
        SectionKind.PROFIT_OR_LOSS_QUARTER
    )
    assert _quarter_kind(SectionKind.PROFIT_OR_LOSS, year, _ctx()) == SectionKind.PROFIT_OR_LOSS
    assert _quarter_kind(SectionKind.CASH_FLOWS, quarter, _ctx()) == SectionKind.CASH_FLOWS


# ------------------------------------------------------------------------------- cells


def test_row_entries_split_a_cell_of_several_values_over_the_empty_cells_after_it() -> None:
    cells = [Cell("Sales", 0, 5), Cell("10 -", 6, 10), Cell("", 11, 11), Cell("7", 12, 13)]
    assert _row_entries(Row(1, "Sales\t10 -\t\t7", cells)) == [
        ("10", 6, ("cell_split",)),
        ("-", 9, ("cell_split",)),
        ("7", 12, ()),
    ]


def test_row_entries_drop_empty_cells_at_the_end() -> None:
    cells = [Cell("Sales", 0, 5), Cell("10", 6, 8), Cell("", 9, 9)]
    assert _row_entries(Row(1, "Sales\t10\t", cells)) == [("10", 6, ())]


def test_fit_entries_drops_surplus_nil_marks_and_empty_cells() -> None:
    entries = [("10", 6, ()), None, ("-", 9, ("cell_split",)), ("7", 12, ())]
    fitted, notes = _fit_entries(entries, 2, _row(1, "Sales", "10"))
    assert fitted == [("10", 6, ()), ("7", 12, ())]
    assert notes == ["column_shift_repaired"]


def test_fit_entries_cuts_off_what_cannot_be_repaired_with_a_warning() -> None:
    entries = [("1", 6, ()), ("2", 8, ()), ("3", 10, ())]
    fitted, notes = _fit_entries(entries, 2, _row(1, "Sales", "1", "2", "3"))
    assert fitted == entries[:2]
    assert notes == ["row has 3 cells for 2 columns"]


def test_fit_entries_aligns_a_short_space_separated_row_right() -> None:
    row = Row(1, "Sales  10", split_cells("Sales  10"))
    fitted, notes = _fit_entries([("10", 7, ())], 3, row)
    assert fitted == [None, None, ("10", 7, ())]
    assert notes == ["alignment_inferred"]
    tabbed, tab_notes = _fit_entries([("10", 6, ())], 3, _row(1, "Sales", "10"))
    assert (tabbed, tab_notes) == ([("10", 6, ())], [])


def test_row_values_parse_the_cells_onto_the_columns() -> None:
    layout = _layout([_row(1, "", "FY2029", "FY2030"), _row(2, "Revenue", "1,000", "-")], [])
    values, notes = _row_values(layout.body[0], layout)
    assert notes == []
    assert [(v.column.index, v.raw, v.parsed.value, v.start, v.end) for v in values] == [
        (1, "1,000", Decimal(1000), 8, 13)
    ]


def test_read_rows_warns_of_a_row_cut_to_the_columns() -> None:
    layout = _layout(
        [_row(1, "", "FY2029", "FY2030"), _row(2, "Revenue", "1", "2"), _row(3, "Odd", "1 2", "3")],
        [],
    )
    rows, issues = _read_rows(layout, _ctx())
    assert [len(values) for _, values in rows] == [2, 2]
    assert [(i.code, i.line_number, i.message) for i in issues] == [
        ("row_shape", 3, "line 3: row has 3 cells for 2 columns")
    ]


def _paths(rows: list[Row]) -> list[tuple[tuple[str, ...], bool]]:
    layout = _layout(rows, [])
    return _row_paths(layout, _read_rows(layout, _ctx())[0])


def test_row_paths_find_totals_and_leave_period_rows_flat() -> None:
    years = _row(1, "", "FY2029", "FY2030")
    sensors, controls = _row(3, "Sensors", "4", "5"), _row(4, "Controls", "6", "7")
    # a total after its parts, with no heading over them, has no parents to close
    total_last = [years, sensors, controls, _row(5, "Total revenue", "10", "12")]
    assert _paths(total_last) == [((), False)] * 3
    # a total before its parts: the numbers show the parts sum to it
    total_first = [years, _row(2, "Revenue", "10", "12"), sensors, controls]
    assert _paths(total_first) == [((), True), (("Revenue",), False), (("Revenue",), False)]
    assert _paths([_row(1, "", "Net sales"), _row(2, "FY2029", "10")]) == [((), False)]


# ------------------------------------------------------------------------- cell figures


def _here(label: str, period: Period | None = None, path: tuple[str, ...] = ()) -> _RowContext:
    return _RowContext(_row(5, label, "1"), label, [], period, [], False, path, False)


def test_cell_subject_of_a_period_rows_table_comes_from_the_column() -> None:
    layout = _layout([_row(1, "", "Net sales"), _row(2, "FY2029", "10")], ["Results"])
    table = _table_context(layout, _ctx())
    item, path, period = _cell_subject(table, _here("FY2029", FY2029), layout.columns[0])
    assert (item, path, period) == ("Net sales", (), FY2029)


def test_cell_subject_makes_a_balance_at_a_period_edge_an_instant() -> None:
    layout = _layout([_row(1, "", "FY2030"), _row(2, "Cash", "10")], [])
    table = _table_context(layout, _ctx())
    here = _RowContext(
        _row(5, "Cash at beginning of year", "1"),
        "Cash at beginning of year",
        [],
        None,
        [],
        True,
        ("Cash flows",),
        False,
    )
    item, path, period = _cell_subject(table, here, layout.columns[0])
    assert (item, path) == ("Cash at beginning of year", ("Cash flows",))
    assert period is not None and period.is_instant and period.end == dt.date(2030, 3, 31)


def _value(column: Column, raw: str) -> _Value:
    from extraction.numbers import parse_number

    return _Value(column, parse_number(raw), raw, 0, len(raw))


def test_cell_unit_of_a_percent_cell_in_a_change_column_is_a_change_in_percent() -> None:
    layout = _layout([_row(1, "", "FY2029", "FY2030", "Change"), _row(2, "Sales", "1", "2")], [])
    table = _table_context(layout, _ctx())
    change = Column(3, header="Change", measure=Measure.CHANGE, unit=MILLIONS)
    assert _cell_unit(table, _value(change, "5.0%"), "Sales", ()) == (
        PERCENT,
        Measure.CHANGE_PERCENT,
    )
    assert _cell_unit(table, _value(change, "5"), "Sales", ()) == (MILLIONS, Measure.CHANGE)


def test_cell_unit_does_not_scale_a_per_share_amount_by_the_table() -> None:
    layout = _layout([_row(1, "", "FY2030"), _row(2, "Sales", "1")], ["(Millions of yen)"])
    table = _table_context(layout, _ctx())
    column = Column(1, unit=MILLIONS)
    assert _cell_unit(table, _value(column, "12.5"), "Basic earnings per share", ()) == (
        Unit("JPY/share", 0),
        Measure.VALUE,
    )
    # the table's unit applies to a column without one; with none at all, the unit is unknown
    assert _cell_unit(table, _value(Column(1), "3"), "Sales", ()) == (MILLIONS, Measure.VALUE)
    bare = _table_context(_layout([_row(1, "", "FY2030"), _row(2, "Sales", "1")], []), _ctx())
    assert _cell_unit(bare, _value(Column(1), "3"), "Sales", ()) == (None, Measure.VALUE)


def test_row_figures_anchor_a_change_to_the_value_on_its_left() -> None:
    layout = _layout(
        [_row(1, "", "FY2029", "FY2030", "Change"), _row(2, "Sales", "10", "12", "2")],
        ["(Millions of yen)"],
    )
    ((row, values),) = _read_rows(layout, _ctx())[0]
    figures = _row_figures(_table_context(layout, _ctx()), row, values, ("Revenue",), True)
    assert [(f.measure, f.period, f.value, f.label_path, f.flags) for f in figures] == [
        (Measure.VALUE, FY2029, Decimal(10_000_000), ("Revenue",), ("total",)),
        (Measure.VALUE, FY2030, Decimal(12_000_000), ("Revenue",), ("total",)),
        (Measure.CHANGE, FY2030, Decimal(2_000_000), ("Revenue",), ("total",)),
    ]
    assert figures[2].anchor is figures[1]
    assert figures[0].anchor is None and figures[1].anchor is None


def test_row_figures_flag_what_is_unknown() -> None:
    layout = _layout([_row(1, "", "Sensors"), _row(2, "Orders", "10")], [])
    ((row, values),) = _read_rows(layout, _ctx())[0]
    (figure,) = _row_figures(_table_context(layout, _ctx()), row, values, (), False)
    assert (figure.member, figure.unit, figure.flags) == (
        "Sensors",
        "unknown",
        ("unit_unknown", "period_unknown"),
    )


# ----------------------------------------------------------------------- inline tables


def _inline_layout(rows: list[Row], captions: list[str]) -> Layout:
    layout = _layout(rows, captions)
    assert layout.inline
    layout.kind = SectionKind.HIGHLIGHTS
    return layout


def test_inline_figures_follow_the_headings_between_the_rows() -> None:
    layout = _inline_layout(
        [
            _row(2, "Sales", "JPY1,200 million", "up", "4.0%"),
            _row(3, "Forecasts for FY2031 (Revised on May 10, 2031)"),
            _row(4, "Sales", "JPY1,500 million"),
            _row(5, "Orders", "JPY9 million", "about 12-34 units"),
        ],
        ["Highlights"],
    )
    figures, issues = _inline_figures(layout, _ctx())
    assert [
        (f.line_number, f.section_kind, f.measure, f.scenario, f.forecast_status) for f in figures
    ] == [
        (2, SectionKind.HIGHLIGHTS, Measure.VALUE, "actual", None),
        (2, SectionKind.HIGHLIGHTS, Measure.CHANGE_PERCENT, "actual", None),
        (4, SectionKind.TARGETS, Measure.VALUE, "forecast", "revised"),
        (5, SectionKind.TARGETS, Measure.VALUE, "forecast", "revised"),  # each row its marker
    ]
    assert figures[0].period == FY2030
    assert figures[2].period is not None and figures[2].period.fiscal_year == 2031
    assert figures[2].forecast_announced_on == dt.date(2031, 5, 10)
    assert [(i.code, i.line_number) for i in issues] == [("inline_cell_unparsed", 5)]


def test_inline_caption_context_reads_the_period_and_markers_of_the_captions() -> None:
    layout = _inline_layout(
        [_row(1, "Sales", "JPY10 million")],
        ["Targets for FY2030 (Revised on February 1, 2031)", "Highlights"],
    )
    period, markers = _inline_caption_context(layout, _ctx(period=None))
    assert period == FY2030
    assert markers == [("revised", dt.date(2031, 2, 1))]


def test_inline_heading_sets_period_markers_and_kind_for_the_rows_under_it() -> None:
    heading = _row(4, "Forecasts for FY2031 (Original)")
    period, markers, kind = _inline_heading(heading, _ctx(), FY2029, SectionKind.HIGHLIGHTS)
    assert period is not None and period.fiscal_year == 2031
    assert markers == [("original", None)]
    assert kind == SectionKind.TARGETS
    period, markers, kind = _inline_heading(
        _row(5, "Highlights"), _ctx(), FY2029, SectionKind.TARGETS
    )
    assert (period, markers, kind) == (FY2029, [], SectionKind.HIGHLIGHTS)


def test_inline_row_reads_a_per_share_qualifier() -> None:
    def qualifier(text: str) -> tuple[Unit | None, list[str]]:
        reading = _inline_row(
            _row(1, "Dividend", "JPY27", text), SectionKind.HIGHLIGHTS, FY2030, []
        )
        return reading.row_unit, reading.qualifier_flags

    assert qualifier("per share") == (Unit("JPY/share", 0), [])
    # a word cut by the text conversion: the qualifier is repaired, and flagged
    assert qualifier("pr share of common stock") == (Unit("JPY/share", 0), ["qualifier_repaired"])
    assert qualifier("forecast") == (None, [])


def test_read_inline_cell_reads_amount_direction_and_change() -> None:
    row = _row(3, "Sales", "JPY1,200 million", "down", "4.0%")
    layout = _inline_layout([row], ["Highlights"])
    reading = _inline_row(row, SectionKind.HIGHLIGHTS, FY2030, [])
    figures, issues = [], []
    for cell in row.values:
        _read_inline_cell(reading, cell, layout, _ctx(), figures, issues)
    assert issues == []
    assert [(f.measure, f.unit, f.value, f.column_index) for f in figures] == [
        (Measure.VALUE, "JPY", Decimal(1_200_000_000), 1),
        (Measure.CHANGE_PERCENT, "percent", Decimal("-4.0"), 3),
    ]
    assert figures[1].anchor is figures[0]
    assert reading.direction == 1


def test_read_inline_cell_reports_a_number_it_does_not_understand() -> None:
    row = _row(3, "Orders", "JPY9 million", "about 12-34 units")
    layout = _inline_layout([row], ["Highlights"])
    reading = _inline_row(row, SectionKind.HIGHLIGHTS, FY2030, [])
    figures, issues = [], []
    _read_inline_cell(reading, row.values[1], layout, _ctx(), figures, issues)
    assert figures == []
    assert [(i.code, i.line_number) for i in issues] == [("inline_cell_unparsed", 3)]


def test_amount_scenario_dates_original_and_revised_forecasts() -> None:
    ctx = _ctx(original_forecast_announced_on=dt.date(2030, 5, 12))
    assert _amount_scenario("original", None, None, FY2030, ctx) == (
        "forecast",
        "original",
        dt.date(2030, 5, 12),
    )
    assert _amount_scenario("revised", None, None, FY2030, ctx) == (
        "forecast",
        "revised",
        dt.date(2031, 5, 10),
    )
    assert _amount_scenario(None, None, None, FY2030, ctx) == ("actual", None, None)
    future = Period(end=dt.date(2032, 3, 31), start=dt.date(2031, 4, 1))
    assert _amount_scenario(None, None, None, future, ctx) == (
        "forecast",
        None,
        dt.date(2031, 5, 10),
    )


def test_inline_percent_without_direction_is_a_ratio_at_the_period_end() -> None:
    row = _row(3, "Equity ratio to total assets", "45.5%")
    layout = _inline_layout([_row(2, "Sales", "JPY1 million"), row], ["Highlights"])
    reading = _inline_row(row, SectionKind.HIGHLIGHTS, FY2030, [])
    cell = row.values[0]
    figure = _inline_percent(reading, cell, _PERCENT_CELL.search(cell.text), None, layout, _ctx())
    assert (figure.measure, figure.value, figure.decimals, figure.anchor) == (
        Measure.RATIO,
        Decimal("45.5"),
        1,
        None,
    )
    assert figure.period is not None and figure.period.is_instant
    assert figure.period.end == FY2030.end


def test_ratio_period_keeps_the_duration_of_a_flow_ratio() -> None:
    assert _ratio_period(FY2030, "Operating margin", _ctx()) == FY2030
    at_end = _ratio_period(FY2030, "Equity ratio", _ctx(calendar=None))
    assert at_end == Period(end=FY2030.end)


def test_decimals_printed() -> None:
    assert [_decimals_printed(t) for t in ("53", "53.0", "1,234.56")] == [0, 1, 2]
