"""Rebuild the label hierarchy of a statement whose indentation the extraction lost.

Two layouts meet in releases and both are handled:

* total-last: a heading row without values ("Revenues", "Current assets") opens a group,
  its lines follow, and a row labelled "Total ..." (or "Total", or the heading repeated)
  closes it;
* total-first: a row with values is followed by the rows that make it up ("Total
  revenues" then "Network services", "Systems integration" ...). Nothing in the text
  marks this; the numbers do: the following rows sum to it in every column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

_FOOTNOTE = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079*]+|\((?:note\s*)?\d\)", re.I)
_WHITESPACE = re.compile(r"\s+")
_TOTAL_OF = re.compile(r"^total of ")


@lru_cache(maxsize=8192)
def normalise_label(label: str) -> str:
    """Lowercase, footnote marks and trailing colons removed, spaces folded."""
    text = _FOOTNOTE.sub("", label).lower()
    text = _WHITESPACE.sub(" ", text).strip(" :;,.")
    return _TOTAL_OF.sub("total ", text)


_ATTRIBUTABLE_TO = re.compile(r"\s+attributable to$")


@lru_cache(maxsize=8192)
def _closes(row_label: str, group_label: str) -> bool:
    """Whether a row labelled ``row_label`` is the total closing the group ``group_label``."""
    row = normalise_label(row_label)
    group = normalise_label(group_label)
    group_base = _ATTRIBUTABLE_TO.sub("", group)
    return row in {"total", f"total {group}", f"total {group_base}", group_base} or (
        row.startswith(("net cash", "net increase", "net decrease"))
        and group.startswith("cash flows")
        and group.split(" ", 3)[-1] in row
    )


@lru_cache(maxsize=8192)
def _is_total_like(label: str) -> bool:
    return normalise_label(label).startswith(("total", "subtotal", "net "))


@dataclass(slots=True)
class HierarchyRow:
    label: str
    vector: list[Decimal | None] | None  # None for a heading row without values
    tolerance: list[Decimal]  # one unit of printed precision per column


@dataclass(slots=True)
class _Group:
    label: str
    is_heading: bool
    end: int = -1  # last row index of a total-first group
    has_direct_values: bool = False


class _ColumnSums:
    """The column sums of a growing list of child rows, kept up to date as rows are added.

    Adds in the order the rows come, from zero, as ``sum()`` over the list would: the same
    Decimal results without adding every child again at each new one.
    """

    __slots__ = ("count", "missing", "sums")

    def __init__(self, width: int) -> None:
        self.count = 0
        self.sums: list[Decimal] = [Decimal(0)] * width
        self.missing = [False] * width  # a child without a value in the column

    def add(self, vector: list[Decimal | None]) -> None:
        self.count += 1
        for col in range(len(self.sums)):
            part = vector[col] if col < len(vector) else None
            if part is None:
                self.missing[col] = True
            elif not self.missing[col]:
                self.sums[col] = self.sums[col] + part

    def sum_to(self, total: list[Decimal | None], tolerance: list[Decimal]) -> bool:
        """Whether the children add up to ``total`` in every column where all have values
        (within half a printed unit per child, for rounding), and there is such a column."""
        compared = 0
        allowance = (self.count + 1) // 2
        for col, expected in enumerate(total):
            if expected is None or self.missing[col]:
                continue
            compared += 1
            if abs(self.sums[col] - expected) > tolerance[col] * allowance:
                return False
        return compared > 0


def label_paths(rows: list[HierarchyRow]) -> list[tuple[tuple[str, ...], bool]]:
    """For each row, its parents' labels and whether its value is a sum of children."""
    spans = _Spans(rows)
    stack: list[_Group] = []
    result: list[tuple[tuple[str, ...], bool]] = []
    for i, row in enumerate(rows):
        while stack and not stack[-1].is_heading and stack[-1].end < i:
            stack.pop()
        if row.vector is None:
            _open_heading(stack, row.label)
            result.append((tuple(g.label for g in stack[:-1]), False))
            continue
        closing = next(
            (
                k
                for k in range(len(stack) - 1, -1, -1)
                if stack[k].is_heading and _closes(row.label, stack[k].label)
            ),
            None,
        )
        if closing is not None:
            result.append((tuple(g.label for g in stack[: closing + 1]), True))
            del stack[closing:]
            continue
        if normalise_label(row.label) == "subtotal" and len(stack) > 1 and stack[-1].is_heading:
            stack.pop()
        if stack:
            stack[-1].has_direct_values = True
        end = spans.end_of(i)
        result.append((tuple(g.label for g in stack), end > i))
        if end > i:
            stack.append(_Group(row.label, is_heading=False, end=end))
    return result


def _open_heading(stack: list[_Group], label: str) -> None:
    """Open the group of a heading row (a row without values) on ``stack``; a heading
    after lines of values of a nested heading is that heading's sibling, so it closes it."""
    top_headings = [g for g in stack if g.is_heading]
    if (
        top_headings
        and stack[-1].is_heading
        and stack[-1].has_direct_values
        and len(top_headings) > 1
    ):
        stack.pop()  # a new heading after lines of the previous one: a sibling
    stack.append(_Group(label, is_heading=True))


class _Spans:
    """The rows each total-first row sums: the last row belonging to it, worked out once
    for each row."""

    __slots__ = ("ends", "rows")

    def __init__(self, rows: list[HierarchyRow]) -> None:
        self.rows = rows
        self.ends: dict[int, int] = {}

    def end_of(self, i: int) -> int:
        """Index of the last row belonging to row ``i`` (itself when it has no children)."""
        spans, rows = self.ends, self.rows
        if i in spans:
            return spans[i]
        spans[i] = i
        total = rows[i].vector
        if total is None:
            return i
        children = _ColumnSums(len(total))
        j = i + 1
        while j < len(rows) and rows[j].vector is not None and not _is_total_like(rows[j].label):
            end_j = self.end_of(j)
            children.add(rows[j].vector or [])
            if children.count >= 2 and children.sum_to(total, rows[i].tolerance):
                spans[i] = end_j
                return end_j
            j = end_j + 1
        return i
