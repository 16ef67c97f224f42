"""The pure parts of the Superset check (bi/superset/check.py): its config, the connection
string, the queries it sends and the comparison of Superset's rows with the warehouse's.

Superset itself runs only in `make superset-check`; nothing here imports it."""

from __future__ import annotations

import ast
import json
import sys
import urllib.parse
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

# bi/ is read from the checkout, installed or not
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bi.superset import check  # noqa: E402

KEY = ("tse-0001", "consolidated", 2021, "FY")


def test_config_is_python_with_its_own_metadata_db_and_secret(tmp_path: Path) -> None:
    text = check.superset_config(tmp_path, "s3cret'key")
    tree = ast.parse(text)  # a config that is not valid Python would stop every command
    assigned = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert ast.literal_eval(assigned["SECRET_KEY"]) == "s3cret'key"
    assert ast.literal_eval(assigned["SQLALCHEMY_DATABASE_URI"]) == (
        f"sqlite:///{tmp_path / 'superset.db'}"
    )
    assert ast.literal_eval(assigned["SQLALCHEMY_EXAMPLES_URI"]) is None
    assert ast.literal_eval(assigned["AUTH_ROLE_PUBLIC"]) == "Public"
    assert check.PUBLIC_ROLE_VARIABLE in ast.unparse(assigned["PUBLIC_ROLE_LIKE"])


def test_config_drops_the_telemetry_host_from_the_content_security_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run the config against a stand-in for superset.config, as Superset would import it.
    fake = type(sys)("superset.config")
    fake.TALISMAN_CONFIG = {
        "force_https": False,
        "content_security_policy": {
            "img-src": ["'self'", "https://apachesuperset.gateway.scarf.sh", "data:"],
            "default-src": ["'self'"],
            "upgrade-insecure-requests": None,
        },
    }
    monkeypatch.setitem(sys.modules, "superset", type(sys)("superset"))
    monkeypatch.setitem(sys.modules, "superset.config", fake)
    namespace: dict = {}
    exec(check.superset_config(tmp_path, "key"), namespace)
    policy = namespace["TALISMAN_CONFIG"]["content_security_policy"]
    assert policy == {
        "img-src": ["'self'", "data:"],
        "default-src": ["'self'"],
        "upgrade-insecure-requests": None,
    }
    assert namespace["TALISMAN_CONFIG"]["force_https"] is False


def test_connection_string_is_absolute_and_read_only(tmp_path: Path) -> None:
    uri = check.sqlalchemy_uri(tmp_path / "warehouse" / "disclosures.duckdb")
    assert uri == f"duckdb:///{tmp_path}/warehouse/disclosures.duckdb?access_mode=read_only"
    assert uri.startswith("duckdb:////")  # four slashes: an absolute path


def test_connection_string_refuses_a_path_it_cannot_write_unescaped(tmp_path: Path) -> None:
    with pytest.raises(check.CheckFailed, match="WAREHOUSE_PATH"):
        check.sqlalchemy_uri(tmp_path / "what?.duckdb")


def test_revenue_query_filters_and_groups_like_the_warehouse_sql() -> None:
    query = check.revenue_query(["consolidated", "segment_a"])
    assert query["columns"] == list(check.GROUP_BY)
    filters = {f["col"]: (f["op"], f["val"]) for f in query["filters"]}
    assert filters == {
        "line_item_id": ("==", "revenue"),
        "scenario": ("==", "actual"),
        "is_latest": ("==", True),
        "measure": ("==", "value"),
        "segment_id": ("IN", ["consolidated", "segment_a"]),
    }
    body = check.chart_data_request(7, query)
    assert body["datasource"] == {"id": 7, "type": "table"}
    json.dumps(body)  # the request goes out as JSON


def test_warehouse_sql_runs_in_duckdb_and_keeps_only_the_chosen_segment_types() -> None:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.dim_segments (segment_id varchar, segment_type varchar)")
    con.execute(
        "insert into marts.dim_segments values ('consolidated', 'consolidated'), "
        "('robots', 'reportable_segment'), ('adjustments', 'adjustment')"
    )
    con.execute(
        "create table marts.fct_financial_facts (company_id varchar, segment_id varchar, "
        "line_item_id varchar, scenario varchar, is_latest boolean, measure varchar, "
        "fiscal_year integer, fiscal_period varchar, value decimal(38, 6))"
    )
    con.execute(
        "insert into marts.fct_financial_facts values "
        "('c', 'consolidated', 'revenue', 'actual', true, 'value', 2021, 'FY', 100.5), "
        "('c', 'robots', 'revenue', 'actual', true, 'value', 2021, 'FY', 60), "
        "('c', 'adjustments', 'revenue', 'actual', true, 'value', 2021, 'FY', -1), "
        "('c', 'robots', 'revenue', 'forecast', true, 'value', 2022, 'FY', 70), "
        "('c', 'robots', 'revenue', 'actual', false, 'value', 2021, 'FY', 59), "
        "('c', 'robots', 'revenue', 'actual', true, 'change_percent', 2021, 'FY', 3), "
        "('c', 'robots', 'operating_income', 'actual', true, 'value', 2021, 'FY', 9)"
    )
    rows = con.execute(check.warehouse_sql(), check.warehouse_parameters()).fetchall()
    assert rows == [
        ("c", "consolidated", 2021, "FY", Decimal("100.500000")),
        ("c", "robots", 2021, "FY", Decimal("60.000000")),
    ]


def test_equal_numbers_compare_clean_through_floats() -> None:
    warehouse = {KEY: Decimal("109053887000.000000"), (*KEY[:1], "seg", 2021, "1H"): Decimal("0.1")}
    chart = {KEY: 109053887000.0, (*KEY[:1], "seg", 2021, "1H"): 0.1}
    assert check.compare_rows(chart, warehouse) == []


def test_a_changed_value_a_missing_row_and_an_extra_row_are_each_reported() -> None:
    other = ("tse-0001", "segment_a", 2021, "FY")
    extra = ("tse-0001", "segment_b", 2021, "FY")
    warehouse = {KEY: Decimal("1000000.000000"), other: Decimal("5")}
    chart = {KEY: 1000001.0, extra: 3.0}
    problems = check.compare_rows(chart, warehouse)
    assert len(problems) == 3
    assert any("chart 1000001.0, warehouse 1000000.000000" in p for p in problems)
    assert any(str(other) in p and "not in the chart" in p for p in problems)
    assert any(str(extra) in p and "not in the warehouse" in p for p in problems)


def test_a_null_chart_value_is_a_difference() -> None:
    assert check.compare_rows({KEY: None}, {KEY: Decimal("1")}) == [
        f"{KEY}: chart None, warehouse 1"
    ]


def test_chart_rows_are_keyed_by_the_grouping_columns() -> None:
    row = dict(zip(check.GROUP_BY, KEY, strict=True), revenue=5.0)
    assert check.chart_rows_by_key([row]) == {KEY: 5.0}
    with pytest.raises(check.CheckFailed, match="revenue"):
        check.chart_rows_by_key([dict.fromkeys(check.GROUP_BY)])


def test_filter_query_is_url_safe_rison() -> None:
    query = check.eq_filter_query("name", "[db].[it's!](id:3)")
    assert urllib.parse.unquote(query) == (
        "(filters:!((col:name,opr:eq,value:'[db].[it!'s!!](id:3)')))"
    )
    assert urllib.parse.unquote(check.eq_filter_query("id", 4)).endswith("value:4)))")


def test_dashboard_layout_places_the_chart_across_the_grid() -> None:
    layout = check.dashboard_layout(42, "Title")
    chart = layout["CHART-42"]
    assert chart["meta"]["chartId"] == 42 and chart["meta"]["width"] == 12
    # every child named is an element of the layout, whose parents list leads to the root
    for key, element in layout.items():
        if isinstance(element, dict):
            for child in element.get("children", []):
                assert child in layout and layout[child]["parents"][-1] == key
