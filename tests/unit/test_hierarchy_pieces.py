"""The pieces of rebuilding a statement's label hierarchy: the rows a total-first row sums,
a heading opened as a child or a sibling, and the paths of a whole statement."""

from __future__ import annotations

from decimal import Decimal

from extraction.hierarchy import HierarchyRow, _Group, _open_heading, _Spans, label_paths


def _row(label: str, *values: int | None) -> HierarchyRow:
    if not values:
        return HierarchyRow(label, None, [])
    vector = [None if v is None else Decimal(v) for v in values]
    return HierarchyRow(label, vector, [Decimal(1)] * len(values))


def test_spans_end_where_the_rows_after_a_total_first_row_sum_to_it() -> None:
    rows = [
        _row("Revenue", 10, 20),
        _row("Sensors", 4, 8),
        _row("Controls", 6, 12),
        _row("Cost of sales", 7, 9),
    ]
    spans = _Spans(rows)
    assert [spans.end_of(i) for i in range(len(rows))] == [2, 1, 2, 3]


def test_spans_of_rows_that_do_not_sum_and_of_a_heading() -> None:
    rows = [_row("Revenue", 10), _row("Sensors", 4), _row("Controls", 3), _row("Assets")]
    spans = _Spans(rows)
    assert spans.end_of(0) == 0
    assert spans.end_of(3) == 3


def test_open_heading_nests_or_opens_a_sibling() -> None:
    stack = [_Group("Assets", is_heading=True)]
    _open_heading(stack, "Current assets")
    assert [g.label for g in stack] == ["Assets", "Current assets"]
    stack[-1].has_direct_values = True
    _open_heading(stack, "Non-current assets")  # after lines of "Current assets"
    assert [g.label for g in stack] == ["Assets", "Non-current assets"]
    lone = [_Group("Assets", is_heading=True, has_direct_values=True)]
    _open_heading(lone, "Liabilities")  # a single heading is not closed by another
    assert [g.label for g in lone] == ["Assets", "Liabilities"]


def test_label_paths_of_headings_closing_totals_and_total_first_rows() -> None:
    rows = [
        _row("Assets"),
        _row("Current assets"),
        _row("Cash", 5),
        _row("Receivables", 3),
        _row("Total current assets", 8),
        _row("Revenue", 10),
        _row("Sensors", 4),
        _row("Controls", 6),
    ]
    assert label_paths(rows) == [
        ((), False),
        (("Assets",), False),
        (("Assets", "Current assets"), False),
        (("Assets", "Current assets"), False),
        (("Assets", "Current assets"), True),
        (("Assets",), True),
        (("Assets", "Revenue"), False),
        (("Assets", "Revenue"), False),
    ]
