"""The extractor against fixtures with hand-written truth, the bundled release and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import (
    DocumentStatus,
    Measure,
    SectionKind,
    TokenStatus,
    extract_bytes,
    extract_file,
)
from extraction.numbers import is_nil
from extraction.schema import rows_for

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "data" / "disclosures" / "iij_2021-11-05_1H21_earnings_release.txt"
sys.path.insert(0, str(FIXTURES))

import make_bad_inputs  # noqa: E402
import make_relaid  # noqa: E402


def _period_fields(figure) -> dict[str, str]:
    period = figure.period
    if period is None:
        return {"period_type": "", "period_start": "", "period_end": ""}
    return {
        "period_type": "instant" if period.is_instant else "duration",
        "period_start": str(period.start) if period.start else "",
        "period_end": str(period.end),
    }


def _compare_with_truth(result, truth_path: Path, line_offset: int = 0) -> list[str]:
    """Every printed figure of the truth file must be extracted with the same context."""
    problems: list[str] = []
    unmatched = list(result.figures)
    with truth_path.open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if not is_nil(r["raw_text"])]
    for row in rows:
        line = int(row["line_number"]) + line_offset
        value = Decimal(row["value"])
        match = next((f for f in unmatched if f.line_number == line and f.value == value), None)
        if match is None:
            problems.append(f"line {line}: {row['row_label']} {row['raw_text']} not extracted")
            continue
        unmatched.remove(match)
        got = {
            **_period_fields(match),
            "scenario": match.scenario,
            "unit": match.unit,
            "scale": str(match.scale),
            "measure": str(match.measure),
        }
        for key, value_got in got.items():
            if row[key] != value_got:
                problems.append(
                    f"line {line} {row['raw_text']}: {key} {value_got!r} != {row[key]!r}"
                )
    problems.extend(
        f"line {f.line_number}: extra figure {f.raw_text!r} ({f.item_label})" for f in unmatched
    )
    return problems


@pytest.mark.parametrize("name", ["iij_q1_highlights_only", "acme_fy2022_full_year"])
def test_fixture_figures_match_truth(name: str) -> None:
    result = extract_file(FIXTURES / "disclosures" / f"{name}.txt")
    assert result.document.status == DocumentStatus.EXTRACTED
    assert _compare_with_truth(result, FIXTURES / "disclosures" / f"{name}.truth.csv") == []
    assert not [t for t in result.tokens if t.status == TokenStatus.UNPARSED]


def test_december_year_end_company_metadata() -> None:
    doc = extract_file(FIXTURES / "disclosures" / "acme_fy2022_full_year.txt").document
    assert (doc.fiscal_year_end_month, doc.fiscal_year_end_day) == (12, 31)
    assert doc.period is not None
    assert (doc.period.start, doc.period.end) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert doc.period.label == "FY"
    assert doc.company_name == "Northwind Robotics Corporation"
    assert doc.stock_code == "4821"


def test_first_quarter_release_period_and_targets() -> None:
    result = extract_file(FIXTURES / "disclosures" / "iij_q1_highlights_only.txt")
    doc = result.document
    assert doc.period is not None and doc.period.label == "Q1"
    assert (doc.period.start, doc.period.end) == (dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    forecasts = [f for f in result.figures if f.scenario == "forecast"]
    assert forecasts
    assert {f.period.end for f in forecasts} == {dt.date(2024, 3, 31)}
    assert {f.forecast_announced_on for f in forecasts if f.measure == Measure.VALUE} == {
        dt.date(2023, 5, 12)
    }


def test_relaid_release_gives_the_same_figures(tmp_path: Path) -> None:
    """Spaces instead of tabs and CRLF endings change nothing the extractor reports."""
    bundled = extract_file(BUNDLED)
    relaid = extract_file(make_relaid.write_relaid(tmp_path))

    def key(f):
        return (f.line_number, f.value, f.period, f.unit, f.scale, f.measure, f.scenario)

    assert Counter(map(key, relaid.figures)) == Counter(map(key, bundled.figures))
    assert not [t for t in relaid.tokens if t.status == TokenStatus.UNPARSED]


def test_bundled_ledger_closes_with_nothing_unparsed() -> None:
    result = extract_file(BUNDLED)
    statuses = Counter(t.status for t in result.tokens)
    assert statuses[TokenStatus.UNPARSED] == 0
    assert statuses[TokenStatus.FIGURE] == len(result.figures)
    assert sum(statuses.values()) == len(result.tokens)
    assert all(t.reason for t in result.tokens if t.status == TokenStatus.IGNORED)
    assert {t.figure_id for t in result.tokens if t.status == TokenStatus.FIGURE} == {
        f.figure_id for f in result.figures
    }


def test_bundled_every_figure_has_context() -> None:
    result = extract_file(BUNDLED)
    assert result.document.status == DocumentStatus.EXTRACTED
    for figure in result.figures:
        assert figure.period is not None, figure
        assert figure.unit != "unknown", figure
        assert figure.value is not None or "truncated" in figure.flags, figure


def test_bundled_sections_detected() -> None:
    kinds = {f.section_kind for f in extract_file(BUNDLED).figures}
    expected = {
        SectionKind.HIGHLIGHTS, SectionKind.TARGETS, SectionKind.OPERATING_RESULTS_SUMMARY,
        SectionKind.SEGMENT_RESULTS_SUMMARY, SectionKind.REVENUE_BREAKDOWN,
        SectionKind.CONTRACT_COUNTS, SectionKind.FINANCIAL_POSITION,
        SectionKind.FINANCIAL_POSITION_SUMMARY, SectionKind.PROFIT_OR_LOSS,
        SectionKind.PROFIT_OR_LOSS_QUARTER, SectionKind.COMPREHENSIVE_INCOME,
        SectionKind.COMPREHENSIVE_INCOME_QUARTER, SectionKind.CHANGES_IN_EQUITY,
        SectionKind.CASH_FLOWS, SectionKind.SEGMENT_INFORMATION, SectionKind.DIVIDENDS,
        SectionKind.PER_SHARE, SectionKind.NARRATIVE,
    }  # fmt: skip
    assert expected <= kinds


def _values(result, kind: SectionKind, label: str) -> dict[dt.date, Decimal]:
    return {
        f.period.end: f.value
        for f in result.figures
        if f.section_kind == kind and f.item_label == label and f.measure == Measure.VALUE
    }


def test_bundled_statement_identities_hold() -> None:
    """Extracted statements satisfy the accounting identities: the numbers are read right."""
    result = extract_file(BUNDLED)
    sofp = SectionKind.FINANCIAL_POSITION
    assets = _values(result, sofp, "Total assets")
    liabilities = _values(result, sofp, "Total liabilities")
    equity = _values(result, sofp, "Total equity")
    both = _values(result, sofp, "Total liabilities and equity")
    assert len(assets) == 2
    for day, total in assets.items():
        assert total == liabilities[day] + equity[day] == both[day]
    pl = SectionKind.PROFIT_OR_LOSS
    revenue = _values(result, pl, "Total revenues")
    cost = _values(result, pl, "Total cost of sales")
    gross = _values(result, pl, "Gross Profit")
    for day in revenue:
        assert revenue[day] + cost[day] == gross[day]  # costs are printed negative
    cf = SectionKind.CASH_FLOWS
    closing = _values(result, cf, "Cash and cash equivalents, end of the period")
    cash = _values(result, sofp, "Cash and cash equivalents")
    common = set(closing) & set(cash)
    assert common and all(closing[d] == cash[d] for d in common)


def test_label_paths_tell_repeated_labels_apart() -> None:
    result = extract_file(BUNDLED)
    paths = {
        f.label_path
        for f in result.figures
        if f.section_kind == SectionKind.OPERATING_RESULTS_SUMMARY
        and f.item_label == "Network services"
    }
    assert len(paths) == 3  # under revenues, costs and gross profit
    oci_total = [
        f
        for f in result.figures
        if f.section_kind == SectionKind.COMPREHENSIVE_INCOME
        and f.row_label == "Other comprehensive income"
    ]
    # the mislabelled total comprehensive income stands at the top level, apart from OCI lines
    assert {f.label_path for f in oci_total} >= {()}


def test_truncated_cells_are_flagged_not_guessed() -> None:
    truncated = [f for f in extract_file(BUNDLED).figures if "truncated" in f.flags]
    assert truncated
    assert all(f.value is None and f.raw_text.rstrip().endswith(".") for f in truncated)


def test_scales_and_units_are_base_units() -> None:
    result = extract_file(BUNDLED)
    for figure in result.figures:
        if figure.value is None or figure.unit != "JPY":
            continue
        number = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", figure.raw_text).group()
        printed = Decimal(number.replace(",", ""))
        assert abs(figure.value) == printed.scaleb(figure.scale), figure


@pytest.mark.parametrize(
    ("writer", "status", "words"),
    [
        ("write_empty", DocumentStatus.FAILED, "empty"),
        ("write_binary", DocumentStatus.FAILED, "binary"),
        ("write_no_tables", DocumentStatus.FAILED, "no figures"),
        ("write_truncated", DocumentStatus.PARTIAL, "truncated"),
    ],
)
def test_bad_input_gets_a_status_and_a_message_naming_file_and_place(
    tmp_path: Path, writer: str, status: DocumentStatus, words: str
) -> None:
    path = getattr(make_bad_inputs, writer)(tmp_path)
    doc = extract_file(path).document
    assert doc.status == status
    assert doc.error_message and path.name in doc.error_message and words in doc.error_message
    assert doc.error_line is not None


def test_other_encodings_are_read(tmp_path: Path) -> None:
    utf16 = extract_file(make_bad_inputs.write_utf16(tmp_path))
    assert utf16.document.encoding == "utf-16"
    assert len(utf16.figures) == len(extract_file(BUNDLED).figures)
    sjis = extract_file(make_bad_inputs.write_shift_jis(tmp_path))
    assert sjis.document.encoding == "cp932"
    truth = FIXTURES / "disclosures" / "iij_q1_highlights_only.truth.csv"
    assert _compare_with_truth(sjis, truth, line_offset=3) == []


def test_same_bytes_give_the_same_rows() -> None:
    data = BUNDLED.read_bytes()
    first = rows_for(extract_bytes(data, BUNDLED.name), "test")
    second = rows_for(extract_bytes(data, BUNDLED.name), "test")
    assert first == second
    changed = extract_bytes(data + b"\n", BUNDLED.name)
    assert changed.document.document_id != first["documents"][0][0]


def test_share_basis_around_a_stock_split() -> None:
    result = extract_file(BUNDLED)
    doc = result.document
    assert doc.stock_split_ratio == 2
    assert doc.stock_split_effective_on == dt.date(2021, 1, 1)
    per_share = [f for f in result.figures if f.unit in ("JPY/share", "shares")]
    assert per_share
    assert all(any(flag.startswith("share_basis:") for flag in f.flags) for f in per_share)
    pre_split = [f for f in per_share if "share_basis:pre_split" in f.flags]
    # only the interim dividend the notes call "the amount before the stock split"
    assert [(f.member, f.period.end) for f in pre_split] == [("2Q-end", dt.date(2021, 3, 31))]


def test_no_split_no_share_basis() -> None:
    result = extract_file(FIXTURES / "disclosures" / "acme_fy2022_full_year.txt")
    assert result.document.stock_split_ratio is None
    assert not [f for f in result.figures if any("share_basis" in x for x in f.flags)]
