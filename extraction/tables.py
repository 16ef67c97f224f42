"""Interpret a table block: its columns (period, unit, member, measure) and its cells.

A table is read in three layouts, chosen from what its headers and row labels say:

* ``period_columns``: lines down, periods across ("March 31, 2021 | September 30, 2021");
* ``period_rows``: periods down, line items across (the exchange's summary tables);
* ``member_columns``: lines down, members such as segments or equity components across,
  with the period given by the caption ("Six months ended September 30, 2021") or by
  the row itself ("Balance, April 1, 2021").
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from extraction.blocks import Block, Cell, Row
from extraction.hierarchy import HierarchyRow, label_paths, normalise_label
from extraction.models import Figure, Issue, Measure, Period, SectionKind
from extraction.numbers import (
    NUMBER_TOKEN,
    ParsedNumber,
    is_nil,
    parse_number,
    parse_scaled_money,
    scale_of_word,
    to_base_units,
    xbrl_decimals,
)
from extraction.periods import FiscalCalendar, add_months, find_periods, months_between
from extraction.units import MONEY, Unit, is_count_caption, unit_of_header, unit_of_label

INLINE_AMOUNT = re.compile(
    r"(?P<cur>JPY|\u00a5|US\$)\s?"
    # the number as the token ledger splits it; "12,34,567" is no amount (it stays unparsed)
    r"(?P<num>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)(?![0-9,]*[0-9])"
    r"(?:\s*(?P<scale>trillion|billion|million|thousand)s?\b)?",
    re.IGNORECASE,
)
_CHANGE_HEADER = re.compile(r"\b(?:yoy|change|increase|decrease|growth)\b|^%$", re.I)
_RATIO_HEADER = re.compile(r"\bratio\b|\bmargin\b|\bshare of\b", re.I)
_MEMBER_HEADER = re.compile(
    r"^(?:[1-4]Q|Q[1-4]|(?:first|second|third|fourth|[1-4](?:st|nd|rd|th))[- ]quarter|interim"
    r"|(?:fiscal[- ])?year)(?:[- ]*end)?$|^(?:total|annual|interim)$",
    re.I,
)
_FORECAST_WORD = re.compile(r"\bforecasts?\b|\btargets?\b|\bplan\b|\boutlook\b", re.I)


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the whole document tells every table: its calendar, dates and period."""

    document_id: str
    calendar: FiscalCalendar | None
    published_on: dt.date | None
    period: Period | None
    original_forecast_announced_on: dt.date | None = None
    forecasts_revised: bool = False  # the release says it changes its latest forecasts
    currency: str = "JPY"  # of amounts whose caption gives a scale only ("In millions")


@dataclass(slots=True)
class Column:
    index: int  # position of the cell in the row (the label is cell 0)
    header: str | None = None
    unit: Unit | None = None
    period: Period | None = None
    measure: Measure = Measure.VALUE
    item: str | None = None  # line item named by the column (period_rows layout)
    member: str | None = None  # a member named by the column (member_columns layout)
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Layout:
    block: Block
    orientation: str
    columns: list[Column]
    header_rows: list[Row]
    body: list[Row]
    captions: list[str]
    context_period: Period | None
    table_unit: Unit | None
    kind: SectionKind = SectionKind.UNKNOWN_TABLE
    damaged_header: bool = False
    inline: bool = False

    @property
    def title(self) -> str | None:
        return self.captions[-1] if self.captions else None


# ---------------------------------------------------------------------------- kinds


@dataclass(frozen=True, slots=True)
class _KindRule:
    kind: str
    where: str
    pattern: re.Pattern[str]
    weight: int


def _load_kind_rules() -> list[_KindRule]:
    text = resources.files("extraction.vocab").joinpath("section_kinds.csv").read_text("utf-8")
    return [
        _KindRule(r["section_kind"], r["where"], re.compile(r["pattern"], re.I), int(r["weight"]))
        for r in csv.DictReader(text.splitlines())
    ]


_KIND_RULES = _load_kind_rules()


@lru_cache(maxsize=8192)
def _rules_matching(text: str, where: str) -> frozenset[int]:
    """Indices of the kind rules for ``where`` ("label", "header" or "caption") whose
    pattern is in ``text``. Statements repeat their labels and titles from table to table
    and release to release, so each is tried against the rules once."""
    return frozenset(
        index
        for index, rule in enumerate(_KIND_RULES)
        if rule.where == where and rule.pattern.search(text)
    )


def classify(layout: Layout, ctx: DocContext) -> SectionKind:
    """Choose the section kind from the table's labels, headers and captions."""
    headers = [normalise_label(c.header or "") for c in layout.columns if c.header]
    captions = " ".join(layout.captions + [t for _, t in layout.block.trailing_lines])
    if layout.inline:
        has_forecast = _FORECAST_WORD.search(captions) is not None
        return (
            SectionKind.TARGETS
            if has_forecast and "highlight" not in captions.lower()
            else SectionKind.HIGHLIGHTS
        )
    scores = _kind_scores(layout, headers, captions)
    if layout.orientation == "period_rows":
        return _summary_kind(layout, ctx, scores, headers)
    if layout.orientation == "member_columns":
        for kind in ("changes_in_equity", "segment_information"):
            scores[kind] = scores.get(kind, 0) + 2
    else:
        scores["segment_information"] = 0
        scores["changes_in_equity"] = 0
    if any(c.measure == Measure.CHANGE_PERCENT for c in layout.columns):
        # statements print no YoY column: a table with one is a summary or breakdown
        for kind in ("financial_position", "profit_or_loss", "cash_flows", "comprehensive_income"):
            scores[kind] = 0
    best = max(scores.items(), key=lambda kv: kv[1])
    if best[1] <= 0:
        return SectionKind.UNKNOWN_TABLE
    return _quarter_kind(SectionKind(best[0]), layout, ctx)


def _kind_scores(layout: Layout, headers: list[str], captions: str) -> dict[str, int]:
    """Each section kind's score: the weights of its rules, a label or header rule counted
    for up to three labels (headers) it finds, a caption rule once."""
    labels = [normalise_label(r.label) for r in layout.body if r.label]
    # how many labels (headers) each rule finds
    label_hits = Counter(i for label in labels for i in _rules_matching(label, "label"))
    header_hits = Counter(i for h in headers for i in _rules_matching(h, "header"))
    caption_hits = _rules_matching(captions, "caption")
    scores: dict[str, int] = {}
    for index, rule in enumerate(_KIND_RULES):
        if rule.where == "label":
            hits = label_hits[index]
            if rule.kind == "revenue_breakdown":
                hits = hits if hits >= 3 else 0
            score = rule.weight * min(hits, 3)
        elif rule.where == "header":
            score = rule.weight * min(header_hits[index], 3)
        else:
            score = rule.weight if index in caption_hits else 0
        scores[rule.kind] = scores.get(rule.kind, 0) + score
    return scores


def _summary_kind(
    layout: Layout, ctx: DocContext, scores: dict[str, int], headers: list[str]
) -> SectionKind:
    """The kind of a period_rows table (the exchange's summary): dividends, forecasts, the
    financial position, per-share figures or, by default, the operating results."""
    marked = _has_forecast_marks(layout)
    rows_forecast = all(
        _row_is_forecast(r.label, layout, ctx, marked) for r in layout.body if r.has_numbers
    )
    if scores.get("dividends", 0) >= 4:
        return SectionKind.DIVIDENDS
    if rows_forecast:
        return SectionKind.TARGETS
    if scores.get("financial_position", 0) > 0 or any("total assets" in h for h in headers):
        return SectionKind.FINANCIAL_POSITION_SUMMARY
    if headers and all("per share" in h for h in headers):
        return SectionKind.PER_SHARE
    return SectionKind.OPERATING_RESULTS_SUMMARY


def _quarter_kind(kind: SectionKind, layout: Layout, ctx: DocContext) -> SectionKind:
    """A profit or loss (comprehensive income) statement of a period shorter than the
    release's is the quarter's statement."""
    if kind in (SectionKind.PROFIT_OR_LOSS, SectionKind.COMPREHENSIVE_INCOME):
        months = _table_months(layout)
        doc_months = _months(ctx.period)
        if months is not None and doc_months is not None and months < doc_months:
            kind = SectionKind(f"{kind.value}_quarter")
    return kind


def _months(period: Period | None) -> int | None:
    if period is None or period.start is None:
        return None
    return months_between(period.start, period.end)


def _table_months(layout: Layout) -> int | None:
    lengths = {_months(c.period) for c in layout.columns if c.period is not None}
    lengths.discard(None)
    return max(lengths) if lengths else _months(layout.context_period)


# --------------------------------------------------------------------------- header


def _cell(row: Row, index: int) -> str:
    return row.cells[index].text if index < len(row.cells) else ""


def _row_kind(row: Row, calendar: FiscalCalendar | None, n: int) -> str:
    texts = [_cell(row, j) for j in range(1, max(n + 1, len(row.cells)))]
    filled = [t for t in texts if t]
    if not filled:
        return "title"
    units = sum(1 for t in filled if unit_of_header(t))
    periods = sum(1 for t in filled if find_periods(t, calendar))
    if units and units >= len(filled) / 2:
        return "unit"
    if periods and periods >= len(filled) / 2:
        return "period"
    if len(filled) == 1 and n >= 3 and len(filled[0]) > 25:
        return "title"
    return "text"


def _spanning_run(row: Row, n: int) -> set[int]:
    """Cells that are fragments of one caption spread over several columns.

    PDF extraction cuts a caption such as "Owners of the parent's shareholders' equity"
    into cells ("Ow", "ners of the parent'", ...): a run of adjacent cells in which a
    later cell starts in lower case or the earlier one ends mid-word.
    """
    indices = [j for j in range(1, max(n + 1, len(row.cells))) if _cell(row, j)]
    spanning: set[int] = set()
    for a, b in itertools.pairwise(indices):
        first, second = _cell(row, a), _cell(row, b)
        cut_word = first[-1:].isalpha() and len(first) <= 3
        if b == a + 1 and (second[:1].islower() or cut_word):
            spanning.update({a, b})
    return spanning


def _realign(texts: list[str], slots: int) -> list[str] | None:
    """Header texts in order with duplicates and cut-off fragments merged, if they fit."""
    sequence: list[str] = []
    for text in texts:
        if sequence and text == sequence[-1]:
            continue
        if sequence and text[:1].islower() and len(text) <= 10:
            sequence[-1] = f"{sequence[-1]} {text}"
            continue
        sequence.append(text)
    return sequence if len(sequence) == slots else None


def analyse(block: Block, ctx: DocContext) -> Layout:
    """Work out the layout of ``block``: header rows, columns and orientation."""
    header_rows, body = _split_header(block.rows)
    n = max(len(r.cells) - 1 for r in body if r.has_numbers)
    kinds, captions = _header_row_kinds(header_rows, block, ctx.calendar, n)
    inline = any(INLINE_AMOUNT.search(c.text) for r in body for c in r.values)
    columns = [Column(index=j) for j in range(1, n + 1)]
    unit_rows = [r for r in header_rows if kinds[id(r)] == "unit"]
    period_rows = [r for r in header_rows if kinds[id(r)] == "period"]
    text_rows = [r for r in header_rows if kinds[id(r)] == "text"]
    _assign_units(columns, unit_rows)
    damaged = False
    if period_rows:
        damaged = _assign_periods(columns, period_rows, ctx.calendar, n)
    if text_rows:
        damaged = _assign_names(columns, text_rows, n) or damaged
    _resolve_percent_columns(columns)

    table_unit = next((u for u in (unit_of_header(t) for t in _caption_units(captions)) if u), None)
    currency = _table_currency(body, ctx)
    table_unit = _with_currency(table_unit, currency)
    for col in columns:
        col.unit = _with_currency(col.unit, currency)
    context = _context_period(captions, ctx)
    orientation = _orientation(columns, body, context, ctx.calendar)
    _assign_members(columns, orientation)
    return Layout(
        block=block,
        orientation=orientation,
        columns=columns,
        header_rows=header_rows,
        body=body,
        captions=captions,
        context_period=context,
        table_unit=table_unit,
        damaged_header=damaged,
        inline=inline,
    )


def _split_header(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """The column-header rows of a table and its body.

    Label-only rows after the last column-header row are headings of the body
    ("Assets", "Current assets"), not part of the column header.
    """
    first_data = next(i for i, r in enumerate(rows) if r.has_numbers)
    last_header = max(
        (i for i, r in enumerate(rows[:first_data]) if any(c.text for c in r.values)), default=-1
    )
    return rows[: last_header + 1], rows[last_header + 1 :]


def _header_row_kinds(
    header_rows: list[Row], block: Block, calendar: FiscalCalendar | None, n: int
) -> tuple[dict[int, str], list[str]]:
    """What each header row is ("title", "unit", "period" or "text"), by ``id`` of the row,
    and the table's captions: the lines above it, then the titles among its header rows."""
    captions = [text for _, text in block.caption_lines]
    kinds = {id(r): _row_kind(r, calendar, n) for r in header_rows}
    for r in header_rows:
        if kinds[id(r)] == "title":
            captions.append(" ".join(c.text for c in r.cells if c.text))
        elif r.label:
            captions.append(r.label)  # "Year ended December 31, 2021" over the columns
    text_candidates = [r for r in header_rows if kinds[id(r)] == "text"]
    if len(text_candidates) > 1:
        widest = max(sum(1 for c in r.values if c.text) for r in text_candidates)
        for r in text_candidates:
            if widest >= 3 and sum(1 for c in r.values if c.text) == 1:
                kinds[id(r)] = "title"  # a caption over the whole table ("Dividend per share")
                captions.append(" ".join(c.text for c in r.cells if c.text))
    return kinds, captions


def _assign_units(columns: list[Column], unit_rows: list[Row]) -> None:
    """Give each column the unit its header prints, or the one unit printed over them all."""
    for col in columns:
        for r in unit_rows:
            unit = unit_of_header(_cell(r, col.index))
            if unit:
                col.unit = unit

    lone_units = [u for r in unit_rows for u in (unit_of_header(c.text) for c in r.values) if u]
    if len(lone_units) == 1:
        # one unit printed once over the table ("(Millions of yen)") holds for every column
        for col in columns:
            col.unit = col.unit or lone_units[0]


def _assign_periods(
    columns: list[Column], period_rows: list[Row], calendar: FiscalCalendar | None, n: int
) -> bool:
    """Give the columns their headers and periods from the period rows above them; True
    when the periods found do not fit the value columns (a damaged header)."""
    found = [
        [p for _, _, p in find_periods(_cell(r, col.index), calendar)]
        for r in period_rows
        for col in columns
    ]
    per_column = [
        [p for r_i in range(len(period_rows)) for p in found[r_i * n + (col.index - 1)]]
        for col in columns
    ]
    for col, periods in zip(columns, per_column, strict=True):
        headers = [_cell(r, col.index) for r in period_rows if _cell(r, col.index)]
        col.header = " ".join(headers) or None
        if col.header and _CHANGE_HEADER.search(col.header) and not periods:
            col.measure = Measure.CHANGE
    value_cols = [
        c
        for c in columns
        if c.measure == Measure.VALUE and not (c.unit and c.unit.unit == "percent")
    ]
    if any(len(p) > 1 for p in per_column) or any(not per_column[c.index - 1] for c in value_cols):
        return not _realign_periods(value_cols, per_column)
    for col, periods in zip(columns, per_column, strict=True):
        if periods:
            col.period = periods[0]
    return False


def _realign_periods(value_cols: list[Column], per_column: list[list[Period]]) -> bool:
    """Spread the periods of merged header cells ("1H20 1H21") over the value columns in
    order, when there are as many (repeats of a period next to each other counted once)."""
    flat: list[Period] = []
    for periods in per_column:
        for p in periods:
            if not flat or flat[-1] != p:
                flat.append(p)
    if len(flat) != len(value_cols):
        return False
    for col, period in zip(value_cols, flat, strict=True):
        col.period = period
        col.flags.append("header_realigned")
    return True


def _assign_names(columns: list[Column], text_rows: list[Row], n: int) -> bool:
    """Give the columns the item or member names of the text rows above them; True when
    some value column is left without a name (a damaged header)."""
    primary = text_rows[-1]
    names = _stacked_names(columns, primary, text_rows[:-1], n)
    named_cols = [
        c
        for c in columns
        if not (c.unit and c.unit.unit == "percent") and c.measure == Measure.VALUE
    ]
    stray = [j for j in names if j > n or j not in {c.index for c in named_cols}]
    missing = [c for c in named_cols if c.index not in names]
    damaged = False
    if stray or missing:
        texts = [_cell(primary, j) for j in range(1, len(primary.cells)) if _cell(primary, j)]
        realigned = _realign(texts, len(named_cols))
        if realigned is not None:
            names = {c.index: t for c, t in zip(named_cols, realigned, strict=True)}
            for c in named_cols:
                c.flags.append("header_realigned")
        elif missing:
            damaged = True
    for col in columns:
        text = names.get(col.index)
        if text and _CHANGE_HEADER.search(text) and not _RATIO_HEADER.search(text):
            col.measure = (
                Measure.CHANGE_PERCENT
                if (col.unit and col.unit.unit == "percent")
                else Measure.CHANGE
            )
            col.header = col.header or text
        elif text:
            col.header = f"{col.header} {text}".strip() if col.header else text
            col.item = text
    return damaged


def _stacked_names(
    columns: list[Column], primary: Row, uppers: list[Row], n: int
) -> dict[int, str]:
    """Each column's name in the last text row, completed by the rows above it: a word
    broken with a hyphen ("Non-" over "current") is joined, an empty cell takes the text
    above it. Fragments of a caption spread over several columns are not names."""
    spanning = {id(r): _spanning_run(r, n) for r in uppers}
    names: dict[int, str] = {}
    for col in columns:
        name = _cell(primary, col.index)
        for upper in reversed(uppers):
            above = _cell(upper, col.index)
            if not above or col.index in spanning[id(upper)]:
                continue
            if above.endswith("-") and name:
                name = f"{above}{name}"
            elif not name:
                name = above
        if name:
            names[col.index] = re.sub(r"(\w)- (\w)", r"\1-\2", name)
    return names


def _resolve_percent_columns(columns: list[Column]) -> None:
    """Percent columns without a name of their own describe the column on their left: a
    change column takes that column's period, item and unit."""
    for col in columns:
        if col.measure == Measure.CHANGE and col.unit and col.unit.unit == "percent":
            col.measure = Measure.CHANGE_PERCENT
        if col.unit and col.unit.unit == "percent" and col.measure == Measure.VALUE:
            if col.item and _RATIO_HEADER.search(col.item):
                col.measure = Measure.RATIO
            elif col.item is None or col.header in {None, "%"}:
                col.measure = Measure.CHANGE_PERCENT
        if col.measure in (Measure.CHANGE, Measure.CHANGE_PERCENT):
            left = next(
                (c for c in reversed(columns[: col.index - 1]) if c.measure == Measure.VALUE), None
            )
            if left is not None:
                col.period = col.period or _compared_period(columns, left)
                col.item = (
                    col.item if col.item and not _CHANGE_HEADER.search(col.item) else left.item
                )
                if col.measure == Measure.CHANGE and col.unit is None:
                    col.unit = left.unit


def _orientation(
    columns: list[Column], body: list[Row], context: Period | None, calendar: FiscalCalendar | None
) -> str:
    """``period_columns`` when a column has a period; else ``period_rows`` when at least half
    the data rows name one (or a part of the caption's year), else ``member_columns``."""
    if any(c.period for c in columns):
        return "period_columns"
    data_rows = [r for r in body if r.has_numbers]
    with_period = [
        r
        for r in data_rows
        if find_periods(r.label, calendar) or (context is not None and _names_part_of_year(r.label))
    ]
    return (
        "period_rows"
        if with_period and len(with_period) * 2 >= len(data_rows)
        else "member_columns"
    )


def _assign_members(columns: list[Column], orientation: str) -> None:
    """Column names that are members, not line items: every name across a member_columns
    table, a part of the year ("1Q", "Full year") across a period_rows one."""
    if orientation == "period_rows":
        for col in columns:
            if col.item and _MEMBER_HEADER.match(col.item):
                col.member, col.item = col.item, None
    elif orientation == "member_columns":
        for col in columns:
            col.member, col.item = col.item, None


def _table_currency(body: list[Row], ctx: DocContext) -> str:
    """The currency of a table's amounts: dollars where its cells print "$"."""
    dollars = any("$" in c.text for r in body for c in r.values)
    return "USD" if dollars else ctx.currency


def _with_currency(unit: Unit | None, currency: str) -> Unit | None:
    """A caption's unit, its currency given where the caption gave a scale only."""
    if unit is None or unit.unit != MONEY:
        return unit
    return Unit(currency, unit.scale)


def _compared_period(columns: list[Column], left: Column) -> Period | None:
    """The period a change column describes: the latest of the periods of the same length
    it follows ("Q2 2026 | Q2 2025 | Change" is the change of Q2 2026)."""
    period = left.period
    if period is None or period.start is None:
        return period
    length = months_between(period.start, period.end)
    for col in reversed(columns[: left.index - 1]):
        other = col.period
        if col.measure != Measure.VALUE or other is None or other.start is None:
            break
        if months_between(other.start, other.end) != length:
            break
        if other.end > period.end:
            period = other
    return period


def _caption_units(captions: list[str]) -> list[str]:
    found = []
    for text in captions:
        found.extend(re.findall(r"\(([^()]*(?:yen|JPY|dollars|%)[^()]*)\)", text, re.I))
        found.extend(
            re.findall(r"\(\s*(in\s+(?:thousands|millions|billions)\b[^()]*)\)", text, re.I)
        )
        found.extend(re.findall(r"(?:thousands|millions|billions) of yen|JPY \w+ions?", text, re.I))
    return found


def _context_period(captions: list[str], ctx: DocContext) -> Period | None:
    for text in reversed(captions):
        durations = [p for _, _, p in find_periods(text, ctx.calendar) if not p.is_instant]
        if durations:
            return durations[-1]
    return None


def borrow_header(layout: Layout, sibling: Layout) -> None:
    """Give a table whose header was damaged the clean header of a same-shaped sibling."""
    for col, other in zip(layout.columns, sibling.columns, strict=True):
        col.member, col.item, col.header = other.member, other.item, other.header
        col.unit = col.unit or other.unit
        col.measure = other.measure
        col.flags.append("header_from_sibling_table")
    layout.damaged_header = False


def continues_table(layout: Layout, above: Layout) -> bool:
    """Whether ``layout`` goes on with the table ``above`` it under the same header.

    A statement interrupted by a paragraph ("Diluted EPS is calculated using the
    following:") goes on without a header of its own: rows of as many values as the
    table above, with no header row, caption or period of their own.
    """
    return (
        not layout.header_rows
        and not layout.captions
        and layout.orientation != "period_columns"
        and above.orientation == "period_columns"
        and len(layout.columns) == len(above.columns)
        and layout.block.first_line - above.block.last_line <= 4
    )


def continue_header(layout: Layout, above: Layout) -> None:
    """Give a table that goes on after a paragraph the header of the table above it."""
    for col, other in zip(layout.columns, above.columns, strict=True):
        col.header, col.period, col.item = other.header, other.period, other.item
        col.unit = col.unit or other.unit
        col.measure = other.measure
        col.flags.append("header_from_table_above")
    layout.orientation = above.orientation
    layout.table_unit = layout.table_unit or above.table_unit


# ----------------------------------------------------------------------------- cells


@dataclass(slots=True)
class _Value:
    column: Column
    parsed: ParsedNumber | None  # None for a nil mark
    raw: str
    start: int  # digits span in the line
    end: int
    flags: list[str] = field(default_factory=list)
    scale: int | None = None  # the power of ten a money cell prints ("$1,975 million")


_NON_SPACE = re.compile(r"\S+")
_WORD = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=8192)
def _cell_entries(text: str) -> tuple[tuple[tuple[str, int, tuple[str, ...]], ...], int]:
    """The values of a non-empty cell, each with its offset in the cell and its flags, and
    how many of the empty cells that follow it they stand for.

    A cell can hold several values ("1,506,998 -"; the empty cells after it lost them) or a
    value with a word cut off the label before it ("ome -"). A pure function of the text,
    so the repeated cells of a document are split once.
    """
    parts = [(m.group(), m.start()) for m in _NON_SPACE.finditer(text)]
    if len(parts) > 1 and all(parse_number(p) or is_nil(p) for p, _ in parts):
        return tuple((p, offset, ("cell_split",)) for p, offset in parts), len(parts) - 1
    if (
        len(parts) > 1
        and (parse_number(parts[-1][0]) or is_nil(parts[-1][0]))
        and all(_WORD.fullmatch(p) for p, _ in parts[:-1])
    ):
        # a word cut off the label and glued before the value ("ome -")
        return ((parts[-1][0], parts[-1][1], ("stray_text_removed",)),), 0
    return ((text, 0, ()),), 0


_Entry = tuple[str, int, tuple[str, ...]]  # a value's text, its offset in the line, its flags


def _row_values(row: Row, layout: Layout) -> tuple[list[_Value], list[str]]:
    """Map a row's cells onto the columns, repairing merged and shifted cells."""
    columns = layout.columns
    entries, notes = _fit_entries(_row_entries(row), len(columns), row)
    note_flags = [f for f in notes if "_" in f]
    values: list[_Value] = []
    for col, entry in zip(columns, entries, strict=False):
        if entry is None:
            continue
        text, offset, flags = entry
        parsed = parse_number(text)  # None for a nil mark too: no dash parses as a number
        scale = None
        if parsed is None and "$" in text:
            parsed, scale = parse_scaled_money(text) or (None, None)
        if parsed is None:
            continue
        values.append(
            _Value(
                col,
                parsed,
                text,
                offset + parsed.token_start,
                offset + parsed.token_end,
                [*flags, *parsed.flags, *note_flags],
                scale,
            )
        )
    return values, notes


def _row_entries(row: Row) -> list[_Entry | None]:
    """The values of a row's cells in order, None for an empty cell; a cell holding several
    values stands for the empty cells after it (see :func:`_cell_entries`), and the empty
    cells at the row's end are dropped."""
    entries: list[_Entry | None] = []
    absorb = 0
    for cell in row.values:
        if not cell.text:
            if absorb:
                absorb -= 1
                continue
            entries.append(None)
            continue
        found, absorb = _cell_entries(cell.text)
        if len(found) == 1:  # the usual cell: one value
            text, offset, flags = found[0]
            entries.append((text, cell.start + offset, flags))
        else:
            entries.extend((text, cell.start + offset, flags) for text, offset, flags in found)
    while entries and entries[-1] is None:
        entries.pop()
    return entries


def _fit_entries(
    entries: list[_Entry | None], n: int, row: Row
) -> tuple[list[_Entry | None], list[str]]:
    """A row's entries fitted to ``n`` columns, with notes on what was done: surplus nil
    marks or empty cells dropped ("column_shift_repaired"), else the surplus cut off (a
    note without an underscore: a warning); a short space-separated row aligned right."""
    notes: list[str] = []
    if len(entries) > n:
        surplus = len(entries) - n
        split_nils = [
            i for i, e in enumerate(entries) if e and "cell_split" in e[2] and is_nil(e[0])
        ]
        empties = [i for i, e in enumerate(entries) if e is None]
        drop = (split_nils + empties)[:surplus]
        if len(drop) == surplus:
            entries = [e for i, e in enumerate(entries) if i not in set(drop)]
            notes.append("column_shift_repaired")
        else:
            notes.append(f"row has {len(entries)} cells for {n} columns")
            entries = entries[:n]
    elif len(entries) < n and "\t" not in row.text:
        # space-separated layouts lose empty cells; values sit in the rightmost columns
        entries = [None] * (n - len(entries)) + entries
        notes.append("alignment_inferred")
    return entries, notes


_FORECAST_MARK = re.compile(r"\bforecast|\btarget", re.I)
# a table titled as a forecast: "3. Consolidated Business Forecasts for the Fiscal Year ..."
_FORECAST_CAPTION = re.compile(r"\b(?:business|earnings|results?)\s+forecasts?\s+for\b", re.I)
# row labels that name a part of the table's fiscal year: "First half", "Full year"
_FULL_YEAR = re.compile(r"^(?:full|fiscal|whole)\s+year$|^annual$", re.I)
_FIRST_HALF = re.compile(r"^(?:first|1st)\s+half\b|^(?:first\s+)?six\s+months\b|^interim\b", re.I)


def _has_forecast_marks(layout: Layout) -> bool:
    """Whether some row label of the table says "forecast" or "target"."""
    return any(_FORECAST_MARK.search(r.label) for r in layout.body)


def _row_is_forecast(
    label: str, layout: Layout, ctx: DocContext, marked: bool | None = None
) -> bool:
    """Whether a row of a period_rows table is a forecast: marked so where the table marks
    its forecasts, else a period ending after the release. ``marked`` is
    :func:`_has_forecast_marks` of the table, if the caller has it already."""
    if marked is None:
        marked = _has_forecast_marks(layout)
    if marked:
        return bool(_FORECAST_MARK.search(label))
    if any(_FORECAST_CAPTION.search(caption) for caption in layout.captions):
        return True  # "Consolidated Financial Results Forecast for the Fiscal Year ..."
    periods = find_periods(label, ctx.calendar)
    return bool(periods and ctx.published_on and periods[-1][2].end > ctx.published_on)


def _scenario(
    period: Period | None,
    layout: Layout,
    row_label: str,
    ctx: DocContext,
    marked: bool | None = None,
) -> str:
    if layout.orientation == "period_rows":
        return "forecast" if _row_is_forecast(row_label, layout, ctx, marked) else "actual"
    if period is not None and ctx.published_on and period.end > ctx.published_on:
        return "forecast"
    return "actual"


def _row_period(label: str, layout: Layout, ctx: DocContext) -> tuple[Period | None, list[str]]:
    found = find_periods(label, ctx.calendar)
    if not found:
        return _part_of_context(label, layout.context_period), []
    period = found[-1][2]
    flags: list[str] = []
    stub = _period_stub(layout)
    if period.is_instant and stub:
        # rows "March 31, 2026" under a row-label header "Fiscal year ended": the year to it
        spanned = find_periods(f"{stub} {label}", ctx.calendar)
        if spanned and not spanned[-1][2].is_instant:
            period = spanned[-1][2]
    context = layout.context_period
    if period.is_instant and context and context.start == period.end:
        # "Balance, April 1, 2021" opens the period: the instant is the day before it,
        # the date the statement of financial position reports (XBRL does the same)
        period = replace(period, end=period.end - dt.timedelta(days=1), label=None)
        if ctx.calendar:
            period = ctx.calendar.describe(None, period.end)
        flags.append("opening_balance_dated_previous_day")
    return period, flags


_STUB = re.compile(r"\b(?:ended|ending)$", re.I)


def _names_part_of_year(label: str) -> bool:
    """ "First half", "Full year": a row that names a period of the caption's fiscal year."""
    return bool(_FIRST_HALF.search(label.strip()) or _FULL_YEAR.search(label.strip()))


def _part_of_context(label: str, context: Period | None) -> Period | None:
    """The period a row labelled "First half" or "Full year" names within the fiscal year
    of the table's caption; the caption's period for any other label."""
    if context is None or context.start is None or months_between(context.start, context.end) != 12:
        return context
    if _FIRST_HALF.search(label.strip()):
        end = add_months(context.start, 6) - dt.timedelta(days=1)
        return replace(context, end=end, label="1H")
    return context


def _period_stub(layout: Layout) -> str | None:
    """The header over the row labels when it names their periods' length ("Fiscal year
    ended", "First three months ended"), so that a row dated "March 31, 2026" is the period
    ending then, not the balance at that date."""
    return next((r.label for r in layout.header_rows if _STUB.search(r.label.strip())), None)


def figures_of(layout: Layout, ctx: DocContext) -> tuple[list[Figure], list[Issue]]:
    """Every figure of a table block, with its context resolved."""
    if layout.inline:
        return _inline_figures(layout, ctx)
    rows_with_values, issues = _read_rows(layout, ctx)
    paths = _row_paths(layout, rows_with_values)
    table = _table_context(layout, ctx)
    figures: list[Figure] = []
    for (row, values), (path, is_total) in zip(rows_with_values, paths, strict=True):
        figures.extend(_row_figures(table, row, values, path, is_total))
    return figures, issues


def _read_rows(
    layout: Layout, ctx: DocContext
) -> tuple[list[tuple[Row, list[_Value]]], list[Issue]]:
    """Each body row with its values (:func:`_row_values`), and a warning for each row
    whose cells did not fit the columns."""
    issues: list[Issue] = []
    rows_with_values: list[tuple[Row, list[_Value]]] = []
    for row in layout.body:
        values, notes = _row_values(row, layout)
        for note in notes:
            if "_" not in note:
                issues.append(
                    Issue(
                        ctx.document_id,
                        "warning",
                        "row_shape",
                        f"line {row.line_number}: {note}",
                        row.line_number,
                    )
                )
        rows_with_values.append((row, values))
    return rows_with_values, issues


def _row_paths(
    layout: Layout, rows_with_values: list[tuple[Row, list[_Value]]]
) -> list[tuple[tuple[str, ...], bool]]:
    """Each row's parents' labels and whether it is a total (:func:`label_paths`); the rows
    of a period_rows table are periods, with no hierarchy."""
    if layout.orientation == "period_rows":
        return [((), False)] * len(rows_with_values)
    summed = _summed_columns(layout)
    return label_paths([_hierarchy_row(row, values, summed) for row, values in rows_with_values])


@dataclass(frozen=True, slots=True)
class _TableContext:
    """What every figure of a table shares, worked out once for the table."""

    layout: Layout
    ctx: DocContext
    title: str | None
    count_table: bool  # the caption says the table counts things
    marked: bool | None  # a period_rows table marks its forecast rows (see _row_is_forecast)
    member_unit: Unit | None  # the unit the caption names, for the figures of members
    scope: str | None  # NON_CONSOLIDATED when the caption says so


def _table_context(layout: Layout, ctx: DocContext) -> _TableContext:
    caption_text = " ".join(layout.captions)
    return _TableContext(
        layout,
        ctx,
        layout.title,
        is_count_caption(caption_text),
        _has_forecast_marks(layout) if layout.orientation == "period_rows" else None,
        unit_of_label(caption_text),
        # "(1) Non-consolidated operating results": the parent company alone, another entity
        # than the group the rest of the release reports on
        NON_CONSOLIDATED if _NON_CONSOLIDATED.search(caption_text) else None,
    )


@dataclass(frozen=True, slots=True)
class _RowContext:
    """What every figure of a table row shares."""

    row: Row
    label: str  # the row's label repaired (:func:`repair_label`)
    label_flags: list[str]
    period: Period | None  # the period the label names, outside a period_columns table
    period_flags: list[str]
    point_in_time: bool  # the label names a balance at a period's edge
    path: tuple[str, ...]
    is_total: bool


def _row_figures(
    table: _TableContext,
    row: Row,
    values: list[_Value],
    path: tuple[str, ...],
    is_total: bool,
) -> list[Figure]:
    """The figures of a table row, one a value; a change cell is anchored to the value
    figure on its left when that names the same item."""
    label, label_flags = repair_label(row.label)
    row_period, period_flags = (None, [])
    if table.layout.orientation != "period_columns":
        row_period, period_flags = _row_period(label, table.layout, table.ctx)
    here = _RowContext(
        row, label, label_flags, row_period, period_flags, _is_point_in_time(label), path, is_total
    )
    figures: list[Figure] = []
    last_value: Figure | None = None
    for value in values:
        figure = _cell_figure(table, here, value, last_value)
        figures.append(figure)
        if figure.measure == Measure.VALUE:
            last_value = figure
    return figures


def _cell_subject(
    table: _TableContext, here: _RowContext, col: Column
) -> tuple[str, tuple[str, ...], Period | None]:
    """A cell's item, label path and period: across a period_rows table the column names
    the item and the row the period; elsewhere the row names the item and the column (or
    else the row) the period, a balance at a period's edge made an instant."""
    if table.layout.orientation == "period_rows":
        item = col.item or (table.title or here.label)
        path = (table.title,) if col.member and table.title else ()
        return item, path, here.period
    period = col.period or here.period
    if period is not None and not period.is_instant and here.point_in_time:
        period = _instant_of(here.label, period, table.ctx)
    return here.label, here.path, period


def _cell_unit(
    table: _TableContext, value: _Value, item: str, path: tuple[str, ...]
) -> tuple[Unit | None, Measure]:
    """A cell's unit (None where nothing says) and its measure, which a "%" cell or a
    dollar table can change."""
    col = value.column
    unit = unit_of_label(item) or (table.member_unit if col.member else None)
    scale_unit = col.unit or table.layout.table_unit
    if unit is None:
        if scale_unit is not None:
            unit = scale_unit
        elif table.count_table:
            unit = _COUNT
    measure = col.measure
    if measure == Measure.CHANGE_PERCENT or measure == Measure.RATIO:
        unit = _PERCENT
    elif (
        unit is not None
        and unit.unit in ("JPY/share", "Gbps", "count", "shares")
        and scale_unit is not None
        and scale_unit.unit == "JPY"
    ):
        unit = Unit(unit.unit, 0)  # "Thousands of yen" does not scale EPS
    if _in_dollars(value, scale_unit):
        unit, measure = _dollar_unit(value, measure, scale_unit, (*path[-1:], item))
    elif value.parsed is not None and value.parsed.is_percent and unit != _PERCENT:
        unit = _PERCENT  # a cell printed with "%" ("60.6%") in a table of no unit
        if measure == Measure.CHANGE:
            measure = Measure.CHANGE_PERCENT
    return unit, measure


def _cell_figure(
    table: _TableContext, here: _RowContext, value: _Value, last_value: Figure | None
) -> Figure:
    """The figure of one table cell. ``last_value`` is the row's value figure before it."""
    col = value.column
    item, path, period = _cell_subject(table, here, col)
    unit, measure = _cell_unit(table, value, item, path)
    flags = [*value.flags, *col.flags, *here.label_flags, *here.period_flags]
    if unit is None:
        flags.append("unit_unknown")
        unit = _UNKNOWN
    if period is None:
        flags.append("period_unknown")
    if here.is_total:
        flags.append("total")
    parsed = value.parsed
    assert parsed is not None
    ctx = table.ctx
    scenario = _scenario(period, table.layout, here.label, ctx, table.marked)
    forecast = scenario == "forecast"
    # positional: a call with the fields by keyword takes several times as long, and tables
    # hold most of a release's figures
    return Figure(
        ctx.document_id,
        0,  # sequence
        table.layout.kind,  # section_kind
        table.layout.block.index,  # block_index
        table.title,  # block_title
        here.row.label,  # row_label
        item,  # item_label
        path,  # label_path
        col.header,  # column_header
        col.index,  # column_index
        col.member or table.scope,  # member
        period,
        scenario,
        "revised" if forecast and ctx.forecasts_revised else None,  # forecast_status
        ctx.published_on if forecast else None,  # forecast_announced_on
        measure,
        unit.unit,
        unit.scale,
        # decimals
        xbrl_decimals(parsed.decimals, unit.scale) if parsed.value is not None else None,
        value.raw,  # raw_text
        to_base_units(parsed.value, unit.scale),  # value
        here.row.line_number,
        value.start,  # char_start
        value.end,  # char_end
        tuple(dict.fromkeys(flags)),  # flags
        # anchor: a change column describes the value on its left in the same row, unless
        # it names an item of its own ("Dividend payout ratio")
        last_value
        if measure != Measure.VALUE and last_value is not None and last_value.item_label == item
        else None,
    )


NON_CONSOLIDATED = "Non-consolidated"
_NON_CONSOLIDATED = re.compile(r"\bnon-?consolidated\b", re.I)
_MIN_SHARED_ROWS = 2
_OPENS_BREAKDOWN = re.compile(r"\b(?:to|of|for|by|from|in|on|as follows)\s*:\s*$", re.I)
# a footnote mark after a label: "Operating profit *", "Revenue (a)", "Net sales 1"
_FOOTNOTE_MARK = re.compile(r"\s*(?:\*+|\([a-z]\)|[0-9]|[\u00b9\u00b2\u00b3])$")


def members_from_repeated_headings(figures: list[Figure]) -> None:
    """Headings over the same rows are members: "Sensors:" / Revenue, Operating profit, then
    "Controls:" / Revenue, Operating profit. Each group of rows under such a
    heading (a label-only row ending in a colon) names the same items, so the heading is
    what tells them apart (a segment), not a parent line item. Headings over different rows
    ("Current assets:", "Non-current assets:") stay parents. Asked of a whole document's
    table figures: such a table often runs over a page break."""
    groups: dict[str, frozenset[str]] = {}
    for heading in {f.label_path[-1] for f in figures if f.member is None and f.label_path}:
        # "Profit for the year attributable to:" opens a breakdown of the line item, not a
        # member: a name does not end in a preposition
        if heading.rstrip().endswith(":") and not _OPENS_BREAKDOWN.search(heading):
            groups[heading] = frozenset(
                _FOOTNOTE_MARK.sub("", f.item_label)
                for f in figures
                if f.label_path and f.label_path[-1] == heading
            )
    shapes = Counter(rows for rows in groups.values() if len(rows) >= _MIN_SHARED_ROWS)
    repeated = {rows for rows, count in shapes.items() if count >= 2}
    members = {heading for heading, rows in groups.items() if rows in repeated}
    for figure in figures:
        if figure.member is None and figure.label_path and figure.label_path[-1] in members:
            figure.member = figure.label_path[-1].rstrip(": ")
            figure.label_path = ()


_PERCENT = Unit("percent", 0)
_COUNT = Unit("count", 0)
_UNKNOWN = Unit("unknown", 0)


def _in_dollars(value: _Value, scale_unit: Unit | None) -> bool:
    """A cell of a dollar table, or a dollar amount: US conventions hold for it."""
    return "$" in value.raw or (scale_unit is not None and scale_unit.unit == "USD")


def _dollar_unit(
    value: _Value, measure: Measure, scale_unit: Unit | None, labels: tuple[str, ...]
) -> tuple[Unit, Measure]:
    """The unit of a cell of a US table and its measure.

    A per-share amount is in dollars a share and a share count is printed at the table's
    scale ("In millions, except per-share amounts" counts shares in millions); the row
    label or a heading above it ("Weighted-average number of shares:") says which. A
    "%" cell is a percentage: in a change column, the change in percent.
    """
    assert value.parsed is not None
    if value.parsed.is_percent or measure in (Measure.CHANGE_PERCENT, Measure.RATIO):
        if measure == Measure.CHANGE:
            measure = Measure.CHANGE_PERCENT
        return _PERCENT, measure
    scale = value.scale if value.scale is not None else scale_unit.scale if scale_unit else 0
    for label in reversed(labels):
        named = unit_of_label(label)
        if named is None or named.unit not in ("JPY/share", "shares"):
            continue
        if named.unit == "shares":
            return Unit("shares", scale), measure
        return Unit("USD/share", 0), measure
    return Unit("USD", scale), measure


_POINT_IN_TIME = re.compile(
    r"\b(?:at|as of)?\s*(?:the\s+)?(?P<edge>beginning|end)\s+of\s+"
    r"(?:the\s+)?(?:fiscal\s+)?(?:year|period|quarter|half)\b",
    re.I,
)


@lru_cache(maxsize=8192)
def _is_point_in_time(label: str) -> bool:
    """Whether a row label names a balance at a period's edge ("... at end of year")."""
    return _POINT_IN_TIME.search(label) is not None


def _instant_of(label: str, period: Period, ctx: DocContext) -> Period:
    """ "Cash ... at beginning of year" is a balance at the day before the period starts."""
    match = _POINT_IN_TIME.search(label)
    assert match is not None and period.start is not None
    end = period.end if match["edge"].lower() == "end" else period.start - dt.timedelta(days=1)
    return ctx.calendar.describe(None, end) if ctx.calendar else Period(end=end)


def _summed_columns(layout: Layout) -> list[Column]:
    """The columns whose values add up down a statement: amounts and changes, not ratios."""
    return [
        col
        for col in layout.columns
        if col.measure in (Measure.VALUE, Measure.CHANGE)
        and not (col.unit and col.unit.unit == "percent")
    ]


@lru_cache(maxsize=64)
def _one_unit_at(decimals: int) -> Decimal:
    """One unit of the last printed digit: 1 for whole numbers, 0.1 for one decimal ..."""
    return Decimal(1).scaleb(-decimals)


def _hierarchy_row(row: Row, values: list[_Value], summed: list[Column]) -> HierarchyRow:
    """A row as the hierarchy sees it: its values in the ``summed`` columns (see
    :func:`_summed_columns`), a nil mark as zero and an empty cell as None."""
    label = _repair_label(row.label)[0]
    if not values and not row.has_numbers:
        return HierarchyRow(label, None, [])
    vector: list[Decimal | None] = []
    tolerance: list[Decimal] = []
    by_column = {v.column.index: v for v in values}
    for col in summed:
        value = by_column.get(col.index)
        if value is not None and value.parsed is not None:
            vector.append(value.parsed.value)
            tolerance.append(_one_unit_at(value.parsed.decimals))
        else:
            vector.append(Decimal(0) if is_nil(_cell(row, col.index)) else None)
            tolerance.append(Decimal(1))
    return HierarchyRow(label, vector, tolerance)


_TRUNCATED_TOTAL = re.compile(r"^(?:otal|tal|al)\s+(?=[a-z])", re.I)


def repair_label(label: str) -> tuple[str, list[str]]:
    """Repair a row label cut at its start ("tal network services") and drop footnote marks.

    Only the word "Total" is restored: it is the one word whose loss is certain from the
    fragment left behind, and the numbers confirm it (the row sums its children).
    """
    repaired, flags = _repair_label(label)
    return repaired, list(flags)


@lru_cache(maxsize=8192)
def _repair_label(label: str) -> tuple[str, tuple[str, ...]]:
    flags: list[str] = []
    repaired = label
    if _TRUNCATED_TOTAL.match(label):
        repaired = _TRUNCATED_TOTAL.sub("Total ", label)
        flags.append("label_repaired")
    cleaned = re.sub(r"\s*[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+$", "", repaired)
    cleaned = re.sub(r"\s*\(\s*notes?\s*[0-9]+(?:,\s*[0-9]+)*\s*\)", "", cleaned, flags=re.I)
    if cleaned != repaired:
        flags.append("footnote_mark_removed")
    return cleaned, tuple(flags)


# ------------------------------------------------------------------ inline (highlights)


_DIRECTION = {
    "up": 1,
    "down": -1,
    "increase": 1,
    "decrease": -1,
    "increased": 1,
    "decreased": -1,
    "rise": 1,
    "fall": -1,
}
_PER_SHARE_TEXT = "pershareofcommonstock"


def _qualifier_unit(texts: list[str]) -> tuple[Unit | None, list[str]]:
    squashed = re.sub(r"[^a-z]", "", " ".join(texts).lower())
    if not squashed:
        return None, []
    if "pershare" in squashed:
        return Unit("JPY/share", 0), []
    ratio = difflib.SequenceMatcher(None, squashed, _PER_SHARE_TEXT).ratio()
    if ratio >= 0.8:
        return Unit("JPY/share", 0), ["qualifier_repaired"]
    return None, []


_MARKER_WORD = re.compile(r"\b(revised|original|previous|initial)\b", re.I)
_ON_OR_AS_OF = re.compile(r"\s+(?:on|as of)\s+")
_ANNOUNCED_ON = re.compile(r"\b(?:announced|disclosed|published)\s+on\s+", re.I)
_HIGHLIGHTS = re.compile(r"highlights?", re.I)
_PERCENT_CELL = re.compile(r"(?<![0-9.])(?P<num>[0-9]+(?:\.[0-9]+)?)\s*%")
_BALANCE_SHEET_WORD = re.compile(r"\bassets\b|\bequity\b", re.I)


def _inline_context(
    text: str, ctx: DocContext
) -> tuple[Period | None, list[tuple[str | None, dt.date | None]]]:
    """The period a heading names and its forecast markers in order ("Revised on ...")."""
    periods = [p for _, _, p in find_periods(text, ctx.calendar) if not p.is_instant]
    period = periods[0] if periods else None
    markers: list[tuple[int, str | None, dt.date | None]] = []
    for match in _MARKER_WORD.finditer(text):
        word = match.group(1).lower()
        status = "revised" if word == "revised" else "original"
        dated = _ON_OR_AS_OF.match(text, match.end())
        announced = None
        if dated:
            found = find_periods(text[match.end() : match.end() + 40], ctx.calendar)
            if found and found[0][2].is_instant:
                announced = found[0][2].end
        markers.append((match.start(), status, announced))
    if not markers:
        announced_match = _ANNOUNCED_ON.search(text)
        if announced_match:
            found = find_periods(text[announced_match.end() :], ctx.calendar)
            if found and found[0][2].is_instant:
                markers.append((announced_match.start(), None, found[0][2].end))
    return period, [(s, d) for _, s, d in sorted(markers)]


def _inline_figures(layout: Layout, ctx: DocContext) -> tuple[list[Figure], list[Issue]]:
    """The figures of a highlights table, whose cells print amounts with their currency
    ("JPY53.0 billion") and changes with their direction ("up", "5.2%")."""
    figures: list[Figure] = []
    issues: list[Issue] = []
    period, markers = _inline_caption_context(layout, ctx)
    kind = layout.kind
    for row in layout.body:
        if not row.has_numbers:
            period, markers, kind = _inline_heading(row, ctx, period, kind)
            continue
        reading = _inline_row(row, kind, period, markers)
        for cell in row.values:
            _read_inline_cell(reading, cell, layout, ctx, figures, issues)
    return figures, issues


_Markers = list[tuple[str | None, dt.date | None]]  # forecast statuses and announcement dates


def _inline_caption_context(layout: Layout, ctx: DocContext) -> tuple[Period | None, _Markers]:
    """The period and forecast markers a highlights table's captions name (the last
    caption naming them wins); the period defaults to the release's."""
    period = _context_period(layout.captions, ctx) or ctx.period
    markers: _Markers = []
    for caption in layout.captions:
        found_period, found_markers = _inline_context(caption, ctx)
        period = found_period or period
        markers = found_markers or markers
    return period, markers


def _inline_heading(
    row: Row, ctx: DocContext, period: Period | None, kind: SectionKind
) -> tuple[Period | None, _Markers, SectionKind]:
    """What a heading row of a highlights table (a row without numbers) sets for the rows
    under it: their period (if it names one), their forecast markers and their kind."""
    heading = " ".join(c.text for c in row.cells)
    found_period, markers = _inline_context(heading, ctx)
    if _HIGHLIGHTS.search(heading):
        kind = SectionKind.HIGHLIGHTS
    elif _FORECAST_WORD.search(heading):
        kind = SectionKind.TARGETS
    return found_period or period, markers, kind


@dataclass(slots=True)
class _InlineRow:
    """A highlights row as its cells are read left to right: what the row's figures share,
    and what the cells read so far set (the direction word, amounts, the last amount)."""

    row: Row
    kind: SectionKind
    period: Period | None
    markers: _Markers
    label: str
    label_flags: list[str]
    row_unit: Unit | None  # "per share" in the row's words
    qualifier_flags: list[str]
    direction: int = 1  # -1 after "down", "decrease" ...
    amount_index: int = 0  # how many amounts were read: the next one's forecast marker
    last_amount: Figure | None = None


def _inline_row(
    row: Row, kind: SectionKind, period: Period | None, markers: _Markers
) -> _InlineRow:
    label, label_flags = repair_label(row.label)
    qualifiers = [
        c.text
        for c in row.values
        if c.text
        and not NUMBER_TOKEN.search(c.text)
        and c.text.lower() not in _DIRECTION
        and not c.text.lower().startswith("yoy")
    ]
    row_unit, qualifier_flags = _qualifier_unit(qualifiers)
    return _InlineRow(row, kind, period, markers, label, label_flags, row_unit, qualifier_flags)


def _read_inline_cell(
    reading: _InlineRow,
    cell: Cell,
    layout: Layout,
    ctx: DocContext,
    figures: list[Figure],
    issues: list[Issue],
) -> None:
    """Read one cell of a highlights row: a direction word, an amount, a percentage, or a
    number not understood (a warning)."""
    word = cell.text.lower()
    if word in _DIRECTION:
        reading.direction = _DIRECTION[word]
        return
    amount = INLINE_AMOUNT.search(cell.text)
    pct = _PERCENT_CELL.search(cell.text)
    cell_periods = [p for _, _, p in find_periods(cell.text, ctx.calendar)]
    cell_period = cell_periods[-1] if cell_periods else None
    if amount:
        reading.last_amount = _inline_amount(reading, cell, amount, cell_period, layout, ctx)
        figures.append(reading.last_amount)
        reading.direction = 1
    elif pct:
        figures.append(_inline_percent(reading, cell, pct, cell_period, layout, ctx))
        reading.direction = 1
    elif NUMBER_TOKEN.search(cell.text) and not re.fullmatch(
        r"yoy\W*[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]*", word
    ):
        row = reading.row
        issues.append(
            Issue(
                ctx.document_id,
                "warning",
                "inline_cell_unparsed",
                f"line {row.line_number}: cell {cell.text!r} not understood",
                row.line_number,
            )
        )


def _inline_cell_context(
    reading: _InlineRow, cell: Cell, layout: Layout, ctx: DocContext
) -> dict[str, object]:
    """What every figure of an inline cell shares: its document, row and cell."""
    row = reading.row
    return {
        "document_id": ctx.document_id,
        "sequence": 0,
        "section_kind": reading.kind,
        "block_index": layout.block.index,
        "block_title": layout.title,
        "row_label": row.label,
        "item_label": reading.label,
        "label_path": (),
        "column_header": None,
        "column_index": row.cells.index(cell),
        "member": None,
    }


def _decimals_printed(number: str) -> int:
    """How many decimals a printed number has ("53.0" -> 1)."""
    return len(number.split(".")[1]) if "." in number else 0


def _inline_amount(
    reading: _InlineRow,
    cell: Cell,
    amount: re.Match[str],
    cell_period: Period | None,
    layout: Layout,
    ctx: DocContext,
) -> Figure:
    """The figure of an amount in a highlights cell; an amount of a forecast row takes the
    row's next forecast marker unless the cell names its own period."""
    scale = scale_of_word(amount["scale"])
    unit = (
        reading.row_unit
        or unit_of_label(reading.label)
        or Unit("JPY" if amount["cur"].upper() != "US$" else "USD", scale)
    )
    unit = Unit(unit.unit, scale if unit.unit in ("JPY", "USD") else 0)
    markers = reading.markers
    status, announced = (
        markers[reading.amount_index]
        if reading.amount_index < len(markers) and cell_period is None
        else (None, None)
    )
    reading.amount_index += 1
    amount_period = cell_period or reading.period
    scenario, status, announced = _amount_scenario(
        status, announced, cell_period, amount_period, ctx
    )
    number = Decimal(amount["num"].replace(",", ""))
    return Figure(
        **_inline_cell_context(reading, cell, layout, ctx),
        period=amount_period,
        scenario=scenario,
        forecast_status=status,
        forecast_announced_on=announced,
        measure=Measure.VALUE,
        unit=unit.unit,
        scale=unit.scale,
        decimals=xbrl_decimals(_decimals_printed(amount["num"]), unit.scale),
        raw_text=cell.text,
        value=to_base_units(number, unit.scale),
        line_number=reading.row.line_number,
        char_start=cell.start + amount.start("num"),
        char_end=cell.start + amount.end("num"),
        flags=tuple(reading.label_flags + reading.qualifier_flags),
    )


def _amount_scenario(
    status: str | None,
    announced: dt.date | None,
    cell_period: Period | None,
    amount_period: Period | None,
    ctx: DocContext,
) -> tuple[str, str | None, dt.date | None]:
    """An inline amount's scenario, forecast status and announcement date: a forecast when
    a marker ("Revised", "Original") applies to it or its period ends after the release.
    An original forecast was announced when the release says, a revised one by it."""
    scenario = (
        "forecast"
        if (
            (status is not None and cell_period is None)
            or (amount_period and ctx.published_on and amount_period.end > ctx.published_on)
        )
        else "actual"
    )
    if scenario != "forecast":
        return scenario, None, None
    if status == "original" and announced is None:
        announced = ctx.original_forecast_announced_on
    announced = announced or (ctx.published_on if status != "original" else None)
    return scenario, status, announced


def _inline_percent(
    reading: _InlineRow,
    cell: Cell,
    pct: re.Match[str],
    cell_period: Period | None,
    layout: Layout,
    ctx: DocContext,
) -> Figure:
    """The figure of a percentage in a highlights cell: the change of the amount before it
    where the row speaks of a change ("up", "YoY"), else a ratio of its own."""
    row = reading.row
    base = reading.last_amount
    is_change = (
        reading.direction != 1
        or any(c.text.lower() in _DIRECTION for c in row.values)
        or any(c.text.lower().startswith("yoy") for c in row.values)
    )
    percent_period = base.period if base else reading.period
    scenario, status, announced = (
        (base.scenario, base.forecast_status, base.forecast_announced_on)
        if base
        else ("actual", None, None)
    )
    measure, anchor = Measure.CHANGE_PERCENT, base
    if not is_change:
        # a percentage with no direction is a ratio of its own (equity ratio)
        measure, anchor = Measure.RATIO, None
        scenario, status, announced = "actual", None, None
        percent_period = _ratio_period(cell_period or reading.period, reading.label, ctx)
    return Figure(
        **_inline_cell_context(reading, cell, layout, ctx),
        period=percent_period,
        scenario=scenario,
        forecast_status=status,
        forecast_announced_on=announced,
        measure=measure,
        unit="percent",
        scale=0,
        decimals=_decimals_printed(pct["num"]),
        raw_text=cell.text,
        value=Decimal(pct["num"]) * reading.direction,
        line_number=row.line_number,
        char_start=cell.start + pct.start("num"),
        char_end=cell.start + pct.end("num"),
        flags=tuple(reading.label_flags),
        anchor=anchor,
    )


def _ratio_period(period: Period | None, label: str, ctx: DocContext) -> Period | None:
    """The period of a ratio: a balance-sheet ratio ("equity ratio") is measured at the
    period's end."""
    if period is not None and not period.is_instant and _BALANCE_SHEET_WORD.search(label):
        return ctx.calendar.describe(None, period.end) if ctx.calendar else Period(end=period.end)
    return period
