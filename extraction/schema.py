"""The raw tables: their columns and types, and the rows an extraction result becomes.

The column lists here are the single definition of the raw layer; the loader creates the
tables from them and the dbt sources describe the same columns.
"""

from __future__ import annotations

from typing import Any

from extraction.models import ExtractionResult, Figure, Token

LABEL_PATH_SEPARATOR = " > "

RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("document_id", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("sha256", "VARCHAR"),
        ("size_bytes", "BIGINT"),
        ("encoding", "VARCHAR"),
        ("line_count", "INTEGER"),
        ("company_name", "VARCHAR"),
        ("exchange", "VARCHAR"),
        ("stock_code", "VARCHAR"),
        ("title", "VARCHAR"),
        ("published_on", "DATE"),
        ("fiscal_year_end_month", "INTEGER"),
        ("fiscal_year_end_day", "INTEGER"),
        ("period_start", "DATE"),
        ("period_end", "DATE"),
        ("fiscal_year", "INTEGER"),
        ("fiscal_period", "VARCHAR"),
        ("stock_split_ratio", "DECIMAL(18, 6)"),
        ("stock_split_effective_on", "DATE"),
        ("status", "VARCHAR"),
        ("error_message", "VARCHAR"),
        ("error_line", "INTEGER"),
        ("figure_count", "INTEGER"),
        ("token_count", "INTEGER"),
        ("ignored_token_count", "INTEGER"),
        ("unparsed_token_count", "INTEGER"),
        ("parser_version", "VARCHAR"),
        ("currency", "VARCHAR"),
    ],
    "figures": [
        ("figure_id", "VARCHAR"),
        ("document_id", "VARCHAR"),
        ("sequence", "INTEGER"),
        ("section_kind", "VARCHAR"),
        ("block_index", "INTEGER"),
        ("block_title", "VARCHAR"),
        ("row_label", "VARCHAR"),
        ("item_label", "VARCHAR"),
        ("label_path", "VARCHAR"),
        ("column_header", "VARCHAR"),
        ("column_index", "INTEGER"),
        ("member", "VARCHAR"),
        ("period_type", "VARCHAR"),
        ("period_start", "DATE"),
        ("period_end", "DATE"),
        ("period_label", "VARCHAR"),
        ("fiscal_year", "INTEGER"),
        ("scenario", "VARCHAR"),
        ("forecast_status", "VARCHAR"),
        ("forecast_announced_on", "DATE"),
        ("measure", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("scale", "INTEGER"),
        ("decimals", "INTEGER"),
        ("raw_text", "VARCHAR"),
        ("value", "DECIMAL(38, 6)"),
        ("line_number", "INTEGER"),
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("flags", "VARCHAR"),
        ("anchor_figure_id", "VARCHAR"),
    ],
    "tokens": [
        ("document_id", "VARCHAR"),
        ("token_index", "INTEGER"),
        ("line_number", "INTEGER"),
        ("char_start", "INTEGER"),
        ("char_end", "INTEGER"),
        ("text", "VARCHAR"),
        ("status", "VARCHAR"),
        ("reason", "VARCHAR"),
        ("figure_id", "VARCHAR"),
    ],
    "extraction_issues": [
        ("document_id", "VARCHAR"),
        ("severity", "VARCHAR"),
        ("code", "VARCHAR"),
        ("message", "VARCHAR"),
        ("line_number", "INTEGER"),
    ],
}


def rows_for(result: ExtractionResult, parser_version: str) -> dict[str, list[tuple[Any, ...]]]:
    """Turn one extraction result into rows for each raw table, in column order."""
    return {
        "documents": [_document_row(result, parser_version)],
        "figures": [_figure_row(f) for f in result.figures],
        "tokens": [_token_row(t) for t in result.tokens],
        "extraction_issues": [
            (i.document_id, i.severity, i.code, i.message, i.line_number) for i in result.issues
        ],
    }


def _document_row(result: ExtractionResult, parser_version: str) -> tuple[Any, ...]:
    """The ``documents`` row of a result: the document with its period and token counts."""
    doc = result.document
    period = doc.period
    statuses = [t.status for t in result.tokens]
    return (
        doc.document_id,
        doc.file_name,
        doc.sha256,
        doc.size_bytes,
        doc.encoding,
        doc.line_count,
        doc.company_name,
        doc.exchange,
        doc.stock_code,
        doc.title,
        doc.published_on,
        doc.fiscal_year_end_month,
        doc.fiscal_year_end_day,
        period.start if period else None,
        period.end if period else None,
        period.fiscal_year if period else None,
        period.label if period else None,
        doc.stock_split_ratio,
        doc.stock_split_effective_on,
        str(doc.status),
        doc.error_message,
        doc.error_line,
        len(result.figures),
        len(result.tokens),
        sum(1 for s in statuses if s == "ignored"),
        sum(1 for s in statuses if s == "unparsed"),
        parser_version,
        doc.currency,
    )


def _figure_row(f: Figure) -> tuple[Any, ...]:
    """The ``figures`` row of a figure: its period spread over columns, its label path and
    flags joined, its anchor by id."""
    return (
        f.figure_id,
        f.document_id,
        f.sequence,
        str(f.section_kind),
        f.block_index,
        f.block_title,
        f.row_label,
        f.item_label,
        LABEL_PATH_SEPARATOR.join(f.label_path),
        f.column_header,
        f.column_index,
        f.member,
        None if f.period is None else ("instant" if f.period.is_instant else "duration"),
        f.period.start if f.period else None,
        f.period.end if f.period else None,
        f.period.label if f.period else None,
        f.period.fiscal_year if f.period else None,
        f.scenario,
        f.forecast_status,
        f.forecast_announced_on,
        str(f.measure),
        f.unit,
        f.scale,
        f.decimals,
        f.raw_text,
        f.value,
        f.line_number,
        f.char_start,
        f.char_end,
        ",".join(f.flags) or None,
        f.anchor.figure_id if f.anchor is not None else None,
    )


def _token_row(t: Token) -> tuple[Any, ...]:
    """The ``tokens`` row of a token."""
    return (
        t.document_id,
        t.token_index,
        t.line_number,
        t.char_start,
        t.char_end,
        t.text,
        str(t.status),
        t.reason,
        t.figure_id,
    )
