"""Read what the report needs from the published warehouse, read-only, into plain objects.

Values stay :class:`~decimal.Decimal` as DuckDB returns them from ``DECIMAL(38,6)``. Only
the latest report of each fact (``is_latest``) is read: the report shows what the warehouse
currently believes, not every restatement.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from reporting import sql

T = TypeVar("T")

# The marts the report reads; a file without them was not built by this project's pipeline.
REQUIRED_MARTS = (
    "dim_companies",
    "dim_documents",
    "dim_periods",
    "dim_segments",
    "dim_line_items",
    "dim_kpis",
    "fct_financial_facts",
    "fct_kpis",
)


class ReportError(Exception):
    """A problem the person running the report can fix; the message says how."""


@dataclass(frozen=True)
class Company:
    """One issuer (marts.dim_companies)."""

    company_id: str
    name: str
    exchange: str | None
    stock_code: str | None
    fiscal_year_end_month: int | None
    fiscal_year_end_day: int | None

    @property
    def fiscal_year_end(self) -> str:
        """'31 March', or '' when unknown."""
        if not self.fiscal_year_end_month:
            return ""
        day = f"{self.fiscal_year_end_day} " if self.fiscal_year_end_day else ""
        return f"{day}{calendar.month_name[self.fiscal_year_end_month]}"


@dataclass(frozen=True)
class Document:
    """One document version (marts.dim_documents)."""

    document_id: str
    company_id: str | None
    file_name: str
    version_number: int
    is_latest_version: bool
    title: str | None
    published_on: date | None
    period_start: date | None
    period_end: date | None
    fiscal_year: int | None
    fiscal_period: str | None
    status: str
    status_reason: str | None
    figure_count: int | None
    unparsed_token_count: int | None


@dataclass(frozen=True)
class Period:
    """A period as one company's fiscal calendar reads it (marts.dim_periods)."""

    period_id: str
    period_type: str
    start: date | None
    end: date
    length_months: int | None
    fiscal_year: int | None
    fiscal_period: str | None
    company_id: str | None = None

    @property
    def label(self) -> str:
        """'1H FY2021' ('FY2021' for a whole year) for a duration, '30 Sep 2021' for an
        instant; the dates for a duration off the fiscal grid."""
        if self.start is None:
            return f"{self.end.day} {self.end:%b %Y}"
        if self.fiscal_period and self.fiscal_year is not None:
            prefix = "" if self.fiscal_period == "FY" else f"{self.fiscal_period} "
            return f"{prefix}FY{self.fiscal_year}"
        return self.span

    @property
    def span(self) -> str:
        """'Apr 2021 - Sep 2021' (an en dash) for a duration; 'end of Q2 FY2021' for an instant."""
        if self.start is None:
            if self.fiscal_period and self.fiscal_year is not None:
                return f"end of {self.fiscal_period} FY{self.fiscal_year}"
            return ""
        return f"{self.start:%b %Y} \u2013 {self.end:%b %Y}"

    @property
    def sort_key(self) -> tuple[date, date]:
        """Chronological: by end, then the longer period first."""
        return (self.end, self.start or self.end)


@dataclass(frozen=True)
class Segment:
    """A member of the segment axis (marts.dim_segments)."""

    segment_id: str
    parent_segment_id: str | None
    label: str
    segment_type: str
    presentation_order: int


@dataclass(frozen=True)
class LineItem:
    """A canonical line item (marts.dim_line_items)."""

    line_item_id: str
    label: str
    statement: str
    unit_kind: str
    presentation_order: int


@dataclass(frozen=True)
class Fact:
    """The latest report of one figure (marts.fct_financial_facts, ``is_latest``)."""

    fact_id: str
    company_id: str
    document_id: str
    line_item_id: str
    segment_id: str
    period_id: str
    scenario: str
    forecast_status: str | None
    forecast_announced_on: date | None
    measure: str
    unit: str
    value: Decimal


@dataclass(frozen=True)
class Kpi:
    """A KPI definition (marts.dim_kpis)."""

    kpi_id: str
    label: str
    numerator_line_item_id: str | None
    denominator_line_item_id: str | None
    unit: str
    definition: str | None


@dataclass(frozen=True)
class KpiValue:
    """One computed KPI value (marts.fct_kpis)."""

    kpi_id: str
    company_id: str
    line_item_id: str | None
    segment_id: str
    period_id: str
    value: Decimal
    unit: str
    input_fact_ids: tuple[str, ...]


@dataclass
class WarehouseData:
    """Everything the report reads, indexed for lookup."""

    path: Path
    companies: list[Company]
    documents: list[Document]
    periods: dict[tuple[str, str], Period]
    segments: dict[str, Segment]
    line_items: dict[str, LineItem]
    kpis: dict[str, Kpi]
    facts: list[Fact]
    kpi_values: list[KpiValue]
    facts_by_id: dict[str, Fact] = field(init=False)

    def __post_init__(self) -> None:
        self.facts_by_id = {fact.fact_id: fact for fact in self.facts}

    def period(self, company_id: str, period_id: str) -> Period:
        """The company's reading of a period (marts.dim_periods holds every period a fact or
        KPI of the company has: a relationships test of the marts says so)."""
        found = self.periods.get((company_id, period_id))
        if found is None:
            raise KeyError(
                f"period {period_id!r} of company {company_id!r} is not in marts.dim_periods; "
                "the warehouse was not built by this version of the project: run `make run`."
            )
        return found

    def segment(self, segment_id: str) -> Segment:
        """The segment, or a stand-in labelled with its id if dim_segments lacks it."""
        found = self.segments.get(segment_id)
        if found is not None:
            return found
        return Segment(segment_id, None, segment_id, "unmapped", 10**6)

    def line_item_label(self, line_item_id: str) -> str:
        """The standard label of a line item, or its id."""
        item = self.line_items.get(line_item_id)
        return item.label if item else line_item_id


def _rows(
    con: duckdb.DuckDBPyConnection, query: str, parameters: list[Any] | None = None
) -> Iterable[dict[str, Any]]:
    cursor = con.execute(query, parameters)
    names = [column[0] for column in cursor.description]
    for row in cursor.fetchall():
        yield dict(zip(names, row, strict=True))


def load_warehouse(path: Path) -> WarehouseData:
    """Read the marts of the warehouse at ``path`` (read-only).

    Raises :class:`ReportError` when the file is missing or lacks the marts.
    """
    if not path.exists():
        raise ReportError(f"no warehouse at {path}; run `make run` first to build and publish it")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open the warehouse at {path} read-only: {error}") from error
    try:
        present = {
            row["table_name"]
            for row in _rows(
                con,
                "select table_name from information_schema.tables where table_schema = 'marts'",
            )
        }
        missing = [name for name in REQUIRED_MARTS if name not in present]
        if missing:
            raise ReportError(
                f"the warehouse at {path} has no marts.{', marts.'.join(missing)}; "
                "it was not published by this project's pipeline: run `make run`"
            )
        return _read(con, path)
    finally:
        con.close()


# For a dimension row without a presentation order: last.
UNORDERED = 10**6


def _load(
    con: duckdb.DuckDBPyConnection, cls: type[T], name: str, parameters: list[Any] | None = None
) -> list[T]:
    """Rows of the query ``reporting/sql/<name>.sql`` (bound to ``parameters``) as ``cls``
    objects: the query names its columns as the fields."""
    return [cls(**row) for row in _rows(con, sql.load(name), parameters)]


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> WarehouseData:
    companies = _load(con, Company, "companies")
    documents = _load(con, Document, "documents")
    periods = _load(con, Period, "periods")
    # $1 of both: the order of a row without a presentation order
    segments = _load(con, Segment, "segments", [UNORDERED])
    line_items = _load(con, LineItem, "line_items", [UNORDERED])
    kpis = _load(con, Kpi, "kpis")
    facts = _load(con, Fact, "facts")
    kpi_values = _load(con, KpiValue, "kpi_values")
    return WarehouseData(
        path,
        companies,
        documents,
        {(p.company_id, p.period_id): p for p in periods},
        {s.segment_id: s for s in segments},
        {i.line_item_id: i for i in line_items},
        {k.kpi_id: k for k in kpis},
        facts,
        [replace(v, input_fact_ids=tuple(i for i in v.input_fact_ids if i)) for v in kpi_values],
    )
