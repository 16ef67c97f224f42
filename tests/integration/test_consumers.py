"""Consumers of the published warehouse: SQL readers (DuckDB, SQLAlchemy through duckdb-engine)
while pipeline runs go on, the Parquet export, the example queries of analyses/, and a
downstream dbt project that installs this one as a package.

Most tests read the session's shared warehouse (``shared_warehouse``, read-only). Every
expected value is recomputed here from other marts (fct_financial_facts, fct_kpis) or taken
from the fixture truth files; none is typed in from a release.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from orchestration import settings
from orchestration.publish import export_marts, parquet_dir, parquet_generation_prefix, publish

pytestmark = pytest.mark.integration

ROOT = settings.PROJECT_ROOT
ANALYSES_DIR = ROOT / "analyses"
DOWNSTREAM_PROJECT = ROOT / "tests" / "downstream_project"
FIXTURES = ROOT / "tests" / "fixtures" / "disclosures"
SIX_PLACES = Decimal("0.000001")
MARGIN_KPIS = {"gross_margin", "operating_margin", "net_margin"}

Row = dict[str, Any]


# ---------------------------------------------------------------- helpers


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[Row]:
    """Run ``sql`` and return its rows as dicts keyed by column name."""
    cursor = con.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def query(database: Path, sql: str, *params: Any) -> list[Row]:
    """One query on ``database`` opened read-only, as a reader would."""
    with duckdb.connect(str(database), read_only=True) as con:
        return rows_of(con, sql, *params)


def percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator * 100, rounded half up to 6 places as the marts round."""
    return (numerator / denominator * 100).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def dbt_environment(**extra: str) -> dict[str, str]:
    """The environment for a dbt subprocess: telemetry off, the .venv's dbt on PATH."""
    env = dict(os.environ, **settings.TELEMETRY_ENVIRONMENT, **extra)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_dbt(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the .venv's dbt; fail the test with dbt's output if it fails."""
    completed = subprocess.run(
        [settings.dbt_executable(), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    return completed


def marts_tables(database: Path) -> set[str]:
    rows = query(database, "select table_name from duckdb_tables() where schema_name = 'marts'")
    return {row["table_name"] for row in rows}


def latest_actuals(warehouse: Path) -> list[Row]:
    """The latest actual amounts of fct_financial_facts (measure 'value')."""
    return query(
        warehouse,
        """
        select * from marts.fct_financial_facts
        where scenario = 'actual' and measure = 'value' and is_latest
        """,
    )


# ---------------------------------------------------------------- compiled analyses


@pytest.fixture(scope="module")
def dbt_compiled(compiled_analyses: Path) -> Path:
    """``dbt compile`` of the analyses against the published warehouse; its target folder."""
    return compiled_analyses


@pytest.fixture(scope="module")
def analysis(shared_warehouse: Path, dbt_compiled: Path):
    """Run one compiled analysis on the warehouse opened read-only; its rows as dicts."""
    compiled_dir = dbt_compiled / "compiled" / "disclosure_warehouse" / "analyses"

    def run(name: str) -> list[Row]:
        return query(shared_warehouse, (compiled_dir / f"{name}.sql").read_text(encoding="utf-8"))

    return run


@pytest.fixture(scope="module")
def manifest(dbt_compiled: Path) -> dict[str, Any]:
    return json.loads((dbt_compiled / "manifest.json").read_text(encoding="utf-8"))


def test_every_analysis_compiles_and_returns_rows(analysis, dbt_compiled: Path) -> None:
    names = sorted(path.stem for path in ANALYSES_DIR.glob("*.sql"))
    compiled = dbt_compiled / "compiled" / "disclosure_warehouse" / "analyses"
    assert sorted(path.stem for path in compiled.glob("*.sql")) == names
    for name in names:
        sql = (compiled / f"{name}.sql").read_text(encoding="utf-8")
        assert "{{" not in sql and '"marts".' in sql, name
        assert analysis(name), f"{name} returned no rows"


def test_an_arrow_fetch_returns_every_analysis_exactly(
    shared_warehouse: Path, dbt_compiled: Path
) -> None:
    """The fetch docs/querying.md recommends for export-sized results (and the benchmark
    times): the same rows as fetchall, amounts as decimal128 with their six places."""
    import pyarrow as pa

    compiled = dbt_compiled / "compiled" / "disclosure_warehouse" / "analyses"
    with duckdb.connect(str(shared_warehouse), read_only=True) as con:
        for path in sorted(compiled.glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            table = con.sql(sql).to_arrow_table()
            rows = con.execute(sql).fetchall()
            assert [tuple(row.values()) for row in table.to_pylist()] == rows, path.stem
            decimals = [f for f in table.schema if pa.types.is_decimal(f.type)]
            assert decimals, f"{path.stem} has no decimal column"
            assert {f.type.scale for f in decimals} == {6}, path.stem


def test_revenue_and_operating_profit_by_segment(analysis, shared_warehouse: Path) -> None:
    expected: dict[tuple[str, str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for fact in latest_actuals(shared_warehouse):
        if fact["line_item_id"] in {"revenue", "operating_profit"}:
            key = (fact["company_id"], fact["segment_id"], fact["period_id"], fact["unit"])
            expected[key][fact["line_item_id"]] = fact["value"]

    rows = analysis("revenue_and_operating_profit_by_segment")
    got = {
        (r["company_id"], r["segment_id"], r["period_id"], r["unit"]): {
            name: r[name] for name in ("revenue", "operating_profit") if r[name] is not None
        }
        for r in rows
    }
    assert len(got) == len(rows)  # one row per company, segment, period and unit
    assert got == expected
    assert any(len(amounts) == 2 for amounts in got.values())

    for r in rows:
        if r["revenue"] is not None and r["operating_profit"] is not None and r["revenue"] > 0:
            assert r["operating_margin_percent"] == percent(r["operating_profit"], r["revenue"])
        else:
            assert r["operating_margin_percent"] is None
    # The same margin as the operating_margin KPI of fct_kpis, an independent computation.
    kpis = query(
        shared_warehouse,
        "select company_id, segment_id, period_id, value from marts.fct_kpis "
        "where kpi_id = 'operating_margin'",
    )
    margins = {(r["company_id"], r["segment_id"], r["period_id"]): r for r in rows}
    compared = 0
    for kpi in kpis:
        row = margins.get((kpi["company_id"], kpi["segment_id"], kpi["period_id"]))
        if row is not None and row["operating_margin_percent"] is not None:
            assert row["operating_margin_percent"] == kpi["value"], kpi
            compared += 1
    assert compared > 0


def test_margin_trends(analysis, shared_warehouse: Path) -> None:
    kpis = query(
        shared_warehouse,
        "select * from marts.fct_kpis where kpi_id in ('gross_margin', 'operating_margin', "
        "'net_margin') order by period_end",
    )
    series: dict[tuple[str, str, str, str], list[Row]] = defaultdict(list)
    for kpi in kpis:
        key = (kpi["company_id"], kpi["segment_id"], kpi["kpi_id"], kpi["fiscal_period"])
        series[key].append(kpi)
    expected = {}
    for points in series.values():
        previous = None
        for point in points:
            change = None if previous is None else point["value"] - previous["value"]
            expected[
                (point["company_id"], point["segment_id"], point["kpi_id"], point["period_id"])
            ] = (
                point["value"],
                None if previous is None else previous["period_id"],
                change,
            )
            previous = point

    rows = analysis("margin_trends")
    got = {
        (r["company_id"], r["segment_id"], r["kpi_id"], r["period_id"]): (
            r["margin_percent"],
            r["previous_period_id"],
            r["change_in_percentage_points"],
        )
        for r in rows
    }
    assert len(got) == len(rows)
    assert got == expected
    assert {r["kpi_id"] for r in rows} <= MARGIN_KPIS
    assert any(r["change_in_percentage_points"] is not None for r in rows)

    # Each margin recomputed from the facts themselves, wherever both amounts are facts.
    amounts = {
        (f["company_id"], f["segment_id"], f["period_id"], f["line_item_id"]): f["value"]
        for f in latest_actuals(shared_warehouse)
        if f["unit"] == "JPY"
    }
    numerators = {
        "gross_margin": "gross_profit",
        "operating_margin": "operating_profit",
        "net_margin": "profit_attributable_to_owners",
    }
    recomputed = 0
    for r in rows:
        key = (r["company_id"], r["segment_id"], r["period_id"])
        numerator = amounts.get((*key, numerators[r["kpi_id"]]))
        revenue = amounts.get((*key, "revenue"))
        if numerator is not None and revenue:
            assert r["margin_percent"] == percent(numerator, revenue), r
            recomputed += 1
    assert recomputed > 0


def test_guidance_vs_actual(analysis, shared_warehouse: Path) -> None:
    facts = query(
        shared_warehouse,
        "select * from marts.fct_financial_facts where measure = 'value' and is_latest",
    )
    forecasts: dict[tuple[str, str, str, str, str], list[Row]] = defaultdict(list)
    actuals: dict[tuple[str, str, str, str], list[Row]] = defaultdict(list)
    for fact in facts:
        dims = (fact["company_id"], fact["line_item_id"], fact["segment_id"], fact["unit"])
        if fact["scenario"] == "forecast":
            forecasts[(*dims, fact["period_id"])].append(fact)
        else:
            actuals[dims].append(fact)

    def latest(candidates: list[Row]) -> Row:
        # announced last; a revision before an original of the same day; published last
        return max(
            candidates,
            key=lambda f: (
                f["forecast_announced_on"] or date.min,
                f["forecast_status"] == "revised",
                f["published_on"],
            ),
        )

    rows = {
        (r["company_id"], r["line_item_id"], r["segment_id"], r["unit"], r["period_id"]): r
        for r in analysis("guidance_vs_actual")
    }
    assert set(rows) == set(forecasts)
    for key, candidates in forecasts.items():
        row = rows[key]
        by_status = {f["forecast_status"]: f for f in candidates}
        original, revised = by_status.get("original"), by_status.get("revised")
        assert row["original_forecast"] == (original and original["value"])
        assert row["original_announced_on"] == (original and original["forecast_announced_on"])
        assert row["revised_forecast"] == (revised and revised["value"])
        assert row["revised_announced_on"] == (revised and revised["forecast_announced_on"])
        if original and revised:
            assert row["revision"] == revised["value"] - original["value"]
        assert row["latest_forecast"] == latest(candidates)["value"]

        company, line_item, segment, unit, _ = key
        forecast = candidates[0]
        same_dims = actuals.get((company, line_item, segment, unit), [])
        full = [a for a in same_dims if a["period_id"] == forecast["period_id"]]
        assert row["actual"] == (full[0]["value"] if full else None)
        to_date = [
            a
            for a in same_dims
            if a["period_start"] == forecast["period_start"]
            and a["period_end"] <= forecast["period_end"]
        ]
        if to_date:
            newest = max(to_date, key=lambda a: a["period_end"])
            assert row["year_to_date_period_id"] == newest["period_id"]
            assert row["year_to_date_value"] == newest["value"]
            assert row["progress_percent"] == percent(newest["value"], row["latest_forecast"])
        else:
            assert row["year_to_date_period_id"] is None

    # A release that revises its targets shows both, and the revised one is the latest.
    revised_rows = [r for r in rows.values() if r["original_forecast"] and r["revised_forecast"]]
    assert revised_rows
    assert all(r["latest_forecast"] == r["revised_forecast"] for r in revised_rows)

    # Progress agrees with the progress_against_target KPI of fct_kpis.
    kpis = query(
        shared_warehouse,
        "select * from marts.fct_kpis where kpi_id = 'progress_against_target'",
    )
    progress = {
        (r["company_id"], r["line_item_id"], r["segment_id"], r["year_to_date_period_id"]): r[
            "progress_percent"
        ]
        for r in rows.values()
        if r["year_to_date_period_id"] is not None
    }
    assert kpis
    for kpi in kpis:
        key = (kpi["company_id"], kpi["line_item_id"], kpi["segment_id"], kpi["period_id"])
        assert progress[key] == kpi["value"], kpi


def test_kpi_time_series(analysis, shared_warehouse: Path) -> None:
    kpis = query(shared_warehouse, "select * from marts.fct_kpis")
    rows = analysis("kpi_time_series")

    def identity(r: Row) -> tuple[Any, ...]:
        return (r["kpi_id"], r["company_id"], r["segment_id"], r["line_item_id"], r["period_id"])

    assert sorted((identity(r), r["value"]) for r in rows) == sorted(
        (identity(k), k["value"]) for k in kpis
    )
    labels = {
        r["kpi_id"]: r["label"] for r in query(shared_warehouse, "select * from marts.dim_kpis")
    }
    series: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for r in rows:
        assert r["kpi_label"] == labels[r["kpi_id"]]
        series[identity(r)[:4]].append(r)
    for points in series.values():
        assert [p["position_in_series"] for p in points] == list(range(1, len(points) + 1))
        ends = [p["period_end"] for p in points]
        assert ends == sorted(ends)
    assert any(len(points) > 1 for points in series.values())
    # series after series, in the order of their keys (a missing line item last)
    keys = [identity(r)[:4] for r in rows]
    runs = [key for number, key in enumerate(keys) if number == 0 or keys[number - 1] != key]
    assert runs == sorted(set(keys), key=lambda k: (*k[:3], k[3] is None, k[3] or ""))


def truth_values(name: str) -> dict[tuple[str, str], set[Decimal]]:
    """Absolute amounts of a fixture's truth file by (period start, period end)."""
    values: dict[tuple[str, str], set[Decimal]] = defaultdict(set)
    with (FIXTURES / f"{name}.truth.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["measure"] == "value" and record["scenario"] == "actual" and record["value"]:
                key = (record["period_start"], record["period_end"])
                values[key].add(abs(Decimal(record["value"])))
    return values


def test_income_statement_table(analysis, shared_warehouse: Path) -> None:
    rows = analysis("income_statement_table")
    documents = query(
        shared_warehouse,
        "select company_id, document_id, file_name, published_on from marts.dim_documents "
        "where document_id in (select document_id from marts.rpt_income_statement)",
    )
    newest = {}
    for document in sorted(documents, key=lambda d: d["published_on"]):
        newest[document["company_id"]] = document
    assert {r["company_id"]: r["document_id"] for r in rows} == {
        company: document["document_id"] for company, document in newest.items()
    }

    amounts = {
        (f["company_id"], f["line_item_id"], f["period_id"]): f["value"]
        for f in latest_actuals(shared_warehouse)
        if f["segment_id"] == "consolidated"
    }
    by_company: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_company[r["company_id"]].append(r)
        current = f"D{r['current_period_start']}_{r['current_period_end']}"
        prior = f"D{r['prior_period_start']}_{r['prior_period_end']}"
        assert r["current_period_value"] == amounts.get(
            (r["company_id"], r["line_item_id"], current)
        )
        assert r["prior_period_value"] == amounts.get((r["company_id"], r["line_item_id"], prior))
        if r["current_period_value"] is not None and r["prior_period_value"] is not None:
            assert r["change_amount"] == r["current_period_value"] - r["prior_period_value"]
    for lines in by_company.values():
        orders = [line["presentation_order"] for line in lines]
        assert orders == sorted(orders)

    # The hand-written truth of the full-year fixture prints every amount of its statement.
    truth = truth_values("acme_fy2022_full_year")
    acme = [r for r in rows if newest[r["company_id"]]["file_name"] == "acme_fy2022_full_year.txt"]
    assert acme
    for r in acme:
        for side in ("current", "prior"):
            value = r[f"{side}_period_value"]
            if value is not None:
                period = (str(r[f"{side}_period_start"]), str(r[f"{side}_period_end"]))
                assert abs(value) in truth[period], (r["line_item_id"], side, value)


# ---------------------------------------------------------------- dbt interface for other projects


def test_marts_are_a_public_group_and_facts_are_versioned(
    manifest: dict[str, Any], shared_warehouse: Path
) -> None:
    marts = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    ]
    assert marts
    for node in marts:
        assert (node["access"], node["group"]) == ("public", "disclosure_marts"), node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
    group = manifest["groups"]["group.disclosure_warehouse.disclosure_marts"]
    assert group["owner"]["name"] and group["owner"]["email"]

    (facts,) = [node for node in marts if node["name"] == "fct_financial_facts"]
    assert (facts["version"], facts["latest_version"]) == (1, 1)
    # The relation keeps its unversioned name, which readers, GX and Dagster use.
    assert facts["alias"] == "fct_financial_facts"
    assert facts["config"]["meta"]["dagster"]["asset_key"] == ["marts", "fct_financial_facts"]
    tables = marts_tables(shared_warehouse)
    assert "fct_financial_facts" in tables
    assert not any(table.endswith("_v1") for table in tables)


def test_every_analysis_is_an_exposure(manifest: dict[str, Any]) -> None:
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {path.stem for path in ANALYSES_DIR.glob("*.sql")}
    analyses = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "analysis"
    }
    for name, exposure in exposures.items():
        assert exposure["type"] == "analysis"
        assert exposure["owner"]["name"] and exposure["owner"]["email"]
        # The exposure names exactly the models the analysis reads.
        assert sorted(exposure["depends_on"]["nodes"]) == sorted(
            analyses[name]["depends_on"]["nodes"]
        ), name


def test_downstream_project_builds_on_the_published_warehouse(
    shared_warehouse: Path, tmp_path: Path
) -> None:
    project = tmp_path / "downstream"
    shutil.copytree(
        DOWNSTREAM_PROJECT,
        project,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "package-lock.yml"),
    )
    consumer_db = tmp_path / "consumer.duckdb"
    env = dbt_environment(
        DISCLOSURE_WAREHOUSE_PROJECT_DIR=str(ROOT),
        DISCLOSURE_WAREHOUSE_PATH=str(shared_warehouse),
        CONSUMER_DUCKDB_PATH=str(consumer_db),
    )
    started = time.monotonic()
    run_dbt(["deps", "--profiles-dir", str(project)], cwd=project, env=env)
    build = run_dbt(
        ["build", "--select", "package:disclosure_consumer", "--profiles-dir", str(project)],
        cwd=project,
        env=env,
    )
    assert time.monotonic() - started < 60
    assert "ERROR=0" in build.stdout and "PASS=0" not in build.stdout

    # The downstream model, recomputed from the warehouse's facts.
    revenues = {
        (f["company_id"], f["period_start"], f["period_end"]): f
        for f in latest_actuals(shared_warehouse)
        if f["line_item_id"] == "revenue"
        and f["segment_id"] == "consolidated"
        and f["period_start"] is not None
    }
    built = query(consumer_db, "select * from main.consolidated_revenue_growth")
    assert {(r["company_id"], r["period_id"]): r["revenue"] for r in built} == {
        (f["company_id"], f["period_id"]): f["value"] for f in revenues.values()
    }
    for r in built:
        start, end = r["period_start"], r["period_end"]
        prior = revenues.get(
            (r["company_id"], start.replace(year=start.year - 1), end.replace(year=end.year - 1))
        )
        assert r["prior_year_revenue"] == (prior and prior["value"])
    assert any(r["prior_year_revenue"] is not None for r in built)
    # The package's own models were read, not built: the consumer database holds only its own.
    assert {
        r["table_name"] for r in query(consumer_db, "select table_name from duckdb_tables()")
    } == {"consolidated_revenue_growth"}


# ---------------------------------------------------------------- SQLAlchemy and Parquet


# Declared rather than reflected: see test_sqlalchemy_column_reflection_is_broken_here.
FACTS = sa.Table(
    "fct_financial_facts",
    sa.MetaData(schema="marts"),
    sa.Column("company_id", sa.String),
    sa.Column("line_item_id", sa.String),
    sa.Column("segment_id", sa.String),
    sa.Column("period_id", sa.String),
    sa.Column("scenario", sa.String),
    sa.Column("measure", sa.String),
    sa.Column("is_latest", sa.Boolean),
    sa.Column("value", sa.Numeric(38, 6)),
)


@pytest.mark.parametrize(
    ("url_suffix", "connect_args"),
    [("", {"read_only": True}), ("?access_mode=read_only", {})],
    ids=["connect_args", "url"],
)
def test_sqlalchemy_read_only_engine(
    shared_warehouse: Path, url_suffix: str, connect_args: dict[str, Any]
) -> None:
    tables = marts_tables(shared_warehouse)
    # NullPool: every checkout opens the file anew, so a new connection sees a new publish.
    # (While it is open, this process cannot open the file with plain duckdb settings.)
    engine = sa.create_engine(
        f"duckdb:///{shared_warehouse}{url_suffix}", connect_args=connect_args, poolclass=NullPool
    )
    try:
        with engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names(schema="marts")) == tables
            facts = FACTS
            statement = (
                sa.select(facts.c.company_id, facts.c.segment_id, facts.c.period_id, facts.c.value)
                .where(
                    facts.c.line_item_id == "revenue",
                    facts.c.scenario == "actual",
                    facts.c.measure == "value",
                    facts.c.is_latest,
                )
                .order_by(facts.c.company_id, facts.c.segment_id, facts.c.period_id)
            )
            got = [tuple(row) for row in conn.execute(statement)]
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                conn.execute(sa.text("create table marts.scratch as select 1 as x"))
    finally:
        engine.dispose()

    expected = sorted(
        (f["company_id"], f["segment_id"], f["period_id"], f["value"])
        for f in latest_actuals(shared_warehouse)
        if f["line_item_id"] == "revenue"
    )
    assert sorted(got) == expected
    assert all(isinstance(value, Decimal) for *_, value in got)  # money stays exact


@pytest.mark.xfail(
    raises=sa.exc.ProgrammingError,
    strict=True,
    reason="duckdb-engine 0.17.0 reflects columns with SQLAlchemy's PostgreSQL query, whose "
    "pg_collation join (SQLAlchemy >= 2.0.45) DuckDB cannot bind (duckdb_engine issues 1379, "
    "1391). When this passes, the pinned versions reflect again: drop the declared FACTS.",
)
def test_sqlalchemy_column_reflection_is_broken_here(shared_warehouse: Path) -> None:
    engine = sa.create_engine(
        f"duckdb:///{shared_warehouse}", connect_args={"read_only": True}, poolclass=NullPool
    )
    try:
        with engine.connect() as conn:
            columns = sa.inspect(conn).get_columns("fct_financial_facts", schema="marts")
    finally:
        engine.dispose()
    assert "value" in {column["name"] for column in columns}


def assert_parquet_matches(warehouse: Path) -> None:
    """Every mart has a Parquet file beside the warehouse with exactly the mart's rows."""
    folder = parquet_dir(warehouse)
    tables = marts_tables(warehouse)
    assert {path.stem for path in folder.glob("*.parquet")} == tables
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in tables:
            path = str(folder / f"{table}.parquet")
            counts = con.execute(
                f"select (select count(*) from marts.{table}), "
                f"(select count(*) from read_parquet('{path}')), "
                f"(select count(*) from (select * from marts.{table} "
                f"except all select * from read_parquet('{path}')))"
            ).fetchall()
            (mart_rows, file_rows, missing) = counts[0]
            assert (file_rows, missing) == (mart_rows, 0), table
            types = dict(
                con.execute(
                    f"select column_name, column_type from (describe marts.{table})"
                ).fetchall()
            )
            file_types = dict(
                con.execute(
                    "select column_name, column_type from "
                    f"(describe select * from read_parquet('{path}'))"
                ).fetchall()
            )
            assert file_types == types, table


def test_publish_exports_every_mart_as_parquet(shared_warehouse: Path) -> None:
    assert_parquet_matches(shared_warehouse)
    folder = parquet_dir(shared_warehouse)
    assert folder == shared_warehouse.parent / "parquet"
    # `parquet` is a link to the folder of the last publish
    assert folder.is_symlink()
    assert folder.resolve().name.startswith(parquet_generation_prefix(shared_warehouse))


def make_build_db(path: Path, amount: str) -> None:
    """A small build database with one mart holding one DECIMAL amount."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.amounts (id varchar, value decimal(38, 6))")
        con.execute("insert into marts.amounts values ('a', ?)", [Decimal(amount)])
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.not_a_mart as select 1 as x")


def parquet_amounts(warehouse: Path) -> list[tuple[Any, ...]]:
    path = parquet_dir(warehouse) / "amounts.parquet"
    with duckdb.connect() as con:
        return con.execute(f"select id, value from read_parquet('{path}')").fetchall()


def generations(warehouse: Path) -> list[Path]:
    return sorted(warehouse.parent.glob(f"{parquet_generation_prefix(warehouse)}*"))


def test_publish_swaps_the_parquet_folder_and_keeps_one_previous(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    warehouse = tmp_path / "warehouse" / "disclosures.duckdb"
    make_build_db(build_db, "1.5")
    publish(build_db, warehouse)
    assert [p.name for p in parquet_dir(warehouse).iterdir()] == ["amounts.parquet"]
    assert parquet_amounts(warehouse) == [("a", Decimal("1.5"))]
    first = parquet_dir(warehouse).resolve()

    make_build_db(build_db, "2.25")
    publish(build_db, warehouse)
    assert parquet_amounts(warehouse) == [("a", Decimal("2.25"))]
    second = parquet_dir(warehouse).resolve()
    # The previous folder stays for a reader that resolved the link just before the switch.
    assert generations(warehouse) == sorted([first, second])
    with duckdb.connect() as con:
        old_file = first / "amounts.parquet"
        assert con.execute(f"select value from read_parquet('{old_file}')").fetchall() == [
            (Decimal("1.5"),)
        ]

    make_build_db(build_db, "3")
    publish(build_db, warehouse)
    assert parquet_amounts(warehouse) == [("a", Decimal("3"))]
    assert not first.exists()
    assert len(generations(warehouse)) == 2


def test_two_warehouses_in_one_folder_keep_their_own_parquet(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    default, other = tmp_path / "disclosures.duckdb", tmp_path / "scratch.duckdb"
    make_build_db(build_db, "1")
    publish(build_db, default)
    make_build_db(build_db, "2")
    publish(build_db, other)
    publish(build_db, other)  # a second publish cleans up only the scratch one's folders
    assert parquet_dir(default) == tmp_path / "parquet"
    assert parquet_dir(other) == tmp_path / "scratch_parquet"
    assert parquet_amounts(default) == [("a", Decimal("1"))]
    assert parquet_amounts(other) == [("a", Decimal("2"))]
    assert len(generations(default)) == 1
    assert len(generations(other)) == 2


def test_a_failed_export_publishes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_db = tmp_path / "build.duckdb"
    warehouse = tmp_path / "disclosures.duckdb"
    make_build_db(build_db, "1")
    publish(build_db, warehouse)
    before = warehouse.read_bytes()
    make_build_db(build_db, "2")

    def failing_export(database: Path, folder: Path) -> list[Path]:
        export_marts(database, folder)  # half of the work done, then a failure
        raise OSError("disk full")

    monkeypatch.setattr("orchestration.publish.export_marts", failing_export)
    with pytest.raises(OSError, match="disk full"):
        publish(build_db, warehouse)
    assert warehouse.read_bytes() == before
    assert parquet_amounts(warehouse) == [("a", Decimal("1"))]
    assert generations(warehouse) == [parquet_dir(warehouse).resolve()]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["build.duckdb", "disclosures.duckdb", "parquet", *(g.name for g in generations(warehouse))]
    )


# ---------------------------------------------------------------- readers during a run

# A reader in its own process, as a BI tool would be. `held` keeps one read-only connection
# for its whole life; `fresh` opens a new one (and reads the Parquet export) every time.
# Each writes its progress to a JSON file: iterations, errors, and the distinct answers seen
# in order. It stops when the stop file appears.
READER = r"""
import json, sys, time, duckdb
mode, warehouse, parquet, out, stop = sys.argv[1:]
DOCUMENTS = "select list(document_id order by document_id) from marts.dim_documents"
JOINED = (
    "select count(*) from marts.fct_financial_facts as f "
    "join marts.dim_documents as d using (document_id)"
)
state = {"iterations": 0, "errors": [], "seen": [], "parquet_seen": []}

def note(key, value):
    if not state[key] or state[key][-1] != value:
        state[key].append(value)

held = duckdb.connect(warehouse, read_only=True) if mode == "held" else None
while True:
    stopping = __import__("os").path.exists(stop)
    try:
        con = held or duckdb.connect(warehouse, read_only=True)
        documents = con.execute(DOCUMENTS).fetchall()[0][0]
        con.execute(JOINED).fetchall()
        if held is None:
            con.close()
            # Resolved once per query, as docs/bi.md asks of readers during a publish:
            # DuckDB opens the file twice (bind, scan) and would tear across a switch.
            folder = __import__("os").path.realpath(parquet)
            with duckdb.connect() as memory:
                note("parquet_seen", memory.execute(
                    f"select list(document_id order by document_id) "
                    f"from read_parquet('{folder}/dim_documents.parquet')"
                ).fetchall()[0][0])
        note("seen", documents)
        state["iterations"] += 1
    except Exception as exc:
        state["errors"].append(repr(exc))
    with open(out + ".tmp", "w") as handle:
        json.dump(state, handle)
    __import__("os").replace(out + ".tmp", out)
    if stopping:
        break
    time.sleep(0.2)
"""


def reader_state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"iterations": 0}


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@contextmanager
def running_readers(workspace: Path) -> Iterator[dict[str, Path]]:
    """Run a `held` and a `fresh` reader on the published warehouse until the block ends."""
    warehouse = settings.warehouse_path()
    stop = workspace / "readers.stop"
    outputs = {mode: workspace / f"reader_{mode}.json" for mode in ("held", "fresh")}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                mode,
                str(warehouse),
                str(parquet_dir(warehouse)),
                str(out),
                str(stop),
            ]
        )
        for mode, out in outputs.items()
    ]
    try:
        for out in outputs.values():
            wait_for(lambda out=out: reader_state(out)["iterations"] > 0, 30, f"reader {out}")
        yield outputs
    finally:
        stop.touch()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def document_ids(warehouse: Path) -> list[str]:
    rows = query(warehouse, "select document_id from marts.dim_documents order by document_id")
    return [row["document_id"] for row in rows]


def test_readers_keep_their_view_through_a_run_and_new_connections_see_the_new_data(
    pipeline_workspace: Path, shared_warehouse: Path, tmp_path: Path
) -> None:
    """One pipeline run while two readers query the published warehouse.

    The warehouse published before the run is the session's shared one (bundled release and
    both fixtures), put in place with ``publish()``, so that this module needs one pipeline
    run only. The run publishes the bundled release and one fixture: the old and the new
    warehouse differ by a document, whichever way.
    """
    from orchestration.cli import run_pipeline

    warehouse = settings.warehouse_path()
    old_build = tmp_path / "old_build.duckdb"
    shutil.copy(shared_warehouse, old_build)
    publish(old_build, warehouse)
    old_documents = document_ids(warehouse)
    shutil.copy(FIXTURES / "acme_fy2022_full_year.txt", settings.disclosures_dir())

    with running_readers(pipeline_workspace) as files:
        summary = run_pipeline()
        assert summary.success, summary.render()
        new_documents = document_ids(warehouse)
        assert new_documents != old_documents
        wait_for(
            lambda: reader_state(files["fresh"]).get("seen", [None])[-1] == new_documents,
            30,
            "the fresh reader to see the new warehouse",
        )

    held, fresh = reader_state(files["held"]), reader_state(files["fresh"])
    assert held["errors"] == [] and fresh["errors"] == []
    # The held connection kept the file it opened: one consistent view through the run.
    assert held["seen"] == [old_documents]
    # New connections saw the old warehouse, then the new one, never anything in between.
    assert fresh["seen"] == [old_documents, new_documents]
    assert fresh["parquet_seen"] == [old_documents, new_documents]
    assert held["iterations"] > 10 and fresh["iterations"] > 10

    # The fixture's document is in the new warehouse, in its Parquet files and to SQLAlchemy.
    (acme,) = query(
        warehouse,
        "select document_id from marts.dim_documents where file_name = ?",
        "acme_fy2022_full_year.txt",
    )
    assert acme["document_id"] in new_documents
    engine = sa.create_engine(
        f"duckdb:///{warehouse}", connect_args={"read_only": True}, poolclass=NullPool
    )
    try:
        with engine.connect() as conn:
            seen = conn.execute(
                sa.text("select document_id from marts.dim_documents order by document_id")
            ).scalars()
            assert list(seen) == new_documents
    finally:
        engine.dispose()
    assert_parquet_matches(warehouse)
