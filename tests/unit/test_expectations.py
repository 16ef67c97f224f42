"""The Great Expectations suites catch what they guard, and the report is self-contained.

The unit tests build a tiny warehouse by hand in a temporary DuckDB file: only the tables
the suites under test read, with the columns of the dbt contracts. A domain rule's rows are
written as its dbt model of models/audit/ would compute them: the SQL of those models has
dbt unit tests of its own (models/audit/_audit.yml). The suites on a warehouse built by the
pipeline are tested in tests/integration/test_publish_safety.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml
from great_expectations.expectations.row_conditions import Column

from expectations import suites
from expectations.report import render_html, summary_text, write_report
from expectations.run import Baseline, BaselineUnreadableError, _Snapshots, validate_warehouse
from expectations.suites import (
    MARTS_DIR,
    column_types_suite,
    fct_financial_facts,
    identity_suites,
)

IDENTITY = "identity.assets_equal_liabilities_plus_equity"
BALANCED, UNBALANCED = "I2021-09-30", "I2021-03-31"


def contract(model: str) -> list[tuple[str, str]]:
    """(column, data type) of a mart as its dbt contract lists them."""
    spec = yaml.safe_load((MARTS_DIR / f"_{model}.yml").read_text(encoding="utf-8"))
    (entry,) = [m for m in spec["models"] if m["name"] == model]
    return [(c["name"], c["data_type"]) for c in entry["columns"]]


def create_mart(
    con: duckdb.DuckDBPyConnection, model: str, rows: list[dict[str, Any]], rename: str = ""
) -> None:
    """Create marts.<model> with its contract's columns and insert ``rows`` (others null)."""
    columns = contract(model)
    names = [name for name, _ in columns]
    ddl = ", ".join(f"{name} {data_type}" for name, data_type in columns)
    con.execute(f"create table marts.{model} ({ddl})")
    for row in rows:
        con.execute(
            f"insert into marts.{model} values ({', '.join('?' * len(names))})",
            [row.get(name) for name in names],
        )
    if rename:
        old, new = rename.split(":")
        con.execute(f"alter table marts.{model} rename column {old} to {new}")


def fact(line_item: str, period_id: str, thousands: int) -> dict[str, Any]:
    """A consolidated actual balance printed in thousands of yen."""
    return {
        "fact_id": f"{line_item}@{period_id}",
        "document_id": "doc1",
        "company_id": "tse-0001",
        "line_item_id": line_item,
        "segment_id": "consolidated",
        "period_id": period_id,
        "scenario": "actual",
        "measure": "value",
        "period_type": "instant",
        "unit": "JPY",
        "value": thousands * 1000,
        "printed_value": thousands * 1000,
        "decimals": -3,
        "source_line": 1,
        "report_count": 1,
        "printings_agree": True,
        "period_end": period_id[1:],
    }


def identity_row(period_id: str, line_items: str, difference: int) -> dict[str, Any]:
    """A row of audit.audit_accounting_identities: assets = liabilities + equity for one
    date, three terms printed in thousands of yen (1,500 yen allowed)."""
    return {
        "identity_name": "assets_equal_liabilities_plus_equity",
        "document_id": "doc1",
        "period_id": period_id,
        "segment_id": "consolidated",
        "scenario": "actual",
        "forecast_status": None,
        "line_items": line_items,
        "difference": float(difference),
        "tolerance": 1500.0,
        "excess": abs(difference) - 1500.0,
        "is_within_tolerance": abs(difference) <= 1500,
    }


def build_warehouse(path: Path, rename: str = "") -> Path:
    """A warehouse with one balanced and one unbalanced statement of financial position."""
    rows = [
        # 2021-09-30 balances: 100,000 = 60,000 + 40,000.
        fact("assets", BALANCED, 100_000),
        fact("liabilities", BALANCED, 60_000),
        fact("equity", BALANCED, 40_000),
        # 2021-03-31 does not: 90,000 - 50,000 - 39,000 = 1,000 thousand = JPY 1,000,000.
        fact("assets", UNBALANCED, 90_000),
        fact("liabilities", UNBALANCED, 50_000),
        fact("equity", UNBALANCED, 39_000),
    ]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        create_mart(con, "fct_financial_facts", rows, rename)
        create_mart(con, "dim_segments", [{"segment_id": "consolidated"}])
        con.register(
            "identities",
            pd.DataFrame(
                [
                    identity_row(
                        BALANCED,
                        "assets = 100,000,000; equity = 40,000,000; liabilities = 60,000,000",
                        0,
                    ),
                    identity_row(
                        UNBALANCED,
                        "assets = 90,000,000; equity = 39,000,000; liabilities = 50,000,000",
                        1_000_000,
                    ),
                ]
            ),
        )
        con.execute("create schema audit")
        con.execute("create table audit.audit_accounting_identities as select * from identities")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):
    """Validation of the hand-built warehouse by the fact table's and identity suites."""
    path = build_warehouse(tmp_path_factory.mktemp("wh") / "wh.duckdb")
    return validate_warehouse(path, [fct_financial_facts(), *identity_suites()])


def test_balanced_statement_passes_and_unbalanced_fails_naming_period_and_difference(report):
    check = report.check(IDENTITY)
    assert not check.success
    assert check.blocking
    assert check.evaluated_rows == 2
    (failure,) = check.failures
    assert failure.period_id == UNBALANCED
    assert failure.document_id == "doc1"
    assert failure.amount == pytest.approx(1_000_000)
    assert "assets_equal_liabilities_plus_equity" in failure.message
    assert UNBALANCED in failure.message
    assert "difference 1,000,000" in failure.message
    assert BALANCED not in failure.message
    assert not report.success
    assert IDENTITY in summary_text(report)


def test_the_hand_built_fact_table_passes_its_mart_suite(report):
    failed = [c.check_id for c in report.checks if c.suite == "fct_financial_facts"]
    failed = [i for i in failed if not report.check(i).success]
    assert failed == []


def test_a_renamed_column_fails_the_schema_check(tmp_path: Path):
    path = build_warehouse(tmp_path / "wh.duckdb", rename="line_item_id:line_item")
    suite = column_types_suite("fct_financial_facts")
    result = validate_warehouse(path, [suite]).check("fct_financial_facts.schema")
    assert not result.success
    (failure,) = result.failures
    assert failure.message == (
        "marts.fct_financial_facts: column_name lacks ['line_item_id'] "
        "and has ['line_item'] beyond its contract's list"
    )


# One identity suite alone, and with every other: those filter one view, which a validation
# then reads once per database (expectations.run._Snapshots); no outcome may change.
@pytest.fixture(params=["alone", "sharing its view"])
def identities(request: pytest.FixtureRequest) -> list[suites.Suite]:
    every = identity_suites()
    assert every[0].name == IDENTITY
    return every[:1] if request.param == "alone" else every


def without_the_unbalanced_date(path: Path) -> Path:
    """The warehouse at ``path`` without its unbalanced date: one that passed the identity."""
    with duckdb.connect(str(path)) as con:
        for table in ("marts.fct_financial_facts", "audit.audit_accounting_identities"):
            con.execute(f"delete from {table} where period_id = ?", [UNBALANCED])
    return path


def test_with_a_baseline_a_suite_of_row_checks_reads_only_the_rows_that_changed(
    tmp_path: Path, identities: list[suites.Suite]
) -> None:
    """The baseline passed the identity on its one date; the build adds the unbalanced date
    and keeps the balanced one: only the added row is read, and it fails as before."""
    baseline = without_the_unbalanced_date(build_warehouse(tmp_path / "published.duckdb"))
    build = build_warehouse(tmp_path / "build.duckdb")
    report = validate_warehouse(build, identities, Baseline(baseline, "the warehouse of run 1"))
    check = report.check(IDENTITY)
    assert (check.success, check.evaluated_rows, check.changed_rows_only) == (False, 1, True)
    (failure,) = check.failures
    assert failure.period_id == UNBALANCED
    others = [c for c in report.checks if c.check_id != IDENTITY]
    assert all(c.success and c.evaluated_rows == 0 for c in others)
    assert report.compared_with == "the warehouse of run 1"
    assert "only the rows that differ from the baseline (the warehouse of run 1)" in (
        summary_text(report)
    )


def test_a_suite_with_no_changed_row_passes_as_it_did_on_the_baseline(
    tmp_path: Path, identities: list[suites.Suite]
) -> None:
    baseline = without_the_unbalanced_date(build_warehouse(tmp_path / "published.duckdb"))
    build = without_the_unbalanced_date(build_warehouse(tmp_path / "build.duckdb"))
    check = validate_warehouse(build, identities, Baseline(baseline, "b")).check(IDENTITY)
    assert (check.success, check.evaluated_rows, check.changed_rows_only) == (True, 0, True)


def test_a_suite_that_failed_on_the_baseline_reads_every_row(
    tmp_path: Path, identities: list[suites.Suite]
) -> None:
    """A check that failed there (without blocking) is evaluated on every row again, so the
    report keeps listing the rows that still fail."""
    baseline = build_warehouse(tmp_path / "published.duckdb")
    build = build_warehouse(tmp_path / "build.duckdb")
    check = validate_warehouse(
        build, identities, Baseline(baseline, "b", frozenset({IDENTITY}))
    ).check(IDENTITY)
    assert (check.success, check.evaluated_rows, check.changed_rows_only) == (False, 2, False)


def test_a_suite_of_whole_column_checks_reads_its_frame_again_only_when_it_changed(
    tmp_path: Path,
) -> None:
    """The columns of a mart: the same as the baseline's, nothing is read; one renamed, the
    whole frame is read and the schema check fails."""
    suite = column_types_suite("fct_financial_facts")
    assert not suite.judges_rows_alone
    baseline = Baseline(build_warehouse(tmp_path / "published.duckdb"), "b")
    same = validate_warehouse(build_warehouse(tmp_path / "same.duckdb"), [suite], baseline)
    assert all(c.success and c.evaluated_rows == 0 for c in same.checks)
    renamed = build_warehouse(tmp_path / "renamed.duckdb", rename="line_item_id:line_item")
    check = validate_warehouse(renamed, [suite], baseline).check("fct_financial_facts.schema")
    assert (check.success, check.changed_rows_only) == (False, False)
    assert check.evaluated_rows == len(contract("fct_financial_facts"))


def test_a_suite_the_baseline_cannot_give_reads_every_row(
    tmp_path: Path, identities: list[suites.Suite]
) -> None:
    """The baseline lacks the table the suite reads: nothing is known of its rows there."""
    baseline = tmp_path / "published.duckdb"
    with duckdb.connect(str(baseline)) as con:
        con.execute("create schema audit")
    build = build_warehouse(tmp_path / "build.duckdb")
    check = validate_warehouse(build, identities, Baseline(baseline, "b")).check(IDENTITY)
    assert (check.success, check.evaluated_rows, check.changed_rows_only) == (False, 2, False)


def test_suites_that_filter_one_view_read_a_snapshot_of_it_per_database(tmp_path: Path) -> None:
    """The identity suites read one copy of the view per database; a suite alone, or a
    database without the view, keeps its own query (which then fails as it would)."""
    baseline = tmp_path / "published.duckdb"
    with duckdb.connect(str(baseline)) as con:
        con.execute("create schema audit")
    build = build_warehouse(tmp_path / "build.duckdb")
    first, second = identity_suites()[:2]
    with duckdb.connect(str(build), read_only=True) as con:
        con.execute(f"attach '{baseline}' as base (read_only)")
        shared = _Snapshots(con, [first, second])
        query = shared.query(first, "build")
        assert first.source is not None
        assert query == first.sql.replace(first.source, "temp.main.snapshot_0")
        assert shared.query(second, "build") == second.sql.replace(
            first.source, "temp.main.snapshot_0"
        )
        assert con.sql(query).fetchall() == con.sql(first.sql).fetchall()
        assert shared.query(first, "base") == first.sql
        assert _Snapshots(con, [first]).query(first, "build") == first.sql


def test_a_check_of_a_share_of_rows_does_not_judge_rows_alone() -> None:
    between = {"column": "value", "min_value": 0}
    assert suites.expect("ExpectColumnValuesToBeBetween", "i", "w", **between).judges_rows_alone
    assert not suites.expect(
        "ExpectColumnValuesToBeBetween", "i", "w", mostly=0.9, **between
    ).judges_rows_alone
    assert not suites.expect(
        "ExpectColumnValuesToBeUnique", "i", "w", column="value"
    ).judges_rows_alone


def test_a_baseline_that_cannot_be_opened_is_an_error_naming_it(tmp_path: Path) -> None:
    build = build_warehouse(tmp_path / "build.duckdb")
    missing = tmp_path / "no such warehouse.duckdb"
    with pytest.raises(BaselineUnreadableError, match=re.escape(f"{missing}: cannot be read")):
        validate_warehouse(build, identity_suites()[:1], Baseline(missing, "b"))


def test_a_missing_table_fails_its_checks_instead_of_raising(tmp_path: Path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    result = validate_warehouse(path, identity_suites()[:1])
    assert not result.success
    assert "missing table" in (result.checks[0].error or "")


def test_report_is_self_contained_html_and_json(report, tmp_path: Path):
    html_path, json_path = write_report(report, tmp_path / "validation")
    page = html_path.read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    assert IDENTITY in page and UNBALANCED in page
    assert '"success": false' in json_path.read_text(encoding="utf-8")
    assert render_html(report) == page
    assert not (Path.cwd() / "gx").exists()


def test_a_rule_a_dbt_test_owns_is_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "_things.yml").write_text(
        """
models:
  - name: things
    data_tests:
      - unique:
          arguments:
            column_name: "a || '|' || coalesce(b, '')"
    columns:
      - name: a
        data_tests: [unique, not_null]
      - name: b
      - name: c
        data_tests:
          - accepted_values:
              arguments:
                values: ["x", "y"]
""",
        encoding="utf-8",
    )
    monkeypatch.setattr(suites, "MARTS_DIR", tmp_path)
    assert suites.tested_by_dbt("things", "unique") == {frozenset("a"), frozenset("ab")}
    assert suites.tested_by_dbt("things", "not_null") == {frozenset("a")}
    checked = suites._not_enforced(
        "things",
        [
            suites.expect("ExpectColumnValuesToBeUnique", "id", "why", column="a"),
            suites.expect("ExpectColumnValuesToBeUnique", "id", "why", column="b"),
            suites.expect("ExpectCompoundColumnsToBeUnique", "id", "why", column_list=["b", "a"]),
            suites.expect("ExpectCompoundColumnsToBeUnique", "id", "why", column_list=["a", "c"]),
            suites.expect("ExpectColumnValuesToNotBeNull", "id", "why", column="a"),
            suites.expect("ExpectColumnValuesToNotBeNull", "id", "why", column="c"),
            suites.expect(
                "ExpectColumnValuesToBeInSet", "id", "why", column="c", value_set=["x", "y"]
            ),
            suites.expect("ExpectColumnValuesToBeInSet", "id", "why", column="b", value_set=["x"]),
        ],
    )
    assert [(e.kind, sorted(e.columns)) for e in checked] == [
        ("ExpectColumnValuesToBeUnique", ["b"]),
        ("ExpectCompoundColumnsToBeUnique", ["a", "c"]),
        ("ExpectColumnValuesToNotBeNull", ["c"]),
        ("ExpectColumnValuesToBeInSet", ["b"]),
    ]


def test_a_check_becomes_the_expectation_it_describes() -> None:
    check = suites.expect(
        "ExpectColumnValuesToBeBetween",
        "t.value.range",
        "why",
        column="value",
        max_value=1,
        where=(("unit", "==", "percent"), ("kpi_id", "!=", "growth")),
    )
    expectation = check.expectation()
    assert type(expectation).__name__ == "ExpectColumnValuesToBeBetween"
    assert expectation.expectation_type == check.expectation_type
    assert expectation.meta == {"check_id": "t.value.range", "guards": "why", "blocking": True}
    assert str(expectation.row_condition) == str(
        (Column("unit") == "percent") & (Column("kpi_id") != "growth")
    )
    assert suites.columns_read([check], ("document_id",)) == [
        "value",
        "unit",
        "kpi_id",
        "document_id",
    ]


def test_the_identity_suites_are_the_identities_of_the_seed() -> None:
    """One definition: the quarantine's macros and these suites read the same seed."""
    seed = suites._seed_rows("accounting_identities")
    checks = [suite.expectations[0] for suite in identity_suites()]
    assert [c.check_id for c in checks] == [f"identity.{row['identity_name']}" for row in seed]
    assert [c.guards for c in checks] == [row["description"] for row in seed]
    assert all(c.blocking for c in checks)


def test_every_suite_reads_its_frame_with_one_line_of_sql() -> None:
    """A rule's SQL lives in a .sql file that sqlfluff lints (models/audit/), not in Python."""
    assert [s.name for s in suites.all_suites() if "\n" in s.sql.strip()] == []
