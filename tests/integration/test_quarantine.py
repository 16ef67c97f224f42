"""A release whose statement of financial position does not balance is quarantined with a
reason naming the identity, the period and the difference; the other documents publish."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import run_pipeline

pytestmark = pytest.mark.integration

FIXTURE = settings.PROJECT_ROOT / "tests" / "fixtures" / "disclosures" / "acme_fy2022_full_year.txt"
BUNDLED_NAME = "iij_2021-11-05_1H21_earnings_release.txt"


def test_unbalanced_document_is_quarantined_and_the_rest_publishes(
    pipeline_workspace: Path,
) -> None:
    disclosures = settings.disclosures_dir()
    bundled = disclosures / BUNDLED_NAME
    text = bundled.read_text(encoding="utf-8")
    # one number of the statement of financial position changed: it no longer balances
    line = next(row for row in text.split("\n") if row.startswith("Total assets\t"))
    printed = [cell for cell in line.split("\t") if cell][-1]  # the latest period's total
    changed = printed[:-3] + "999"
    difference_yen = (999 - int(printed[-3:])) * 1000  # the statement is in thousands of yen
    broken = line.replace(printed, changed)
    assert broken != line
    bundled.write_text(text.replace(line, broken), encoding="utf-8")
    (disclosures / FIXTURE.name).write_bytes(FIXTURE.read_bytes())

    summary = run_pipeline()
    assert summary.success, summary.render()
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as con:
        statuses = dict(con.execute("select file_name, status from marts.dim_documents").fetchall())
        [(reason,)] = con.execute(
            "select status_reason from marts.dim_documents where file_name = ?", [BUNDLED_NAME]
        ).fetchall()
        facts_by_file = dict(
            con.execute(
                "select d.file_name, count(f.fact_id) from marts.dim_documents d "
                "left join marts.fct_financial_facts f using (document_id) group by 1"
            ).fetchall()
        )
        failures = con.execute(
            "select check_name, period_id, difference from marts.fct_check_failures"
        ).fetchall()
    assert statuses == {BUNDLED_NAME: "quarantined", FIXTURE.name: "published"}
    assert "assets_equal_liabilities_plus_equity" in reason
    assert "I2021-09-30" in reason
    assert str(difference_yen) in reason.replace(",", "")
    assert facts_by_file[BUNDLED_NAME] == 0
    assert facts_by_file[FIXTURE.name] > 0
    assert ("assets_equal_liabilities_plus_equity", "I2021-09-30") in {
        (name, period) for name, period, _ in failures
    }
