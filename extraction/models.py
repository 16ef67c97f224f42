"""Records the extractor produces: documents, figures, tokens and issues.

These are plain dataclasses so the package stays free of Dagster, dbt and DuckDB; the
column order and types of the raw tables come from ``extraction.schema``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class SectionKind(StrEnum):
    """What a block of the release is, detected from its content."""

    HIGHLIGHTS = "highlights"
    TARGETS = "targets"
    OPERATING_RESULTS_SUMMARY = "operating_results_summary"
    SEGMENT_RESULTS_SUMMARY = "segment_results_summary"
    REVENUE_BREAKDOWN = "revenue_breakdown"
    CONTRACT_COUNTS = "contract_counts"
    FINANCIAL_POSITION = "financial_position"
    FINANCIAL_POSITION_SUMMARY = "financial_position_summary"
    PROFIT_OR_LOSS = "profit_or_loss"
    PROFIT_OR_LOSS_QUARTER = "profit_or_loss_quarter"
    COMPREHENSIVE_INCOME = "comprehensive_income"
    COMPREHENSIVE_INCOME_QUARTER = "comprehensive_income_quarter"
    CHANGES_IN_EQUITY = "changes_in_equity"
    CASH_FLOWS = "cash_flows"
    SEGMENT_INFORMATION = "segment_information"
    DIVIDENDS = "dividends"
    PER_SHARE = "per_share"
    SHARE_COUNTS = "share_counts"
    NARRATIVE = "narrative"
    UNKNOWN_TABLE = "unknown_table"


class Measure(StrEnum):
    """What a figure measures relative to its line item."""

    VALUE = "value"  # the line item's amount for the period
    CHANGE = "change"  # absolute change against a comparative period
    CHANGE_PERCENT = "change_percent"  # change against a comparative, in percent
    RATIO = "ratio"  # a ratio printed as a percentage (margin, equity ratio, share)


class TokenStatus(StrEnum):
    FIGURE = "figure"
    IGNORED = "ignored"
    UNPARSED = "unparsed"


class DocumentStatus(StrEnum):
    EXTRACTED = "extracted"  # read and parsed; figures may still carry flags
    PARTIAL = "partial"  # read, but the text stops early (truncated); figures before it kept
    FAILED = "failed"  # could not be read or holds no recognizable release


@dataclass(frozen=True, slots=True)
class Period:
    """An instant (``start`` is None) or a duration, with its fiscal label."""

    end: dt.date
    start: dt.date | None = None
    label: str | None = None  # e.g. "1H", "Q1", "9M", "FY", "Q2" (three months)
    fiscal_year: int | None = None

    @property
    def is_instant(self) -> bool:
        return self.start is None


@dataclass(slots=True)
class Document:
    document_id: str
    file_name: str
    sha256: str
    size_bytes: int
    status: DocumentStatus
    encoding: str | None = None
    line_count: int = 0
    company_name: str | None = None
    exchange: str | None = None
    stock_code: str | None = None
    title: str | None = None
    published_on: dt.date | None = None
    fiscal_year_end_month: int | None = None
    fiscal_year_end_day: int | None = None
    period: Period | None = None
    currency: str | None = None  # ISO 4217 code of most of its money figures
    stock_split_ratio: Decimal | None = None  # new shares per old share, if a split is reported
    stock_split_effective_on: dt.date | None = None
    error_message: str | None = None
    error_line: int | None = None


@dataclass(slots=True)
class Figure:
    document_id: str
    sequence: int
    section_kind: SectionKind
    block_index: int
    block_title: str | None
    row_label: str  # the row's label as printed
    item_label: str  # what the figure is: the row label, or the column header of a
    # transposed table whose rows are periods
    label_path: tuple[str, ...]
    column_header: str | None
    column_index: int | None
    member: str | None  # a non-period column or row member, e.g. a segment
    period: Period | None
    scenario: str  # "actual" | "forecast"
    forecast_status: str | None  # "original" | "revised" | None
    forecast_announced_on: dt.date | None
    measure: Measure
    unit: str  # JPY, JPY/share, shares, count, Gbps, percent
    scale: int  # power of ten the printed number is multiplied by
    decimals: int | None  # XBRL precision of the printed number
    raw_text: str
    value: Decimal | None  # base units; None where the cell is flagged unrecoverable
    line_number: int
    char_start: int
    char_end: int
    flags: tuple[str, ...] = ()
    # the figure whose subject this one describes: "up 7.3% YoY" or "(JPY101,665 million
    # for 1H20)" describe the amount before them in the sentence
    anchor: Figure | None = None

    @property
    def figure_id(self) -> str:
        return f"{self.document_id}:{self.sequence:05d}"


@dataclass(slots=True)
class Token:
    document_id: str
    token_index: int
    line_number: int
    char_start: int
    char_end: int
    text: str
    status: TokenStatus
    reason: str | None = None
    figure_id: str | None = None


@dataclass(slots=True)
class Issue:
    document_id: str
    severity: str  # "error" | "warning"
    code: str
    message: str
    line_number: int | None = None


@dataclass(slots=True)
class ExtractionResult:
    document: Document
    figures: list[Figure] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
