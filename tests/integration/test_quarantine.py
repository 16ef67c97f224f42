"""Documents that break an accounting identity are quarantined with a reason naming the
identity, the period and the difference; the other documents publish. One pipeline run for
the module: the bundled release with a statement of financial position that no longer
balances, a copy of the full-year fixture whose segments no longer add up to the
consolidated revenue, and the fixture itself, intact."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import PipelineSummary, run_pipeline

pytestmark = pytest.mark.integration

FIXTURE = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures" / "acme_fy2022_full_year.txt"
SEGMENT_BROKEN_NAME = "acme_fy2022_full_year_segments_off.txt"
BUNDLED_NAME = "iij_2021-11-05_1H21_earnings_release.txt"


@dataclass(frozen=True)
class Breakage:
    """What a test changed in a release: the period it broke and by how many yen."""

    period_end: str  # ISO date
    difference_yen: int


@dataclass(frozen=True)
class QuarantineRun:
    summary: PipelineSummary
    warehouse: Path
    unbalanced: Breakage
    segments_off: Breakage


DATE = re.compile(r"[A-Z][a-z]+ \d{1,2}, \d{4}")


def _last_date_above(lines: list[str], index: int) -> str:
    """The last date (ISO) printed on the nearest line above ``lines[index]`` that prints
    one: a table's period header or caption."""
    header = next(row for row in reversed(lines[:index]) if DATE.search(row))
    return datetime.strptime(DATE.findall(header)[-1], "%B %d, %Y").date().isoformat()


def _break_financial_position(path: Path) -> Breakage:
    """Change the latest total assets of the statement of financial position."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, row in enumerate(lines) if row.startswith("Total assets\t"))
    line = lines[index]
    printed = [cell for cell in line.split("\t") if cell][-1]  # the latest period's total
    lines[index] = line.replace(printed, printed[:-3] + "999")
    assert lines[index] != line
    path.write_text("\n".join(lines), encoding="utf-8")
    return Breakage(
        period_end=_last_date_above(lines, index),
        # the statement is in thousands of yen
        difference_yen=(999 - int(printed[-3:])) * 1000,
    )


def _break_segment_revenue(source: Path, target: Path) -> Breakage:
    """Copy ``source`` with the first reportable segment's total revenue raised by 10 in the
    first segment table (millions of yen), so segments + adjustments exceed consolidated."""
    lines = source.read_text(encoding="utf-8").split("\n")
    # a segment table's "Total revenue" row has a cell per member (segments, adjustments,
    # consolidated); the statement of profit or loss's has one per period
    index = next(
        i
        for i, row in enumerate(lines)
        if row.startswith("Total revenue") and len(re.split(r"\s{2,}", row.strip())) == 5
    )
    cell = re.match(r"Total revenue\s+([\d,]+)", lines[index])
    raised = f"{int(cell.group(1).replace(',', '')) + 10:,}"
    lines[index] = lines[index][: cell.start(1)] + raised + lines[index][cell.end(1) :]
    target.write_text("\n".join(lines), encoding="utf-8")
    return Breakage(period_end=_last_date_above(lines, index), difference_yen=-10 * 1_000_000)


@pytest.fixture(scope="module")
def quarantine_run(pipeline_workspace: Path) -> QuarantineRun:
    disclosures = settings.disclosures_dir()
    unbalanced = _break_financial_position(disclosures / BUNDLED_NAME)
    segments_off = _break_segment_revenue(FIXTURE, disclosures / SEGMENT_BROKEN_NAME)
    (disclosures / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    summary = run_pipeline()
    assert summary.success, summary.render()
    return QuarantineRun(summary, settings.warehouse_path(), unbalanced, segments_off)


def _document(warehouse: Path, file_name: str) -> tuple[str, str, int, set[tuple[str, str]]]:
    """Status, reason, published fact count and (check, period) failures of a document."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(document_id, status, reason)] = con.execute(
            "select document_id, status, status_reason from marts.dim_documents "
            "where file_name = ?",
            [file_name],
        ).fetchall()
        [(facts,)] = con.execute(
            "select count(*) from marts.fct_financial_facts where document_id = ?", [document_id]
        ).fetchall()
        failures = con.execute(
            "select check_name, period_id from marts.fct_check_failures where document_id = ?",
            [document_id],
        ).fetchall()
    return status, reason, facts, set(failures)


def test_the_other_documents_publish(quarantine_run: QuarantineRun) -> None:
    with duckdb.connect(str(quarantine_run.warehouse), read_only=True) as con:
        statuses = dict(con.execute("select file_name, status from marts.dim_documents").fetchall())
    assert statuses == {
        BUNDLED_NAME: "quarantined",
        SEGMENT_BROKEN_NAME: "quarantined",
        FIXTURE.name: "published",
    }
    status, reason, facts, failures = _document(quarantine_run.warehouse, FIXTURE.name)
    assert (status, reason, failures) == ("published", None, set())
    assert facts > 0
    assert set(quarantine_run.summary.quarantined) == {BUNDLED_NAME, SEGMENT_BROKEN_NAME}


def test_unbalanced_document_is_quarantined(quarantine_run: QuarantineRun) -> None:
    status, reason, facts, failures = _document(quarantine_run.warehouse, BUNDLED_NAME)
    period_id = f"I{quarantine_run.unbalanced.period_end}"
    assert status == "quarantined"
    assert "assets_equal_liabilities_plus_equity" in reason
    assert period_id in reason
    assert str(quarantine_run.unbalanced.difference_yen) in reason.replace(",", "")
    assert facts == 0
    assert ("assets_equal_liabilities_plus_equity", period_id) in failures


def test_document_whose_segments_do_not_add_up_is_quarantined(
    quarantine_run: QuarantineRun,
) -> None:
    status, reason, facts, failures = _document(quarantine_run.warehouse, SEGMENT_BROKEN_NAME)
    breakage = quarantine_run.segments_off
    assert status == "quarantined"
    assert facts == 0
    # only the segment identity of the changed period breaks, and the reason says so
    [(check_name, period_id)] = failures
    assert check_name == "segments_plus_adjustments_equal_consolidated_revenue"
    assert period_id.startswith("D") and period_id.endswith(f"_{breakage.period_end}")
    assert f"{check_name} for {period_id}" in reason
    assert f"off by {breakage.difference_yen} yen" in reason
    assert SEGMENT_BROKEN_NAME in quarantine_run.summary.render()
