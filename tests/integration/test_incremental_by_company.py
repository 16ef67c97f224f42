"""int_facts_published and fct_financial_facts are incremental by company
(macros/incremental_by_company.sql): a build replaces the rows of the companies whose facts
changed and leaves every other company's as they are. That the result is what a full rebuild
gives is tests/integration/test_incremental_facts.py's."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.cli import run_pipeline

pytestmark = pytest.mark.integration

# a release of a company not among the shared run's
ADDED = settings.PROJECT_ROOT / "tests/fixtures/highlights/corvid_1q-fy2031_highlights_prose.txt"


def test_a_build_replaces_only_the_companies_whose_facts_changed(
    shared_workspace_copy: Path,
) -> None:
    """int_facts_published and fct_financial_facts are incremental by company: the rows of a
    company the run did not change keep what the test wrote in a column their comparison
    leaves out (`is_latest`, which int_facts_published computes from the others;
    `is_derived`, false in every row of fct_financial_facts), which building that company
    again would have reset. A full rebuild (the other test) resets them."""
    build = settings.build_db_path()
    with duckdb.connect(str(build)) as con:
        first, second = (
            company
            for (company,) in con.execute(
                "select distinct company_id from marts.fct_financial_facts order by 1 limit 2"
            ).fetchall()
        )
        ((unmarked,),) = con.execute(
            "select min(fact_id) from intermediate.int_facts_published "
            "where company_id = ? and is_latest",
            [first],
        ).fetchall()
        con.execute(
            "update intermediate.int_facts_published set is_latest = false where fact_id = ?",
            [unmarked],
        )
        ((derived,),) = con.execute(
            "select min(fact_id) from marts.fct_financial_facts where company_id = ?", [second]
        ).fetchall()
        con.execute(
            "update marts.fct_financial_facts set is_derived = true where fact_id = ?", [derived]
        )

    shutil.copy(ADDED, settings.disclosures_dir() / ADDED.name)
    run = run_pipeline()
    assert run.success, run.render()

    with duckdb.connect(str(build), read_only=True) as con:
        latest = "select is_latest from {} where fact_id = ?"
        # the first company's facts to publish are unchanged: int_facts_published keeps its
        # rows, and fct_financial_facts, whose rows of it now differ, takes them again
        assert con.execute(
            latest.format("intermediate.int_facts_published"), [unmarked]
        ).fetchall() == [(False,)]
        assert con.execute(latest.format("marts.fct_financial_facts"), [unmarked]).fetchall() == [
            (False,)
        ]
        # the second company is unchanged in both
        assert con.execute(
            "select is_derived from marts.fct_financial_facts where fact_id = ?", [derived]
        ).fetchall() == [(True,)]
        # and the added release's facts are published
        ((company,),) = con.execute(
            "select distinct company_id from staging.stg_raw__documents where file_name = ?",
            [ADDED.name],
        ).fetchall()
        added = [
            con.execute(f"select count(*) from {table} where company_id = ?", [company]).fetchone()[
                0
            ]
            for table in ("intermediate.int_facts_published", "marts.fct_financial_facts")
        ]
        assert added[0] == added[1] > 0
    # the run's dbt.log names the companies each model built again
    runs = sorted(path for path in settings.dbt_runs_dir().iterdir() if path.is_dir())
    log = (runs[-1] / "dbt.log").read_text(encoding="utf-8")
    assert f"int_facts_published: 1 company to build again: {company}" in log
    again = ", ".join(sorted([first, company]))
    assert f"fct_financial_facts: 2 companies to build again: {again}" in log
