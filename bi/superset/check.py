"""``make superset-check``: a real Apache Superset reads the published warehouse, and its chart
numbers are the warehouse's.

Superset lives in its own virtual environment (``--venv``; the Makefile installs it from
``bi/superset/requirements.txt``): its pins (Flask, SQLAlchemy 1.4, pandas 2, DuckDB 1.x) clash
with the project's. This script runs with the project's Python instead, for three reasons: it
builds the warehouse with the project's pipeline when ``WAREHOUSE_PATH`` is unset, it reads the
expected numbers with the pipeline's own DuckDB (a reader independent of Superset's), and it
renders the screenshot with :mod:`reporting.browser`. It talks to Superset only through its
command line and its REST API.

The steps, each timed: the warehouse (``WAREHOUSE_PATH``, else one built in a temporary
workspace from ``data/disclosures`` plus ``tests/fixtures/disclosures``); a throwaway
``SUPERSET_HOME`` with its ``superset_config.py`` (:func:`superset_config`); ``superset db
upgrade``, an admin, ``superset init``; the webserver on a free port of 127.0.0.1 in its own
process group; a login through ``/api/v1/security/login``; the warehouse registered read-only
(:func:`sqlalchemy_uri`) with a dataset for every ``marts`` table; the chart query (revenue by
segment and fiscal period) through ``/api/v1/chart/data``, compared with the same query run in
DuckDB (:func:`compare_rows`). ``--screenshot`` also renders a saved chart in headless Chromium.
The webserver is stopped (SIGTERM to its group, SIGKILL after ``STOP_TIMEOUT``) whatever happens.

Exit code 0 when every number matches, 1 on any failure (with what failed and what to do).
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from orchestration.settings import TELEMETRY_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[2]
DATABASE_NAME = "disclosure_warehouse"
# Datasets name the schema alone: DuckDB calls the file's catalog after the file name
# (`disclosures`), which Superset's DuckDB engine does not treat as a catalog.
SCHEMA = "marts"
FACTS_TABLE = "fct_financial_facts"
SEGMENTS_TABLE = "dim_segments"
# The consolidated entity and its reportable segments (not service lines or adjustments).
SEGMENT_TYPES = ("consolidated", "reportable_segment")
# Revenue as reported (not a forecast), from the latest release, the amount (not a change).
REVENUE_FILTERS: Mapping[str, str | bool] = {
    "line_item_id": "revenue",
    "scenario": "actual",
    "is_latest": True,
    "measure": "value",
}
GROUP_BY = ("company_id", "segment_id", "fiscal_year", "fiscal_period")
METRIC_LABEL = "revenue"
# Superset returns DECIMAL columns as floats: 15 significant digits survive, so a chart value
# matches when it is within this relative distance of the exact warehouse value.
RELATIVE_TOLERANCE = Decimal("1e-12")
# The screenshot's company: a synthetic fixture (tests/fixtures/disclosures), not a real release.
SCREENSHOT_COMPANY = "ksx-standard-4821"
SCREENSHOT_PATH = ROOT / "docs" / "images" / "superset-revenue-by-segment.png"
CHART_NAME = "Revenue by segment and fiscal period"
ADMIN_USER = "admin"
# `superset init` gives the Public role (anonymous visitors) Superset's read-only set of
# permissions when this variable says "Public"; unset, the role stays empty.
PUBLIC_ROLE_VARIABLE = "SUPERSET_CHECK_PUBLIC_ROLE_LIKE"
STARTUP_TIMEOUT = 240  # seconds for the webserver to answer /health (a cold start takes ~30 s)
STOP_TIMEOUT = 15  # seconds between SIGTERM and SIGKILL
HTTP_TIMEOUT = 120
# Milliseconds of page time Chromium gives the dashboard's scripts and queries to draw.
RENDER_WAIT_MS = 20_000
# The project's flags, and Superset's own, for the Superset processes this starts.
TELEMETRY = {**TELEMETRY_ENVIRONMENT, "SCARF_ANALYTICS": "false"}


class CheckFailed(RuntimeError):
    """A step of the check failed; the message says which, why and what to do."""


# --- pure parts (tests/unit/test_superset_check.py) -------------------------------------------


def superset_config(home: Path, secret_key: str) -> str:
    """The ``superset_config.py`` of a throwaway instance in ``home``.

    SQLite metadata database in ``home``; no examples; the anonymous visitors' role (``Public``)
    empty unless ``superset init`` runs with :data:`PUBLIC_ROLE_VARIABLE` set (see
    :func:`open_to_public`); Superset's only telemetry, an image from scarf.sh in the page
    header that the packaged front end always renders, blocked by leaving that host out of the
    Content Security Policy.
    """
    metadata_uri = f"sqlite:///{home / 'superset.db'}"
    return f'''\
"""Written by bi/superset/check.py for one check; deleted with its folder."""

import os

from superset.config import TALISMAN_CONFIG as _DEFAULT_TALISMAN_CONFIG

SECRET_KEY = {secret_key!r}
SQLALCHEMY_DATABASE_URI = {metadata_uri!r}
DATA_DIR = {str(home)!r}
SQLALCHEMY_EXAMPLES_URI = None
# Anonymous visitors get the role Public. While it is empty, every API request authenticates;
# once it holds permissions, requests for them run as the anonymous user, even with a token.
AUTH_ROLE_PUBLIC = "Public"
PUBLIC_ROLE_LIKE = os.environ.get({PUBLIC_ROLE_VARIABLE!r})
# Telemetry off: the browser may load images from this host and from no tracker.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {{
    **_DEFAULT_TALISMAN_CONFIG,
    "content_security_policy": {{
        directive: [source for source in sources if "scarf" not in source]
        if isinstance(sources, list)
        else sources
        for directive, sources in _DEFAULT_TALISMAN_CONFIG["content_security_policy"].items()
    }},
}}
'''


def sqlalchemy_uri(warehouse: Path) -> str:
    """The connection string that opens ``warehouse`` read-only through duckdb-engine.

    duckdb-engine passes the URL's query parameters to ``duckdb.connect`` as configuration,
    so ``access_mode=read_only`` opens the file as ``read_only=True`` does.
    """
    path = warehouse.resolve()
    if any(character in str(path) for character in "?#%"):
        raise CheckFailed(
            f"{path}: a warehouse path with '?', '#' or '%' cannot be written into a "
            "connection string unescaped; move the file or point WAREHOUSE_PATH elsewhere."
        )
    return f"duckdb:///{path.as_posix()}?access_mode=read_only"


def sql_filters(filters: Mapping[str, str | bool]) -> list[dict[str, Any]]:
    """Superset query filters (``col == val``) for the equality filters ``filters``."""
    return [{"col": column, "op": "==", "val": value} for column, value in filters.items()]


def segments_query(segment_types: Sequence[str]) -> dict[str, Any]:
    """A chart-data query listing the ``segment_id`` of ``dim_segments`` of ``segment_types``."""
    return {
        "columns": ["segment_id"],
        "metrics": [],
        "filters": [{"col": "segment_type", "op": "IN", "val": list(segment_types)}],
        "row_limit": 100_000,
    }


def revenue_query(segment_ids: Sequence[str]) -> dict[str, Any]:
    """A chart-data query: SUM(value) AS revenue by :data:`GROUP_BY`, over the revenue facts
    (:data:`REVENUE_FILTERS`) of ``segment_ids``."""
    return {
        "columns": list(GROUP_BY),
        "metrics": [
            {
                "expressionType": "SIMPLE",
                "column": {"column_name": "value"},
                "aggregate": "SUM",
                "label": METRIC_LABEL,
            }
        ],
        "filters": [
            *sql_filters(REVENUE_FILTERS),
            {"col": "segment_id", "op": "IN", "val": list(segment_ids)},
        ],
        "orderby": [[column, True] for column in GROUP_BY],
        "row_limit": 100_000,
    }


def chart_data_request(dataset_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """The body of ``POST /api/v1/chart/data`` running ``query`` on dataset ``dataset_id``."""
    return {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [query],
        "result_format": "json",
        "result_type": "full",
    }


def warehouse_sql() -> str:
    """The chart's query written for DuckDB directly (the expected numbers)."""
    conditions = [f"f.{column} = ?" for column in REVENUE_FILTERS]
    columns = ", ".join(f"f.{column}" for column in GROUP_BY)
    types = ", ".join("?" for _ in SEGMENT_TYPES)
    return (
        f"select {columns}, sum(f.value) as {METRIC_LABEL}\n"
        f"from {SCHEMA}.{FACTS_TABLE} as f\n"
        f"join {SCHEMA}.{SEGMENTS_TABLE} as s on s.segment_id = f.segment_id\n"
        f"where {' and '.join(conditions)} and s.segment_type in ({types})\n"
        f"group by all order by all"
    )


def warehouse_parameters() -> list[str | bool]:
    """The parameters of :func:`warehouse_sql`, in order."""
    return [*REVENUE_FILTERS.values(), *SEGMENT_TYPES]


Key = tuple[Any, ...]


def chart_rows_by_key(rows: Sequence[Mapping[str, Any]]) -> dict[Key, Any]:
    """Superset's result rows as ``{(company, segment, year, period): revenue}``."""
    missing = [column for column in (*GROUP_BY, METRIC_LABEL) if rows and column not in rows[0]]
    if missing:
        raise CheckFailed(f"Superset's chart data has no column {missing}: got {list(rows[0])}")
    return {tuple(row[column] for column in GROUP_BY): row[METRIC_LABEL] for row in rows}


def compare_rows(chart: Mapping[Key, Any], warehouse: Mapping[Key, Decimal]) -> list[str]:
    """What differs between Superset's numbers and the warehouse's, one line each (empty: none).

    Superset returns DECIMAL as float; a value matches within :data:`RELATIVE_TOLERANCE`.
    """
    problems = [f"{key}: in the warehouse, not in the chart" for key in warehouse.keys() - chart]
    problems += [f"{key}: in the chart, not in the warehouse" for key in chart.keys() - warehouse]
    for key in sorted(warehouse.keys() & chart.keys(), key=str):
        expected, got = warehouse[key], chart[key]
        if got is None or abs(Decimal(str(got)) - expected) > abs(expected) * RELATIVE_TOLERANCE:
            problems.append(f"{key}: chart {got!r}, warehouse {expected}")
    return sorted(problems)


def rison_string(value: str) -> str:
    """``value`` as a Rison string literal (Superset's and FAB's ``?q=`` filter syntax)."""
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def eq_filter_query(column: str, value: str | int) -> str:
    """The ``?q=`` parameter of a FAB list endpoint filtering ``column`` equal to ``value``."""
    rendered = rison_string(value) if isinstance(value, str) else str(value)
    return urllib.parse.quote(f"(filters:!((col:{column},opr:eq,value:{rendered})))")


def chart_form_data(dataset_id: int, company_id: str, segment_ids: Sequence[str]) -> dict:
    """The saved chart: a bar per segment for each fiscal period of ``company_id``."""
    return {
        "datasource": f"{dataset_id}__table",
        "viz_type": "echarts_timeseries_bar",
        "x_axis": {
            "expressionType": "SQL",
            "label": "fiscal period",
            "sqlExpression": "fiscal_period || ' ' || fiscal_year",
        },
        "metrics": [
            {
                "expressionType": "SIMPLE",
                "column": {"column_name": "value"},
                "aggregate": "SUM",
                "label": METRIC_LABEL,
            }
        ],
        "groupby": ["segment_id"],
        "adhoc_filters": [
            {
                "expressionType": "SIMPLE",
                "clause": "WHERE",
                "subject": column,
                "operator": "IN" if isinstance(value, list) else "==",
                "comparator": value,
            }
            for column, value in {
                **REVENUE_FILTERS,
                "company_id": company_id,
                "segment_id": list(segment_ids),
            }.items()
        ],
        "row_limit": 10_000,
        "show_legend": True,
        "legendType": "plain",
        "y_axis_format": "SMART_NUMBER",
        "x_axis_sort_asc": True,
        "time_grain_sqla": None,
    }


# --- steps with side effects ------------------------------------------------------------------


@dataclass
class Phases:
    """How long each step took, printed as each one ends."""

    timings: list[tuple[str, float]] = field(default_factory=list)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time the block as step ``name``."""
        print(f"-- {name} ...", flush=True)
        start = time.monotonic()
        try:
            yield
        finally:
            elapsed = time.monotonic() - start
            self.timings.append((name, elapsed))
            print(f"   {name}: {elapsed:.1f} s", flush=True)

    def render(self) -> str:
        """The table of steps and seconds."""
        lines = [f"  {seconds:7.1f} s  {name}" for name, seconds in self.timings]
        total = sum(seconds for _, seconds in self.timings)
        return "\n".join([*lines, f"  {total:7.1f} s  total"])


def build_warehouse(root: Path) -> Path:
    """Run the pipeline (``python -m orchestration.cli run``) on ``data/disclosures`` plus the
    fixture releases in workspace ``root``; return the published warehouse."""
    from benchmarks.workspace import Workspace
    from orchestration.partitions import disclosure_files

    space = Workspace(root)
    documents = [
        *disclosure_files(ROOT / "data" / "disclosures"),
        *sorted((ROOT / "tests" / "fixtures" / "disclosures").glob("*.txt")),
    ]
    returncode = space.run_pipeline(documents)
    if returncode != 0 or not space.warehouse.exists():
        tail = space.log.read_text(errors="replace")[-3000:]
        raise CheckFailed(
            f"the pipeline failed on {len(documents)} releases (exit {returncode}); "
            f"its log is {space.log}:\n{tail}"
        )
    print(f"   built {space.warehouse} from {len(documents)} releases", flush=True)
    return space.warehouse


def warehouse_rows(warehouse: Path) -> dict[Key, Decimal]:
    """The expected numbers: :func:`warehouse_sql` run with the pipeline's DuckDB, read-only."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(warehouse_sql(), warehouse_parameters()).fetchall()
    if not rows:
        raise CheckFailed(f"{warehouse}: no revenue facts to chart; is it the right file?")
    return {tuple(row[:-1]): row[-1] for row in rows}


def marts_tables(warehouse: Path) -> list[str]:
    """The tables of schema ``marts`` in ``warehouse``, by name."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [SCHEMA]
        ).fetchall()
    return [table for (table,) in tables]


def assert_superset_duckdb_reads(venv: Path, warehouse: Path) -> str:
    """Open ``warehouse`` read-only with the DuckDB of Superset's venv; return its version.

    Superset would report the same failure later, buried in a 500 response.
    """
    probe = (
        "import sys, duckdb\n"
        "duckdb.connect(sys.argv[1], read_only=True).close()\n"
        "print(duckdb.__version__)\n"
    )
    completed = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe, str(warehouse)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise CheckFailed(
            f"Superset's DuckDB cannot open {warehouse}:\n{completed.stderr.strip()[-1500:]}\n"
            "Publish it in an older storage format (WAREHOUSE_STORAGE_VERSION, default v1.1.0, "
            "orchestration/publish.py) or pin a newer duckdb in bi/superset/requirements.txt."
        )
    return completed.stdout.strip()


@dataclass(frozen=True)
class Instance:
    """A throwaway Superset: its venv, its home folder and its command-line environment."""

    venv: Path
    home: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment of every Superset process of this instance."""
        return dict(
            os.environ,
            **TELEMETRY,
            SUPERSET_HOME=str(self.home),
            SUPERSET_CONFIG_PATH=str(self.home / "superset_config.py"),
            FLASK_APP="superset.app:create_app()",
        )

    def superset(self, *arguments: str, env: Mapping[str, str] | None = None) -> str:
        """Run ``superset ARGUMENTS`` (with ``env`` added to the environment) and return its
        output; raise :class:`CheckFailed` on error."""
        command = [str(self.venv / "bin" / "superset"), *arguments]
        completed = subprocess.run(
            command, env={**self.env, **(env or {})}, capture_output=True, text=True, check=False
        )
        if completed.returncode != 0:
            output = (completed.stdout + completed.stderr).strip()[-3000:]
            raise CheckFailed(
                f"`superset {' '.join(arguments[:2])}` failed (exit {completed.returncode}):\n"
                f"{output}"
            )
        return completed.stdout


def write_config(instance: Instance) -> None:
    """Create the instance's home with its ``superset_config.py`` and a new SECRET_KEY."""
    instance.home.mkdir(parents=True, exist_ok=True)
    config = superset_config(instance.home, secrets.token_urlsafe(42))
    (instance.home / "superset_config.py").write_text(config, encoding="utf-8")


def create_admin(instance: Instance, password: str) -> None:
    """Create the admin user the check logs in as."""
    instance.superset(
        "fab",
        "create-admin",
        "--username",
        ADMIN_USER,
        "--firstname",
        "Superset",
        "--lastname",
        "Check",
        "--email",
        "admin@localhost",
        "--password",
        password,
    )


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_webserver(instance: Instance, port: int) -> Iterator[str]:
    """Run Superset's webserver on 127.0.0.1:``port`` in its own process group; yield its URL.

    Stopped on leaving, also on failure: SIGTERM to the group, SIGKILL after STOP_TIMEOUT.
    """
    log_path = instance.home / "webserver.log"
    command = [
        str(instance.venv / "bin" / "superset"),
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--with-threads",
    ]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, env=instance.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, process, log_path)
        yield base_url
    finally:
        stop_process_group(process)


def wait_for_health(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Poll ``/health`` until it answers OK; raise if the process dies or time runs out."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(
                f"the Superset webserver exited ({process.returncode}) before answering; "
                f"its log ({log_path}):\n{log_path.read_text(errors='replace')[-3000:]}"
            )
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base_url}/health", timeout=5) as response,
        ):
            if response.status == 200:
                return
        time.sleep(1)
    raise CheckFailed(
        f"the Superset webserver did not answer {base_url}/health within {STARTUP_TIMEOUT} s; "
        f"its log: {log_path}"
    )


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM ``process``'s group (it leads its own), then SIGKILL after STOP_TIMEOUT."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    print(f"   webserver (pid {process.pid}) stopped", flush=True)


class Client:
    """Superset's REST API with one logged-in session (bearer token, CSRF token, cookie)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.headers: dict[str, str] = {"Referer": base_url}

    def request(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        """Send one request; return the JSON answer, or raise with Superset's message."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=data,
            method=method,
            headers={**self.headers, "Content-Type": "application/json"},
        )
        try:
            with self.opener.open(request, timeout=HTTP_TIMEOUT) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:2000]
            raise CheckFailed(f"{method} {path}: HTTP {error.code}: {detail}") from error

    def login(self, username: str, password: str) -> None:
        """Log in as ``username``; later requests carry the access and CSRF tokens."""
        answer = self.request(
            "POST",
            "/api/v1/security/login",
            {"username": username, "password": password, "provider": "db", "refresh": False},
        )
        self.headers["Authorization"] = f"Bearer {answer['access_token']}"
        csrf = self.request("GET", "/api/v1/security/csrf_token/")
        self.headers["X-CSRFToken"] = csrf["result"]


def register_warehouse(client: Client, warehouse: Path, tables: Sequence[str]) -> dict[str, int]:
    """Register ``warehouse`` as a read-only database and each table of ``tables`` as a
    dataset of schema ``marts``; return ``{table: dataset id}``."""
    database = client.request(
        "POST",
        "/api/v1/database/",
        {
            "database_name": DATABASE_NAME,
            "sqlalchemy_uri": sqlalchemy_uri(warehouse),
            "expose_in_sqllab": True,
            "allow_dml": False,
        },
    )
    datasets = {}
    for table in tables:
        answer = client.request(
            "POST",
            "/api/v1/dataset/",
            {"database": database["id"], "schema": SCHEMA, "table_name": table},
        )
        datasets[table] = answer["id"]
    return datasets


def chart_data(client: Client, dataset_id: int, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Run ``query`` on a dataset through ``/api/v1/chart/data``; return its rows."""
    answer = client.request("POST", "/api/v1/chart/data", chart_data_request(dataset_id, query))
    result = answer["result"][0]
    if result.get("error"):
        raise CheckFailed(f"Superset's chart query failed: {result['error']}")
    return result["data"]


def check_numbers(client: Client, datasets: Mapping[str, int], expected: dict) -> list[str]:
    """Run the chart query in Superset and compare it with ``expected``; return the segment
    ids charted. Raises :class:`CheckFailed` listing every difference."""
    segments = chart_data(client, datasets[SEGMENTS_TABLE], segments_query(SEGMENT_TYPES))
    segment_ids = sorted({row["segment_id"] for row in segments})
    rows = chart_data(client, datasets[FACTS_TABLE], revenue_query(segment_ids))
    chart = chart_rows_by_key(rows)
    problems = compare_rows(chart, expected)
    if problems:
        listed = "\n  ".join(problems[:40])
        raise CheckFailed(
            f"Superset's revenue by segment and fiscal period differs from the warehouse's in "
            f"{len(problems)} places:\n  {listed}"
        )
    companies = sorted({key[0] for key in expected})
    print(
        f"   {len(rows)} rows (company, segment, fiscal year, period) match the warehouse: "
        f"{len(companies)} companies, {len(segment_ids)} consolidated or reportable segments; "
        f"Superset sent the amounts as {sorted({type(v).__name__ for v in chart.values()})}",
        flush=True,
    )
    return segment_ids


def open_to_public(instance: Instance, client: Client, dataset_id: int) -> None:
    """Give anonymous visitors Superset's read-only Public role and let it read dataset
    ``dataset_id`` (no other dataset), so that headless Chromium needs no login."""
    instance.superset("init", env={PUBLIC_ROLE_VARIABLE: "Public"})
    dataset = client.request("GET", f"/api/v1/dataset/{dataset_id}")["result"]
    permission = f"[{DATABASE_NAME}].[{dataset['table_name']}](id:{dataset_id})"
    resources = client.request(
        "GET", f"/api/v1/security/resources/?q={eq_filter_query('name', permission)}"
    )["result"]
    pairs = client.request(
        "GET",
        "/api/v1/security/permissions-resources/?q="
        + urllib.parse.quote(
            f"(page_size:100,filters:!((col:view_menu,opr:rel_o_m,value:{resources[0]['id']})))"
        ),
    )["result"]
    access = [p["id"] for p in pairs if p["permission"]["name"] == "datasource_access"]
    roles = client.request("GET", f"/api/v1/security/roles/?q={eq_filter_query('name', 'Public')}")
    role_id = roles["result"][0]["id"]
    current = client.request("GET", f"/api/v1/security/roles/{role_id}/permissions/")["result"]
    client.request(
        "POST",
        f"/api/v1/security/roles/{role_id}/permissions",
        {"permission_view_menu_ids": [p["id"] for p in current] + access},
    )


def dashboard_layout(chart_id: int, title: str) -> dict[str, Any]:
    """A dashboard's ``position_json``: one chart across the whole width (12 columns)."""
    chart_key, row_key = f"CHART-{chart_id}", "ROW-1"
    return {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [row_key], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": title}},
        row_key: {
            "type": "ROW",
            "id": row_key,
            "children": [chart_key],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        },
        chart_key: {
            "type": "CHART",
            "id": chart_key,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID", row_key],
            # height in grid units of 8 px
            "meta": {"chartId": chart_id, "width": 12, "height": 62},
        },
    }


def save_chart(client: Client, dataset_id: int, segment_ids: Sequence[str]) -> int:
    """Save the screenshot's chart on a dashboard of its own; return the dashboard id."""
    form_data = chart_form_data(dataset_id, SCREENSHOT_COMPANY, segment_ids)
    chart = client.request(
        "POST",
        "/api/v1/chart/",
        {
            "slice_name": f"{CHART_NAME}: {SCREENSHOT_COMPANY}",
            "viz_type": form_data["viz_type"],
            "datasource_id": dataset_id,
            "datasource_type": "table",
            "params": json.dumps(form_data),
        },
    )
    dashboard = client.request(
        "POST",
        "/api/v1/dashboard/",
        {
            "dashboard_title": CHART_NAME,
            "published": True,
            "position_json": json.dumps(dashboard_layout(chart["id"], CHART_NAME)),
        },
    )
    client.request("PUT", f"/api/v1/chart/{chart['id']}", {"dashboards": [dashboard["id"]]})
    return dashboard["id"]


def take_screenshot(base_url: str, dashboard_id: int, png: Path, scratch: Path) -> None:
    """Render the dashboard as an anonymous visitor in headless Chromium into ``png``.

    The page is first loaded as a DOM dump: it must show the chart's title and a drawn
    ECharts canvas, not the login page or a spinner.
    """
    from reporting import browser

    url = f"{base_url}/superset/dashboard/{dashboard_id}/?standalone=1"
    dom = browser.dump_dom(url, wait_ms=RENDER_WAIT_MS)
    (scratch / "dashboard.html").write_text(dom, encoding="utf-8")
    if f"{CHART_NAME}: {SCREENSHOT_COMPANY}" not in dom or "<canvas" not in dom:
        raise CheckFailed(
            f"{url} did not show the chart to an anonymous visitor (no chart title or no "
            f"canvas); the page as rendered: {scratch / 'dashboard.html'}"
        )
    browser.screenshot(url, png, width=1200, height=620, wait_ms=RENDER_WAIT_MS)
    print(f"   screenshot: {png}", flush=True)


def run_check(args: argparse.Namespace, phases: Phases, scratch: Path) -> None:
    """Every step of the check (module docstring), in order."""
    with phases.phase("warehouse"):
        given = os.environ.get("WAREHOUSE_PATH")
        warehouse = Path(given).resolve() if given else build_warehouse(scratch / "workspace")
        if not warehouse.exists():
            raise CheckFailed(f"WAREHOUSE_PATH={given}: no such file; run `make run` first.")
        expected = warehouse_rows(warehouse)
        version = assert_superset_duckdb_reads(args.venv, warehouse)
        print(f"   {warehouse}: {len(expected)} revenue rows; DuckDB {version} opens it")
    instance = Instance(args.venv, scratch / "superset_home")
    password = secrets.token_urlsafe(16)
    with phases.phase("superset db upgrade"):
        write_config(instance)
        instance.superset("db", "upgrade")
    with phases.phase("superset fab create-admin"):
        create_admin(instance, password)
    with phases.phase("superset init"):
        instance.superset("init")
    with contextlib.ExitStack() as stack:
        with phases.phase("webserver start (until /health answers)"):
            base_url = stack.enter_context(running_webserver(instance, free_port()))
        with phases.phase("login, register the warehouse and the marts datasets"):
            client = Client(base_url)
            client.login(ADMIN_USER, password)
            datasets = register_warehouse(client, warehouse, marts_tables(warehouse))
            print(f"   {sqlalchemy_uri(warehouse)}: {len(datasets)} datasets in schema {SCHEMA}")
        with phases.phase("chart query vs DuckDB"):
            segment_ids = check_numbers(client, datasets, expected)
        if args.screenshot:
            with phases.phase("screenshot"):
                open_to_public(instance, client, datasets[FACTS_TABLE])
                dashboard_id = save_chart(client, datasets[FACTS_TABLE], segment_ids)
                take_screenshot(base_url, dashboard_id, args.screenshot, scratch)
        with phases.phase("webserver stop"):
            stack.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line (``--help``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--venv", type=Path, required=True, help="Superset's virtual environment (.superset/venv)"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        nargs="?",
        const=SCREENSHOT_PATH,
        help=f"also render the chart in headless Chromium to this PNG ({SCREENSHOT_PATH})",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (logs, Superset home)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; 0 when Superset's numbers are the warehouse's, 1 otherwise."""
    args = parse_args(argv)
    os.environ.update(TELEMETRY)
    phases = Phases()
    scratch = Path(tempfile.mkdtemp(prefix="superset-check-"))
    try:
        run_check(args, phases, scratch)
    except CheckFailed as error:
        print(f"\nsuperset-check FAILED: {error}\n(files kept in {scratch})", file=sys.stderr)
        print(phases.render())
        return 1
    print(f"\nsuperset-check passed\n{phases.render()}")
    if args.keep:
        print(f"(files kept in {scratch})")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
