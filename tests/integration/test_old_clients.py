"""The published warehouse opens in the older DuckDB that BI tools embed (issue #15).

Each client is a real DuckDB release from the package registry, installed by this module into
a virtual environment of its own under ``.cache/duckdb-clients/<version>/`` (outside git, kept
between runs and reused), and run as a subprocess that opens the warehouse read-only, as a BI
tool would. Every table and view must read under the file's own name, and every table of the
``marts`` schema must hold exactly the rows that the pipeline's DuckDB (2.x) reads. A client
that cannot be installed fails the test with pip's reason: it is never skipped.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from orchestration import settings
from orchestration.publish import publish

pytestmark = pytest.mark.integration

# The latest 1.1.x release on the registry: the oldest DuckDB that the default storage version
# (v1.1.0) promises to serve.
OLDEST_CLIENT = "1.1.3"
# The newest 1.x release on the registry.
NEWEST_1X_CLIENT = "1.5.6"
CLIENTS_DIR = settings.PROJECT_ROOT / ".cache" / "duckdb-clients"
# Written into a client's folder once its DuckDB imports at the right version.
READY_MARKER = "ready"
INSTALL_TIMEOUT_SECONDS = 600
PROBE_TIMEOUT_SECONDS = 300

# Run by every client, the pipeline's DuckDB included, so that all read and serialize alike.
# It opens the database read-only, counts the rows of every table and view, and writes every
# mart's columns and rows to a JSON file, each value tagged with its Python type so that
# DECIMAL stays exact text ("Decimal(1.500000)") and never becomes a float. Written for
# DuckDB 1.1 and later: fetchall() only, no API newer than 1.1.
PROBE = r"""
import datetime, decimal, json, sys
import duckdb

database, out = sys.argv[1:]


def canonical(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return "Decimal(" + str(value) + ")"
    if isinstance(value, float):
        return "float(" + repr(value) + ")"
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return type(value).__name__ + "(" + value.isoformat() + ")"
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in sorted(value.items(), key=str)}
    return type(value).__name__ + "(" + str(value) + ")"


def quoted(*names):
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


con = duckdb.connect(database, read_only=True)
catalog = con.execute("select current_database()").fetchall()[0][0]
relations = con.execute(
    "select schema_name, table_name, 'table' from duckdb_tables() where database_name = ? "
    "union all select schema_name, view_name, 'view' from duckdb_views() "
    "where database_name = ? and not internal order by 1, 2",
    [catalog, catalog],
).fetchall()
result = {"duckdb": duckdb.__version__, "catalog": catalog, "counts": {}, "errors": {}, "marts": {}}
for schema, name, kind in relations:
    key = schema + "." + name
    try:
        result["counts"][key] = con.execute(
            "select count(*) from " + quoted(schema, name)
        ).fetchall()[0][0]
        if schema == "marts" and kind == "table":
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = ? "
                "and schema_name = ? and table_name = ? order by column_index",
                [catalog, schema, name],
            ).fetchall()
            rows = con.execute("select * from " + quoted(schema, name)).fetchall()
            result["marts"][name] = {
                "columns": [list(column) for column in columns],
                "rows": sorted(json.dumps([canonical(value) for value in row]) for row in rows),
            }
    except duckdb.Error as error:
        result["errors"][key] = type(error).__name__ + ": " + str(error)
with open(out, "w", encoding="utf-8") as file:
    json.dump(result, file)
"""


def run_or_fail(command: list[str], what: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """Run ``command``; fail the test saying ``what`` went wrong, with its output, if it does."""
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: no answer after {timeout} s from {' '.join(command)}")
    if completed.returncode != 0:
        pytest.fail(
            f"{what}: {' '.join(command)} exited {completed.returncode}:\n"
            f"{completed.stderr[-3000:] or completed.stdout[-3000:]}"
        )
    return completed


def duckdb_client(version: str) -> Path:
    """The Python of a virtual environment holding DuckDB ``version`` from the package registry.

    Made on first use under ``CLIENTS_DIR/<version>`` and reused afterwards; a folder without
    the ready marker (an install cut short) is made again. A lock keeps two test processes
    from making the same one at once.
    """
    venv = CLIENTS_DIR / version
    python = venv / "bin" / "python"
    CLIENTS_DIR.mkdir(parents=True, exist_ok=True)
    with (CLIENTS_DIR / f"{version}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / READY_MARKER).exists():
            shutil.rmtree(venv, ignore_errors=True)
            run_or_fail(
                [sys.executable, "-m", "venv", str(venv)],
                f"could not create a virtual environment for DuckDB {version} in {venv}",
                INSTALL_TIMEOUT_SECONDS,
            )
            # Wheels only: building DuckDB from source would take the better part of an hour.
            run_or_fail(
                [
                    str(python),
                    *("-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                    *("--no-input", "--only-binary=:all:", f"duckdb=={version}"),
                ],
                f"pip could not install DuckDB {version} (a wheel for Python "
                f"{sys.version_info.major}.{sys.version_info.minor}) into {venv}",
                INSTALL_TIMEOUT_SECONDS,
            )
            installed = run_or_fail(
                [str(python), "-c", "import duckdb; print(duckdb.__version__)"],
                f"DuckDB {version} does not import in {venv}",
                INSTALL_TIMEOUT_SECONDS,
            ).stdout.strip()
            assert installed == version, f"{venv}: pip installed DuckDB {installed}, not {version}"
            (venv / READY_MARKER).write_text(version, encoding="utf-8")
    return python


def probe(python: Path | str, database: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run :data:`PROBE` with ``python`` on ``database``; its findings go to ``out``."""
    return subprocess.run(
        [str(python), "-c", PROBE, str(database), str(out)],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT_SECONDS,
        check=False,
    )


def read_with(python: Path | str, client: str, database: Path, out: Path) -> dict[str, Any]:
    """What DuckDB ``client`` (run by ``python``) reads in ``database``; fail if it cannot."""
    completed = probe(python, database, out)
    if completed.returncode != 0:
        pytest.fail(
            f"DuckDB {client} could not read {database} (written with "
            f"{settings.WAREHOUSE_STORAGE_VERSION_VARIABLE}="
            f"{settings.warehouse_storage_version()}):\n{completed.stderr[-3000:]}"
        )
    return json.loads(out.read_text(encoding="utf-8"))


def differences(client: str, found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every way ``found`` (read by DuckDB ``client``) differs from ``expected``, in words."""
    reference = f"DuckDB {expected['duckdb']}"
    problems = [
        f"DuckDB {client} cannot read {relation}: {error}"
        for relation, error in sorted(found["errors"].items())
    ]
    if found["catalog"] != expected["catalog"]:
        problems.append(
            f"DuckDB {client} names the database {found['catalog']!r}, "
            f"{reference} {expected['catalog']!r}"
        )
    for relation in sorted(set(found["counts"]) | set(expected["counts"])):
        mine, theirs = found["counts"].get(relation), expected["counts"].get(relation)
        if mine != theirs and relation not in found["errors"]:
            problems.append(f"DuckDB {client}, {relation}: {mine} rows, {reference}: {theirs}")
    for table, wanted in sorted(expected["marts"].items()):
        got = found["marts"].get(table)
        if got is None:
            problems.append(f"DuckDB {client}, marts.{table}: not read")
            continue
        if got["columns"] != wanted["columns"]:
            problems.append(
                f"DuckDB {client}, marts.{table}: columns {got['columns']}, "
                f"{reference}: {wanted['columns']}"
            )
        if got["rows"] != wanted["rows"]:
            missing = sorted(set(wanted["rows"]) - set(got["rows"]))
            extra = sorted(set(got["rows"]) - set(wanted["rows"]))
            problems.append(
                f"DuckDB {client}, marts.{table}: {len(got['rows'])} rows differ from "
                f"{reference}'s {len(wanted['rows'])}; first only in {reference}: "
                f"{missing[:1]}, first only in DuckDB {client}: {extra[:1]}"
            )
    return problems


@pytest.fixture(scope="module")
def as_the_pipeline_reads(shared_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The published warehouse as the pipeline's own DuckDB reads it, through the same probe."""
    out = tmp_path_factory.mktemp("old_clients") / "reference.json"
    found = read_with(sys.executable, duckdb.__version__, shared_warehouse, out)
    assert found["errors"] == {}, found["errors"]
    return found


@pytest.mark.parametrize("client", [OLDEST_CLIENT, NEWEST_1X_CLIENT])
def test_an_older_duckdb_reads_the_same_warehouse(
    client: str, shared_warehouse: Path, as_the_pipeline_reads: dict, tmp_path: Path
) -> None:
    found = read_with(duckdb_client(client), client, shared_warehouse, tmp_path / "found.json")
    assert found["duckdb"] == client
    assert found["catalog"] == shared_warehouse.stem
    # The comparison means something only if there is something to compare.
    assert {"dim_documents", "fct_financial_facts"} <= set(as_the_pipeline_reads["marts"])
    assert as_the_pipeline_reads["marts"]["fct_financial_facts"]["rows"]
    problems = differences(client, found, as_the_pipeline_reads)
    assert not problems, "\n".join(problems)


def storage_format(database: Path) -> str:
    """The storage format DuckDB reports for the file ``database``, e.g. ``v1.0.0+``."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchall()
    return rows[0][0]["storage_version"]


def database_in_format(path: Path, storage_version: str | None) -> Path:
    """A one-table DuckDB file at ``path``, written in ``storage_version`` (None: DuckDB's own)."""
    option = "" if storage_version is None else f" (storage_version '{storage_version}')"
    with duckdb.connect() as con:
        con.execute(f"attach '{path}' as sample{option}")
        con.execute("create table sample.amounts as select 1.5::decimal(38, 6) as amount")
        con.execute("detach sample")
    return path


def test_the_published_file_has_the_configured_storage_version(
    shared_warehouse: Path, tmp_path: Path
) -> None:
    configured = settings.warehouse_storage_version()
    # DuckDB reports a file's format, not the release asked for: v0.10.0 to v1.1.x write one
    # format (header version 64), reported as "v1.0.0+". So compare with a file that DuckDB
    # writes at the configured version.
    expected = storage_format(database_in_format(tmp_path / "configured.duckdb", configured))
    newest = storage_format(database_in_format(tmp_path / "newest.duckdb", None))
    published = storage_format(shared_warehouse)
    assert published == expected, (
        f"{shared_warehouse}: storage format {published}, but "
        f"{settings.WAREHOUSE_STORAGE_VERSION_VARIABLE}={configured} writes {expected}"
    )
    assert duckdb.__version__.startswith("2.")
    assert published != newest, (
        f"{shared_warehouse} is in DuckDB {duckdb.__version__}'s own format ({newest}), which "
        f"DuckDB 1.x cannot open: set {settings.WAREHOUSE_STORAGE_VERSION_VARIABLE} to a 1.x "
        "release"
    )


def test_the_oldest_client_refuses_the_pipelines_own_format(tmp_path: Path) -> None:
    """Without the storage version, the oldest client cannot open the file at all: the check
    above is what keeps BI tools working."""
    newest = database_in_format(tmp_path / "newest.duckdb", None)
    completed = probe(duckdb_client(OLDEST_CLIENT), newest, tmp_path / "found.json")
    assert completed.returncode != 0
    assert "version number" in completed.stderr, completed.stderr[-3000:]


def make_build_with_every_kind_of_object(path: Path) -> None:
    """A build database with a type, a sequence, a macro, constraints, and a view whose SQL
    names the build's own database, as dbt compiles its views ("<catalog>"."marts"...)."""
    catalog = path.stem
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create type marts.mood as enum ('calm', 'busy')")
        con.execute("create sequence marts.ids start 10")
        con.execute(
            "create table marts.amounts (id integer default nextval('marts.ids'), "
            "mood marts.mood, value decimal(38, 6) not null check (value >= 0))"
        )
        con.execute("insert into marts.amounts (mood, value) values ('calm', 1.5), ('busy', 2.25)")
        con.execute("create macro marts.doubled(amount) as amount * 2")
        con.execute("create schema staging")
        con.execute(
            "create view staging.doubled_amounts as select id, mood, "
            f'marts.doubled(value) as doubled from "{catalog}"."marts"."amounts"'
        )


def test_every_kind_of_object_is_published_for_the_oldest_client(tmp_path: Path) -> None:
    build = tmp_path / "disclosures_build.duckdb"
    make_build_with_every_kind_of_object(build)
    warehouse = publish(build, tmp_path / "warehouse" / "disclosures.duckdb")

    expected = read_with(sys.executable, duckdb.__version__, warehouse, tmp_path / "new.json")
    found = read_with(duckdb_client(OLDEST_CLIENT), OLDEST_CLIENT, warehouse, tmp_path / "old.json")
    assert expected["counts"] == {"marts.amounts": 2, "staging.doubled_amounts": 2}
    problems = differences(OLDEST_CLIENT, found, expected)
    assert not problems, "\n".join(problems)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select id, mood, doubled from staging.doubled_amounts order by id"
        ).fetchall() == [(10, "calm", Decimal("3.000000")), (11, "busy", Decimal("4.500000"))]
        # the sequence goes on where the build's left off
        assert con.execute(
            "select sequence_name, last_value from duckdb_sequences()"
        ).fetchall() == [("ids", 11)]
        assert con.execute(
            "select count(*) from duckdb_constraints() where table_name = 'amounts'"
        ).fetchall() == [(2,)]


def test_publish_refuses_a_view_that_reads_another_database(tmp_path: Path) -> None:
    build = tmp_path / "disclosures_build.duckdb"
    with duckdb.connect(str(build)) as con:
        con.execute(f"attach '{tmp_path / 'other.duckdb'}' as other")
        con.execute("create table other.elsewhere as select 1 as x")
        con.execute("create view from_elsewhere as select x from other.elsewhere")
    warehouse = tmp_path / "warehouse" / "disclosures.duckdb"
    with pytest.raises(
        RuntimeError,
        match=r"(?s)disclosures_build.duckdb: 1 view.s. cannot be read when the copy is opened as "
        r".*disclosures.duckdb, so it was not published.*main\.from_elsewhere: .*other",
    ):
        publish(build, warehouse)
    # nothing published, nothing left behind
    assert list(warehouse.parent.iterdir()) == []
