"""Headings over the same rows are members (segments), other headings stay parents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extraction.models import Figure, Measure, Period, SectionKind
from extraction.tables import members_from_repeated_headings


def _figure(heading: str, label: str, sequence: int) -> Figure:
    return Figure(
        document_id="d",
        sequence=sequence,
        section_kind=SectionKind.PROFIT_OR_LOSS,
        block_index=0,
        block_title=None,
        row_label=label,
        item_label=label,
        label_path=(heading,),
        column_header=None,
        column_index=1,
        member=None,
        period=Period(end=dt.date(2030, 6, 30), start=dt.date(2030, 4, 1)),
        scenario="actual",
        forecast_status=None,
        forecast_announced_on=None,
        measure=Measure.VALUE,
        unit="USD",
        scale=6,
        decimals=-6,
        raw_text="1",
        value=Decimal(1),
        line_number=sequence,
        char_start=0,
        char_end=1,
    )


def _table(rows: list[tuple[str, str]]) -> list[Figure]:
    return [_figure(heading, label, n) for n, (heading, label) in enumerate(rows, start=1)]


def test_headings_over_the_same_rows_become_members() -> None:
    figures = _table(
        [
            ("Sensors:", "Revenue"),
            ("Sensors:", "Operating profit"),
            ("Controls:", "Revenue"),
            ("Controls:", "Operating profit *"),  # a footnote mark does not make it another row
        ]
    )
    members_from_repeated_headings(figures)
    assert [(f.member, f.label_path) for f in figures] == [
        ("Sensors", ()),
        ("Sensors", ()),
        ("Controls", ()),
        ("Controls", ()),
    ]


def test_headings_over_different_rows_stay_parents() -> None:
    figures = _table(
        [
            ("Current assets:", "Cash"),
            ("Current assets:", "Other"),
            ("Non-current assets:", "Goodwill"),
            ("Non-current assets:", "Other"),
        ]
    )
    members_from_repeated_headings(figures)
    assert all(f.member is None and f.label_path for f in figures)


def test_a_heading_that_opens_a_breakdown_is_no_member() -> None:
    figures = _table(
        [
            ("Profit for the year attributable to:", "Owners of the parent"),
            ("Profit for the year attributable to:", "Non-controlling interests"),
            ("Comprehensive income attributable to:", "Owners of the parent"),
            ("Comprehensive income attributable to:", "Non-controlling interests"),
        ]
    )
    members_from_repeated_headings(figures)
    assert all(f.member is None for f in figures)
