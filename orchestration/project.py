"""The dbt project as Dagster sees it, and how to make its manifest."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration import settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dbt.adapters.base import BaseAdapter

# One cached project for the whole code location; dagster-dbt reads target/manifest.json.
DBT_PROJECT = DbtProject(
    project_dir=settings.dbt_project_dir(),
    profiles_dir=settings.dbt_profiles_dir(),
)

# Run folders kept in settings.dbt_runs_dir(): the newest this many; older ones are deleted.
DBT_RUNS_KEPT = 20
PARTIAL_PARSE = "partial_parse.msgpack"
# In the dbt run folders: the fingerprint of the dbt files of the last build that succeeded.
MODELS_FINGERPRINT = "models.fingerprint"

# What dbt parses: a change to any of these makes the manifest stale.
DBT_SOURCES = ["dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/data_tests"]
# What turns those files into SQL (the views' and the materializations' statements included)
DBT_PACKAGES = ("dbt-core", "dbt-duckdb")


def dbt_sources_fingerprint(project_dir: Path) -> str:
    """A hash of the names and contents of every file dbt parses in ``project_dir``, and of
    the installed versions of dbt and its adapter (:data:`DBT_PACKAGES`): a build that keeps
    what the last one made (incremental models, seeds, views) is one of the same files by
    the same dbt."""
    digest = hashlib.sha256()
    for package in DBT_PACKAGES:
        digest.update(f"{package}=={installed_version(package)}\n".encode())
    for name in DBT_SOURCES:
        root = project_dir / name
        paths = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(project_dir)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def prepare_dbt_project() -> None:
    """Export the settings (``settings.export_environment``) and write ``target/manifest.json``
    with ``dbt parse`` unless the dbt files are unchanged (:func:`prepare_manifest`).

    The Dagster definitions read the manifest at import time, and a fresh clone has none, so the
    command line calls this before loading them.
    """
    settings.export_environment()
    if prepare_manifest():
        # That parse ran with the profile the run's dbt build will have: its state saves
        # the run's first dbt build, or its background parse, a parse of its own.
        parsed = DBT_PROJECT.manifest_path.with_name(PARTIAL_PARSE)
        save_parse_state(parsed, settings.dbt_runs_dir())


def prepare_if_dev() -> None:
    """Under ``dagster dev`` (``make ui``), :func:`prepare_manifest` when the definitions load.

    dagster-dbt's ``DbtProject.prepare_if_dev`` parses the project in every process that
    loads the definitions under ``dagster dev``, changed or not: the code server and every
    run the UI, the sensor or the schedule launches, each paying ``dbt --version`` and a whole
    ``dbt parse`` (about 18 s of a core). This keeps what it is for, a manifest made again
    when the dbt files changed, and parses only then.
    """
    if DBT_PROJECT.preparer.using_dagster_dev():
        prepare_manifest()


def prepare_manifest() -> bool:
    """Write ``target/manifest.json`` with dagster-dbt's preparer (``dbt parse``) unless the
    dbt files are those of the manifest there; return whether it parsed.

    A fingerprint of the parsed files, kept beside the manifest, saves the parse when nothing
    changed; deleted files change it too, unlike a comparison of mtimes.
    """
    fingerprint_file = DBT_PROJECT.manifest_path.with_name("manifest.fingerprint")
    fingerprint = dbt_sources_fingerprint(DBT_PROJECT.project_dir)
    fingerprint_file.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting together (two `make run`, parallel test workers) would both
    # parse and write target/ at once: the second waits for the first, then finds it done.
    with fingerprint_file.with_name(".prepare.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (
            DBT_PROJECT.manifest_path.exists()
            and fingerprint_file.exists()
            and fingerprint_file.read_text(encoding="utf-8") == fingerprint
        ):
            return False
        DBT_PROJECT.preparer.prepare(DBT_PROJECT)
        fingerprint_file.write_text(fingerprint, encoding="utf-8")
        return True


# The parse started by start_background_parse in this process: the process, the folder it
# writes, and the run folders (of one build database) whose state it is.
_background_parse: tuple[subprocess.Popen[bytes], Path, Path] | None = None


def start_background_parse() -> None:
    """Start ``dbt parse`` for the build database unless its parse state is saved already.

    The first run on a build database has no saved state (see :func:`dbt_run_target`), and
    its ``dbt build`` would spend about 10 s parsing the whole project while this process
    has a core to spare: imports and extraction come first. The parse needs no database, so
    it runs meanwhile, with the environment ``dbt build`` will have (call
    ``settings.export_environment`` first); the dbt step of a run in this process waits for
    it and starts from its state. A parse that fails leaves nothing, and dbt parses as usual.
    """
    global _background_parse  # one parse a process, handed to the dbt step
    runs = settings.dbt_runs_dir()
    if _background_parse is not None and _background_parse[2] != runs:
        # a parse for another build database whose run never reached dbt: not this one's
        _background_parse = None
    if _background_parse is not None or (runs / _saved_parse_name(runs)).exists():
        return
    folder = runs / f".parse-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    command = [
        settings.dbt_executable(), "parse",
        "--project-dir", str(DBT_PROJECT.project_dir),
        "--profiles-dir", str(settings.dbt_profiles_dir()),
        "--target-path", str(folder), "--log-path", str(folder),
    ]  # fmt: skip
    with (folder / "parse.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    _background_parse = (process, folder, runs)


def prepare_parse_state() -> None:
    """Save dbt's parse state for the build database now, unless it is saved already: what
    a run there leaves for the next one. ``python -m orchestration.cli prepare`` calls it, so
    that a workspace copied or moved to a new path (whose state is for the old path) does
    not parse the whole project again in its next run, the sensor's included (which, unlike
    ``make run``, starts no background parse)."""
    start_background_parse()
    _adopt_background_parse(settings.dbt_runs_dir())


def _adopt_background_parse(runs: Path) -> None:
    """Wait for this process's background parse and save its state for the build database."""
    global _background_parse
    if _background_parse is None or _background_parse[2] != runs:
        return  # none, or one for another build database: never this one's state
    (process, folder, _), _background_parse = _background_parse, None
    process.wait()
    parsed = folder / PARTIAL_PARSE
    if process.returncode == 0 and parsed.exists():
        parsed.replace(runs / _saved_parse_name(runs))
    shutil.rmtree(folder, ignore_errors=True)


def dbt_run_target(runs: Path, run_id: str) -> Path:
    """A new dbt target folder for one run in ``runs`` (the build database's dbt run folders,
    ``settings.dbt_runs_dir``), holding the parse state the last run left.

    dbt parses the project again unless it finds its saved state (``partial_parse.msgpack``)
    from a parse with the same profile, and the profile includes the build database's path.
    dagster-dbt seeds each run with the state in the project's ``target/``, which is right
    only for the default path; so each build database keeps its own, beside it, from its last
    run (about 8 s saved a run), from the parse that wrote the manifest
    (:func:`prepare_dbt_project`), or from a parse started with the run
    (:func:`start_background_parse`). The state is named after the project folder and the
    build database's (:func:`_saved_parse_name`), because it holds absolute paths
    (dagster-dbt's preparer makes seeds re-parse for the same reason).
    """
    target = runs / f"{time.strftime('%Y%m%dT%H%M%S')}-{run_id[:8]}"
    target.mkdir(parents=True, exist_ok=True)
    _adopt_background_parse(runs)
    saved = runs / _saved_parse_name(runs)
    if saved.exists():
        shutil.copyfile(saved, target / PARTIAL_PARSE)
    return target


def keep_dbt_run(target: Path) -> None:
    """Save the run's parse state for the next run, and delete all but the newest run folders.

    Call once dbt has exited; runs on one build database take turns (``locking.py``).
    """
    runs = target.parent
    save_parse_state(target / PARTIAL_PARSE, runs)
    # the unnamed state that versions before the named one (_saved_parse_name) kept here,
    # which no run reads any longer
    (runs / PARTIAL_PARSE).unlink(missing_ok=True)
    folders = sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in folders[:-DBT_RUNS_KEPT]:
        shutil.rmtree(old, ignore_errors=True)


def save_parse_state(parsed: Path, runs: Path) -> None:
    """Save dbt's parse state ``parsed``, if there is one, as the state of the build database
    whose dbt run folders are ``runs``, for its next run (:func:`dbt_run_target`)."""
    if not parsed.exists():
        return
    runs.mkdir(parents=True, exist_ok=True)
    partial = runs / f".{_saved_parse_name(runs)}.{os.getpid()}"
    shutil.copyfile(parsed, partial)
    partial.replace(runs / _saved_parse_name(runs))


def models_changed_since_last_build(runs: Path, fingerprint: str) -> bool:
    """Whether the dbt files (``fingerprint``: :func:`dbt_sources_fingerprint`) differ from
    those of the last build of this build database that succeeded (recorded in ``runs`` by
    :func:`record_models_built`), or no build is recorded.

    An incremental model keeps the rows that earlier models and seeds made: when they
    change, a ``--full-refresh`` rebuilds it from every document, so that an incremental
    warehouse never holds what a full rebuild would not.
    """
    recorded = runs / MODELS_FINGERPRINT
    return not recorded.exists() or recorded.read_text(encoding="utf-8") != fingerprint


def record_models_built(runs: Path, fingerprint: str) -> None:
    """Record ``fingerprint`` as the dbt files of the build that just succeeded."""
    runs.mkdir(parents=True, exist_ok=True)
    partial = runs / f".{MODELS_FINGERPRINT}.{os.getpid()}"
    partial.write_text(fingerprint, encoding="utf-8")
    partial.replace(runs / MODELS_FINGERPRINT)


def _saved_parse_name(runs: Path) -> str:
    """The file name in ``runs`` of the parse state valid there: dbt's state holds absolute
    paths, the project folder's and, in the profile, the build database's, so the name is
    a hash of both (of ``runs``, which lies beside the build database). A workspace copied
    or moved elsewhere finds no state of its new paths, and parses once, instead of
    handing dbt a state that it throws away ("profile has changed") in every run."""
    paths = f"{DBT_PROJECT.project_dir.resolve()}\n{runs.resolve()}"
    return f"{PARTIAL_PARSE}.{hashlib.sha256(paths.encode()).hexdigest()[:12]}"


class DbtCli(DbtCliResource):
    """dagster-dbt's ``DbtCliResource`` without two costs it pays before every dbt command.

    - It asks the dbt executable for its version, to tell dbt Core from the Fusion engine:
      ``dbt --version`` in a subprocess, about 4 s on this machine. When the executable is the
      one installed beside this interpreter (``settings.dbt_executable``), the installed
      dbt-core package says the same without starting it.
    - It builds a dbt adapter inside this process, about 3 s, which it uses for nothing but
      ``fetch_row_counts`` and ``fetch_column_metadata``. The dbt step counts rows itself,
      once dbt has exited, and uses neither.

    Both override private members of dagster-dbt (pinned in requirements/lock.txt);
    ``tests/unit/test_dbt_cli.py`` fails when an upgrade renames or stops calling them.
    """

    @cached_property
    def _cli_version(self) -> Version:
        beside = Path(sys.executable).parent
        if Path(self.dbt_executable) in {beside / name for name in settings.DBT_COMMANDS}:
            return Version(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> BaseAdapter | None:  # type: ignore[override]
        del args
        return None
