"""The semantic layer (models/semantic/, docs/semantic_layer.md) answers with the figures the
example analyses return.

MetricFlow (`mf query`) runs against a copy of the session's shared warehouse, never the
published file: dbt-duckdb opens its database read-write. `mf` reads the semantic manifest
from ``<project>/target/semantic_manifest.json`` and nowhere else, so the tests give it a
scratch project folder (``dbt_project.yml``, ``profiles.yml`` and the manifest of a
``dbt parse`` of the real project) rather than writing into the repository's ``target/``.
Expected values come from the analyses of analyses/ compiled and run on the warehouse
(as tests/integration/test_consumers.py does) and from the marts; none is typed in.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration import settings

pytestmark = pytest.mark.integration

ROOT = settings.PROJECT_ROOT
SIX_PLACES = Decimal("0.000001")
# The periods the metrics are defined over: suffix of the metric name -> months.
LENGTHS = {"": 12, "_half_year": 6, "_quarter": 3}
SEMANTIC_MODELS = {"financial_facts", "kpi_values", "companies", "segments", "periods"}
AMOUNTS = [
    "revenue",
    "gross_profit",
    "operating_profit",
    "profit_attributable_to_owners",
    "segment_revenue",
    "segment_operating_profit",
]
MARGINS = ["gross_margin", "operating_margin", "net_margin", "segment_operating_margin"]
KPIS = ["revenue_forecast", "operating_profit_forecast", "equity_ratio"]
KPIS += ["revenue_yoy_growth", "segment_share_of_revenue"]
METRICS = {name + suffix for name in AMOUNTS + MARGINS for suffix in LENGTHS} | set(KPIS)

Row = dict[str, Any]


@dataclass(frozen=True)
class SemanticProject:
    """A folder `mf` runs in, the environment it runs with, and the dbt artifacts."""

    folder: Path
    environment: dict[str, str]
    database_copy: Path

    @property
    def target(self) -> Path:
        return self.folder / "target"


def file_state(path: Path) -> tuple[int, int]:
    """Size and modification time: what a write to ``path`` would change."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def run(command: list[str], cwd: Path, environment: dict[str, str]) -> str:
    """Run ``command``; fail the test with its output if it fails; return its stdout."""
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, (
        f"{' '.join(command)} failed in {cwd}:\n"
        + completed.stdout[-4000:]
        + completed.stderr[-2000:]
    )
    return completed.stdout


def executable(name: str) -> str:
    """The ``name`` command installed beside this interpreter (dbt, mf)."""
    beside = Path(sys.executable).parent / name
    assert beside.exists(), f"{beside} is missing: run `make install` (requirements/lock.txt)"
    return str(beside)


@pytest.fixture(scope="module")
def published_state(shared_warehouse: Path) -> tuple[int, int]:
    """The published warehouse's size and mtime before any test of this module ran."""
    return file_state(shared_warehouse)


@pytest.fixture(scope="module")
def semantic_project(
    shared_warehouse: Path,
    published_state: tuple[int, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> SemanticProject:
    """`dbt parse` of the project with the profile pointed at a copy of the warehouse, and
    a scratch project folder holding what `mf` reads."""
    scratch = tmp_path_factory.mktemp("semantic_layer")
    # Same file name as the warehouse: dbt-duckdb names the catalog after the file's stem, and
    # the semantic manifest records relations as "<catalog>"."marts"."<table>".
    database_copy = scratch / "database" / shared_warehouse.name
    database_copy.parent.mkdir()
    shutil.copyfile(shared_warehouse, database_copy)
    folder = scratch / "project"
    folder.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copyfile(ROOT / name, folder / name)
    environment = dict(
        os.environ, **settings.TELEMETRY_ENVIRONMENT, DBT_DUCKDB_PATH=str(database_copy)
    )
    run(
        [
            executable("dbt"),
            "parse",
            "--no-partial-parse",
            "--project-dir",
            str(ROOT),
            "--profiles-dir",
            str(ROOT),
            "--target-path",
            str(folder / "target"),
            "--log-path",
            str(scratch / "logs"),
        ],
        ROOT,
        environment,
    )
    return SemanticProject(folder, environment, database_copy)


def mf_query(
    project: SemanticProject, metrics: Iterable[str], group_by: Iterable[str]
) -> list[Row]:
    """``mf query`` in the scratch project; its rows as dicts of strings ('' for null)."""
    out = project.folder / "query.csv"
    out.unlink(missing_ok=True)
    command = [executable("mf"), "query", "--metrics", ",".join(metrics)]
    command += ["--group-by", ",".join(group_by), "--csv", str(out), "--quiet"]
    run(command, project.folder, project.environment)
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def decimal_or_none(text: str) -> Decimal | None:
    return Decimal(text) if text != "" else None


def as_text(value: Any) -> str:
    """A value as `mf query --csv` writes it: null as ''."""
    return "" if value is None else str(value)


def percent_of_fraction(fraction: str) -> Decimal:
    """A ratio metric's fraction as the marts' percentage: * 100, half up to 6 places."""
    return (Decimal(fraction) * 100).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def query(database: Path, sql: str) -> list[Row]:
    """One query on ``database`` opened read-only; rows as dicts."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def analysis(shared_warehouse: Path, compiled_analyses: Path):
    """Run one example analysis, compiled against the warehouse, on it read-only."""
    compiled = compiled_analyses / "compiled" / "disclosure_warehouse" / "analyses"

    def run_analysis(name: str) -> list[Row]:
        return query(shared_warehouse, (compiled / f"{name}.sql").read_text(encoding="utf-8"))

    return run_analysis


@pytest.fixture(scope="module")
def periods(shared_warehouse: Path) -> dict[tuple[str, str], Row]:
    """dim_periods by (company_id, period_id)."""
    rows = query(shared_warehouse, "select * from marts.dim_periods")
    return {(r["company_id"], r["period_id"]): r for r in rows}


# ---------------------------------------------------------------- definitions and docs


def test_parse_lists_the_semantic_models_and_metrics(semantic_project: SemanticProject) -> None:
    semantic = json.loads((semantic_project.target / "semantic_manifest.json").read_text())
    assert {m["name"] for m in semantic["semantic_models"]} == SEMANTIC_MODELS
    assert {m["name"] for m in semantic["metrics"]} == METRICS
    relations = {m["node_relation"]["relation_name"] for m in semantic["semantic_models"]}
    catalog = semantic_project.database_copy.stem
    assert f'"{catalog}"."marts"."fct_financial_facts"' in relations
    (spine,) = semantic["project_configuration"]["time_spines"]
    assert spine["node_relation"]["relation_name"] == f'"{catalog}"."marts"."time_spine_daily"'
    column = spine["primary_column"]
    assert (column["name"], column["time_granularity"]) == ("date_day", "day")


# What each filter of a metric definition must be called in the metric's description.
FILTER_WORDS = [
    (r"Dimension\('fact__scenario'\) \}\} = '(\w+)'", "scenario '{0}'"),
    (r"Dimension\('fact__is_latest'\)", "is_latest"),
    (r"Dimension\('fact__measure'\) \}\} = '(\w+)'", "measure '{0}'"),
    (r"Entity\('segment'\) \}\} = '(\w+)'", "{0}"),
    (r"Dimension\('segment__segment_type'\) \}\} = '(\w+)'", "'{0}'"),
    (r"Dimension\('period__length_months'\) \}\} = (\d+)", "period__length_months = {0}"),
    (r"Dimension\('period__period_type'\) \}\} = '(\w+)'", "period__period_type '{0}'"),
    (r"Dimension\('(?:fact|kpi_fact)__line_item'\) \}\} = '(\w+)'", "line item {0}"),
    (r"Dimension\('kpi_fact__kpi'\) \}\} = '(\w+)'", "KPI {0}"),
]


def undocumented_filters(metric: Row) -> list[str]:
    """The filters of a manifest metric that its description does not name."""
    description = " ".join(metric["description"].split())
    missing = []
    for where in (metric.get("filter") or {}).get("where_filters", []):
        sql = where["where_sql_template"]
        matched = [(pattern, words) for pattern, words in FILTER_WORDS if re.search(pattern, sql)]
        assert matched, f"{metric['name']}: filter {sql!r} has no entry in FILTER_WORDS"
        for pattern, words in matched:
            expected = words.format(*re.search(pattern, sql).groups())
            if expected not in description:
                missing.append(f"{metric['name']}: {sql!r} not described ({expected!r})")
    return missing


def test_every_metric_is_documented_with_its_filters(semantic_project: SemanticProject) -> None:
    """The docs artifacts (manifest.json, which `dbt docs generate` renders; see
    reporting/dbt_docs.py) carry each metric with a description naming its filters."""
    manifest = json.loads((semantic_project.target / "manifest.json").read_text())
    metrics = {m["name"]: m for m in manifest["metrics"].values()}
    assert set(metrics) == METRICS
    problems = [f"{name}: no description" for name, m in metrics.items() if not m["description"]]
    for metric in metrics.values():
        problems += undocumented_filters(metric)
        if metric["type"] == "simple":
            assert metric["filter"]["where_filters"], f"{metric['name']} has no filter"
    assert not problems, "\n".join(problems)
    semantic_models = {m["name"]: m for m in manifest["semantic_models"].values()}
    assert set(semantic_models) == SEMANTIC_MODELS
    assert all(m["description"] for m in semantic_models.values())


def test_the_description_check_finds_an_undocumented_filter() -> None:
    metric = {
        "name": "revenue",
        "description": "Revenue, scenario 'actual', period__length_months = 6.",
        "filter": {
            "where_filters": [
                {"where_sql_template": "{{ Dimension('fact__scenario') }} = 'actual'"},
                {"where_sql_template": "{{ Dimension('period__length_months') }} = 12"},
            ]
        },
    }
    assert undocumented_filters(metric) == [
        "revenue: \"{{ Dimension('period__length_months') }} = 12\" not described "
        "('period__length_months = 12')"
    ]


# ---------------------------------------------------------------- figures


def length_of(row: Row, periods: dict[tuple[str, str], Row]) -> int | None:
    return periods[(row["company_id"], row["period_id"])]["length_months"]


def test_revenue_by_segment_and_fiscal_period_equals_the_analysis(
    semantic_project: SemanticProject, analysis, periods: dict[tuple[str, str], Row]
) -> None:
    metrics = [f"{name}{suffix}" for name in ("revenue", "segment_revenue") for suffix in LENGTHS]
    group_by = ["company", "segment", "period__fiscal_year", "period__fiscal_period"]
    got: dict[tuple[str, ...], Decimal] = {}
    for row in mf_query(semantic_project, metrics, group_by):
        key = tuple(row[name] for name in group_by)
        for metric in metrics:
            value = decimal_or_none(row[metric])
            if value is not None:
                assert (*key, metric) not in got, (key, metric)
                got[(*key, metric)] = value

    lengths = {months: suffix for suffix, months in LENGTHS.items()}
    expected: dict[tuple[str, ...], Decimal] = defaultdict(Decimal)
    for row in analysis("revenue_and_operating_profit_by_segment"):
        months = length_of(row, periods)
        kind = {"consolidated": "revenue", "reportable_segment": "segment_revenue"}
        if row["revenue"] is None or months not in lengths or row["segment_type"] not in kind:
            continue
        key = (row["company_id"], row["segment_id"], as_text(row["fiscal_year"]))
        key += (as_text(row["fiscal_period"]), kind[row["segment_type"]] + lengths[months])
        expected[key] += row["revenue"]

    printed = {key: value for key, value in got.items() if not key[-1].endswith("_quarter")}
    assert printed == {k: v for k, v in expected.items() if not k[-1].endswith("_quarter")}
    assert any(key[-1] == "revenue" for key in printed)
    assert any(key[-1].startswith("segment_revenue") for key in printed)
    # Quarters come from fct_kpis' discrete_quarter: the printed ones equal the analysis,
    # and more are derived where a release printed only cumulative periods.
    quarters = {key: value for key, value in expected.items() if key[-1].endswith("_quarter")}
    assert quarters and all(got.get(key) == value for key, value in quarters.items())


def test_operating_and_gross_margin_equal_margin_trends(
    semantic_project: SemanticProject, analysis, periods: dict[tuple[str, str], Row]
) -> None:
    kpis = {"operating_margin": "operating_margin", "gross_margin": "gross_margin"}
    metrics = [f"{name}{suffix}" for name in kpis for suffix in ("", "_half_year")]
    group_by = ["company", "period__fiscal_year", "period__fiscal_period"]
    got = {}
    for row in mf_query(semantic_project, metrics, group_by):
        for metric in metrics:
            if row[metric] != "":
                got[(*(row[name] for name in group_by), metric)] = percent_of_fraction(row[metric])

    suffixes = {12: "", 6: "_half_year"}
    expected = {}
    for row in analysis("margin_trends"):
        months = length_of(row, periods)
        if (
            row["segment_id"] != "consolidated"
            or row["kpi_id"] not in kpis
            or months not in suffixes
        ):
            continue
        key = (row["company_id"], as_text(row["fiscal_year"]), as_text(row["fiscal_period"]))
        assert (*key, row["kpi_id"] + suffixes[months]) not in expected
        expected[(*key, row["kpi_id"] + suffixes[months])] = row["margin_percent"]
    assert expected
    assert got == expected


def test_equity_ratio_and_quarters_equal_the_kpi_series(
    semantic_project: SemanticProject, analysis
) -> None:
    rows = mf_query(
        semantic_project,
        ["equity_ratio", "revenue_quarter"],
        ["company", "metric_time__day"],
    )
    got = {
        (row["company"], row["metric_time__day"][:10], metric): Decimal(row[metric])
        for row in rows
        for metric in ("equity_ratio", "revenue_quarter")
        if row[metric] != ""
    }
    expected = {}
    for row in analysis("kpi_time_series"):
        if row["segment_id"] != "consolidated":
            continue
        if row["kpi_id"] == "equity_ratio":
            metric = "equity_ratio"
        elif row["kpi_id"] == "discrete_quarter" and row["line_item_id"] == "revenue":
            metric = "revenue_quarter"
        else:
            continue
        expected[(row["company_id"], row["period_end"].isoformat(), metric)] = row["value"]
    assert {key[-1] for key in expected} == {"equity_ratio", "revenue_quarter"}
    assert got == expected


# ---------------------------------------------------------------- time spine and safety


def test_the_time_spine_covers_every_period_day_by_day(shared_warehouse: Path) -> None:
    (bounds,) = query(
        shared_warehouse,
        """
        select
            (select min(coalesce(period_start, period_end)) from marts.dim_periods) as first,
            (select max(period_end) from marts.dim_periods) as last,
            min(date_day) as spine_first,
            max(date_day) as spine_last,
            count(*) as days,
            count(distinct date_day) as distinct_days
        from marts.time_spine_daily
        """,
    )
    assert bounds["spine_first"] == date(bounds["first"].year, 1, 1)
    assert bounds["spine_last"] == date(bounds["last"].year, 12, 31)
    span = (bounds["spine_last"] - bounds["spine_first"] + timedelta(days=1)).days
    assert bounds["days"] == bounds["distinct_days"] == span


def test_metricflow_never_wrote_the_published_warehouse(
    shared_warehouse: Path, published_state: tuple[int, int], semantic_project: SemanticProject
) -> None:
    mf_query(semantic_project, ["revenue"], ["company"])
    assert file_state(shared_warehouse) == published_state
