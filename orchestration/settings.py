"""The one place that resolves paths and environment variables.

Everything is read at call time, not import time, so a test (or a second run in the same
process) can point the pipeline elsewhere by setting environment variables. The Dagster
assets, checks and sensor get these settings through ``orchestration.resources``
(``WarehouseResource``), which resolves them here when a run starts. ``profiles.yml``
reads the build database through ``DBT_DUCKDB_PATH``, which :func:`export_environment` sets
from :func:`build_db_path` so dbt and Python always agree.

Environment variables (relative paths are taken from the repository root):

- ``DISCLOSURES_DIR``: input releases, default ``data/disclosures``.
- ``WAREHOUSE_PATH``: the published database, default ``data/warehouse/disclosures.duckdb``.
- ``BUILD_DB_PATH``: the database the pipeline writes and dbt builds into, default
  ``build/<name>_build.duckdb`` beside the warehouse ``<name>.duckdb``
  (``data/warehouse/build/disclosures_build.duckdb`` for the default warehouse).
- ``DAGSTER_HOME``: Dagster's instance folder (run history, the folder's partitions), default
  ``.dagster_home`` for the default warehouse, ``build/dagster_home`` beside any other.
- ``EXTRACTION_WORKERS``: processes that extract a run of many files, default every core.
- ``PER_DOCUMENT_EVENTS_LIMIT``: runs of up to this many files record a Dagster event per
  document, default 100.
- ``WAREHOUSE_STORAGE_VERSION``: the DuckDB storage format the published warehouse is written
  in, as ``vMAJOR.MINOR.PATCH``; default ``v1.1.0``, which DuckDB 1.1 and newer can open.

One folder, one warehouse: each warehouse has its own build database, dbt run folders
(:func:`dbt_runs_dir`), validation report (:func:`validation_dir`) and Dagster instance,
derived from ``WAREHOUSE_PATH``, so that building another folder into another warehouse
never touches this one's. Beside a warehouse named ``disclosures.duckdb`` (the default) the
folders keep the names they always had; beside any other, they carry its name.

:func:`export_environment` also sets ``DAGSTER_ENVIRONMENT``'s Dagster tuning, unless the
environment already sets those variables.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from orchestration.names import WRITER_TAG

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Telemetry is off in every command the project runs; dbt and the subprocesses it starts
# inherit these from os.environ.
TELEMETRY_ENVIRONMENT = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
}

DAGSTER_YAML_HEADER = "# Written by orchestration/settings.py"

# Dagster settings for every process the project starts (Dagster reads them from the
# environment, not from dagster.yaml):
# - one planned-materialization event per asset for a run over a range of partitions, not one
#   per partition (a run over 1,000 releases wrote 1,000 such events, 15 s). The cost, as
#   Dagster documents it: when such a run fails, its partitions are not marked failed in the
#   UI. The run shows as failed, and a release that cannot be read is recorded, not failed
#   (its raw.documents status).
# - the materializations of a run's partitions written in batches of 100, which the project's
#   event log stores in one transaction each (orchestration/event_log.py).
DAGSTER_ENVIRONMENT = {
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "1",
    "DAGSTER_EVENT_BATCH_SIZE": "100",
}


def dagster_yaml(home: Path) -> str:
    """The ``dagster.yaml`` the project writes into ``home``."""
    # a JSON string is a YAML string, quoted and escaped
    runs = json.dumps(str(home / "history" / "runs"))
    return f"""\
{DAGSTER_YAML_HEADER}. Delete this line before editing, or the next run rewrites the file.
telemetry:
  enabled: false
# Dagster's own SQLite event log with its connections kept open (orchestration/event_log.py).
event_log_storage:
  module: orchestration.event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {runs}
# One run at a time writes the build database (orchestration/locking.py): queued runs that
# carry this tag wait for the running one.
concurrency:
  runs:
    tag_concurrency_limits:
      - key: {json.dumps(WRITER_TAG)}
        limit: 1
"""


def _anchored(path: str) -> Path:
    """``path`` with ``~`` expanded, taken from the repository root when relative."""
    expanded = Path(path).expanduser()
    return expanded if expanded.is_absolute() else PROJECT_ROOT / expanded


def _path_from_env(name: str, default: str) -> Path:
    """Return the path in environment variable ``name``, anchored at the repository root."""
    return _anchored(os.environ.get(name) or default)


def disclosures_dir() -> Path:
    """Folder of earnings releases to extract (``DISCLOSURES_DIR``)."""
    return _path_from_env("DISCLOSURES_DIR", "data/disclosures")


DEFAULT_WAREHOUSE = "data/warehouse/disclosures.duckdb"


def warehouse_path() -> Path:
    """The published DuckDB file that readers open (``WAREHOUSE_PATH``)."""
    return _path_from_env("WAREHOUSE_PATH", DEFAULT_WAREHOUSE)


def state_name(warehouse: Path, name: str) -> str:
    """``name`` for a warehouse named like the default (the names existing builds have),
    ``<warehouse name>_name`` for any other: two warehouses side by side in one folder keep
    apart what the pipeline keeps for each (build state, validation report, Parquet export,
    HTML report)."""
    stem = warehouse.stem
    return name if stem == Path(DEFAULT_WAREHOUSE).stem else f"{stem}_{name}"


def _warehouse_state(folder: Path, name: str, warehouse: Path | None = None) -> Path:
    """``folder /`` :func:`state_name` of ``warehouse`` (default: the configured one)."""
    return folder / state_name(warehouse or warehouse_path(), name)


def validation_dir(warehouse: Path | None = None) -> Path:
    """Where each run's validation report goes: ``validation/`` beside the warehouse
    (``<name>_validation/`` beside a warehouse ``<name>.duckdb`` of another name).
    ``warehouse`` defaults to :func:`warehouse_path`."""
    warehouse = warehouse or warehouse_path()
    return _warehouse_state(warehouse.parent, "validation", warehouse)


def build_db_path(warehouse: Path | None = None) -> Path:
    """The DuckDB file the raw loader writes and dbt builds into (``BUILD_DB_PATH``); by
    default ``build/<name>_build.duckdb`` beside the warehouse ``<name>.duckdb``, so that each
    warehouse is built from its own folder's raw layer. ``warehouse`` defaults to
    :func:`warehouse_path`."""
    warehouse = warehouse or warehouse_path()
    default = warehouse.parent / "build" / f"{warehouse.stem}_build.duckdb"
    return _path_from_env("BUILD_DB_PATH", str(default))


def dbt_runs_dir(build_db: Path | None = None, warehouse: Path | None = None) -> Path:
    """Each run's dbt artifacts (``run_results.json``, logs): ``dbt_runs/`` beside the build
    database (``<name>_dbt_runs/`` for a warehouse of another name than the default), with
    the parse state the next run starts from. ``warehouse`` defaults to
    :func:`warehouse_path`, ``build_db`` to its :func:`build_db_path`."""
    warehouse = warehouse or warehouse_path()
    build_db = build_db or build_db_path(warehouse)
    return _warehouse_state(build_db.parent, "dbt_runs", warehouse)


def dbt_project_dir() -> Path:
    """The dbt project lives at the repository root."""
    return PROJECT_ROOT


def dbt_profiles_dir() -> Path:
    """``profiles.yml`` sits beside ``dbt_project.yml``."""
    return PROJECT_ROOT


DBT_COMMANDS = ("disclosure-dbt", "dbt")
"""The dbt commands, preferred first: ours (``orchestration/dbt_command.py``: dbt, ending
sooner), then dbt's own."""


def dbt_executable() -> str:
    """The dbt command installed beside this interpreter (:data:`DBT_COMMANDS`), so no
    virtualenv needs activating; ``dbt`` from ``PATH`` when neither is there."""
    for name in DBT_COMMANDS:
        beside = Path(sys.executable).parent / name
        if beside.exists():
            return str(beside)
    return "dbt"


def _whole_number_from_env(name: str, default: int, minimum: int) -> int:
    """The whole number in environment variable ``name`` (``default`` if unset or empty)."""
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{name}={value!r}: expected a whole number, {minimum} or more.")
    return int(value)


def extraction_workers() -> int:
    """Processes that extract releases at once (``EXTRACTION_WORKERS``; default: every core)."""
    return _whole_number_from_env("EXTRACTION_WORKERS", os.cpu_count() or 1, minimum=1)


def per_document_events_limit() -> int:
    """Runs of up to this many releases record each release's outcome as a Dagster event.

    Each event is a write to the instance's storage (about 9 ms with the project's event log,
    orchestration/event_log.py). A
    run over more releases logs its progress and failed documents instead, and its
    ``warehouse/disclosures`` materialization lists every document.
    ``PER_DOCUMENT_EVENTS_LIMIT`` overrides the default of 100.
    """
    return _whole_number_from_env("PER_DOCUMENT_EVENTS_LIMIT", 100, minimum=0)


WAREHOUSE_STORAGE_VERSION_VARIABLE = "WAREHOUSE_STORAGE_VERSION"
# BI tools embed an older DuckDB than the pipeline's, and DuckDB cannot open a file written in a
# newer storage format than its own. v1.1.0 is read by DuckDB 1.1 and every later release.
DEFAULT_WAREHOUSE_STORAGE_VERSION = "v1.1.0"
_STORAGE_VERSION_FORM = re.compile(r"v?([0-9]+)\.([0-9]+)\.([0-9]+)")


def warehouse_storage_version() -> str:
    """The DuckDB storage version the published warehouse is written in
    (``WAREHOUSE_STORAGE_VERSION``, default ``v1.1.0``), as ``vMAJOR.MINOR.PATCH``.

    DuckDB from this release on opens the published file; an older one may refuse it. ``1.1.0``
    is accepted for ``v1.1.0``. Whether DuckDB knows the release is checked when the warehouse
    is published (orchestration/publish.py).
    """
    raw = os.environ.get(WAREHOUSE_STORAGE_VERSION_VARIABLE) or DEFAULT_WAREHOUSE_STORAGE_VERSION
    match = _STORAGE_VERSION_FORM.fullmatch(raw.strip())
    if match is None:
        raise ValueError(
            f"{WAREHOUSE_STORAGE_VERSION_VARIABLE}={raw!r}: expected a DuckDB release as "
            f"vMAJOR.MINOR.PATCH, e.g. {DEFAULT_WAREHOUSE_STORAGE_VERSION} (the oldest DuckDB "
            "that must open the published warehouse). Unset it for the default, "
            f"{DEFAULT_WAREHOUSE_STORAGE_VERSION}."
        )
    major, minor, patch = (int(part) for part in match.groups())
    return f"v{major}.{minor}.{patch}"


def dagster_home() -> Path:
    """Dagster's instance folder (``DAGSTER_HOME``), holding run history for the UI.

    The instance also holds the document partitions, one per file of the folder, and the
    sensor's cursor: two folders sharing it would each see the other's files come and go.
    So it belongs to the warehouse too: ``.dagster_home`` for the default warehouse (where
    its run history has always been), ``build/dagster_home`` beside any other warehouse
    (``build/<name>_dagster_home`` for one of another name).
    """
    warehouse = warehouse_path()
    if warehouse == _anchored(DEFAULT_WAREHOUSE):
        default = ".dagster_home"
    else:
        default = str(_warehouse_state(warehouse.parent / "build", "dagster_home"))
    return _path_from_env("DAGSTER_HOME", default)


def ensure_dagster_home() -> Path:
    """Create the Dagster home and its ``dagster.yaml`` (:func:`dagster_yaml`), unless the
    file exists without our header line (someone made it their own)."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    wanted = dagster_yaml(home)
    current = config.read_text(encoding="utf-8") if config.exists() else None
    if current is None or (current.startswith(DAGSTER_YAML_HEADER) and current != wanted):
        config.write_text(wanted, encoding="utf-8")
    return home


def export_environment(build_db: Path | None = None) -> None:
    """Put the resolved settings into ``os.environ`` for Dagster, dbt and their subprocesses.

    ``build_db`` (default :func:`build_db_path`) is the database dbt builds into, as
    ``DBT_DUCKDB_PATH``. Call before creating a Dagster instance or invoking dbt. Idempotent.
    """
    build_db = build_db or build_db_path()
    os.environ.update(TELEMETRY_ENVIRONMENT)
    for name, value in DAGSTER_ENVIRONMENT.items():
        os.environ.setdefault(name, value)  # a value the user set wins
    # dagster-dbt's manifest preparer runs `dbt` from PATH: make that the one beside this
    # interpreter, as dbt_executable() does for the resource.
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, path]) if path else scripts
    os.environ["DAGSTER_HOME"] = str(ensure_dagster_home())
    os.environ["DBT_DUCKDB_PATH"] = str(build_db)
    build_db.parent.mkdir(parents=True, exist_ok=True)
    warehouse_storage_version()  # a malformed value fails now, not after the build
