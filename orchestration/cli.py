"""Command line: ``python -m orchestration.cli run`` builds the warehouse (``make run``).

``run`` executes the Dagster job in this process against the instance in ``DAGSTER_HOME``, so
the run, its logs and its asset checks show in the Dagster UI (``make ui``) afterwards.
``ui`` (alias ``dev``) starts the Dagster UI and daemon with the same settings. ``prepare``
only writes the dbt manifest and the Dagster home, for tools that load the definitions.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings

if TYPE_CHECKING:
    from dagster import DagsterInstance
    from dagster._utils.error import SerializableErrorInfo

# Dagster, dagster-dbt and the definitions are imported where they are used, not here: the
# extraction pool's worker processes import this module too (multiprocessing re-imports the
# main module in each), and should not pay seconds of imports they never use.


# Dagster's per-event DEBUG lines drown the progress lines; the run keeps them all anyway.
CONSOLE_AT_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


class NoDisclosuresError(FileNotFoundError):
    """The disclosures folder is empty: there is nothing to build."""


@dataclass
class PipelineSummary:
    """What one pipeline run did, for people (``print``) and for tests."""

    success: bool
    run_id: str
    warehouse: Path
    elapsed_seconds: float
    documents: int = 0
    figures: int = 0
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> reason
    failed_steps: dict[str, str] = field(default_factory=dict)  # step key -> error message
    quarantined: dict[str, str] = field(default_factory=dict)  # file name -> reason

    def render(self) -> str:
        """A few lines for the terminal."""
        outcome = "succeeded" if self.success else "FAILED"
        lines = [
            f"Pipeline {outcome} in {self.elapsed_seconds:.1f} s (Dagster run {self.run_id})",
            f"  documents read:     {self.documents}",
            f"  figures extracted:  {self.figures}",
            f"  documents rejected or incomplete: {len(self.rejected)}",
            *(f"    {name}: {reason}" for name, reason in sorted(self.rejected.items())),
            f"  documents quarantined: {len(self.quarantined)}",
            *(f"    {name}: {reason}" for name, reason in sorted(self.quarantined.items())),
        ]
        if self.success:
            lines.append(f"  warehouse:          {self.warehouse}")
        else:
            lines.append("  failed steps:")
            lines += [f"    {step}: {message}" for step, message in self.failed_steps.items()]
            lines.append(
                f"  the warehouse was not updated ({self.warehouse}); "
                "see the run's logs above or in the Dagster UI (`make ui`)."
            )
        return "\n".join(lines)


def run_pipeline() -> PipelineSummary:
    """Run every asset (extract, dbt build, publish) once, in process, and summarize the run."""
    from orchestration.project import prepare_dbt_project, start_background_parse

    started = time.monotonic()
    settings.export_environment()
    prepare_dbt_project()
    start_background_parse()
    # Imported only now: loading the definitions needs the manifest prepared above.
    from orchestration.definitions import DOCUMENTS_KEY, defs
    from orchestration.partitions import disclosure_files, sync_partitions

    job = defs.resolve_job_def("all_assets_job")
    files = disclosure_files(settings.disclosures_dir())
    if not files:
        raise NoDisclosuresError(
            f"{settings.disclosures_dir()} holds no disclosure files; put the releases there "
            "or point DISCLOSURES_DIR at the folder that holds them."
        )
    with _open_instance() as instance:
        # One partition per file; this run covers them all in one range.
        sync = sync_partitions(instance, files)
        result = job.execute_in_process(
            instance=instance,
            run_config=CONSOLE_AT_INFO,
            tags=sync.range_tags(),
            raise_on_error=False,
        )

    summary = PipelineSummary(
        success=result.success,
        run_id=result.run_id,
        warehouse=settings.warehouse_path(),
        elapsed_seconds=time.monotonic() - started,
    )
    for materialization in result.asset_materializations_for_node("extract_disclosures"):
        if materialization.asset_key == DOCUMENTS_KEY:
            metadata = materialization.metadata
            summary.documents = metadata["documents"].value
            summary.figures = metadata["figures"].value
            summary.rejected = dict(metadata["failures"].value)
    for event in result.all_events:
        if event.is_step_failure and event.step_key is not None:
            summary.failed_steps[event.step_key] = _root_cause(event.step_failure_data.error)
    if summary.success:
        summary.quarantined = _quarantined(summary.warehouse)
    return summary


def _open_instance() -> DagsterInstance:
    """The Dagster instance in ``DAGSTER_HOME``, its storage created under a lock.

    A new instance creates its SQLite tables on first open; two runs started together on a
    fresh home would both try (alembic: "more than one head"). The second waits here and
    then finds the tables made.
    """
    from dagster import AssetKey, DagsterInstance

    home = settings.ensure_dagster_home()
    with (home / ".instance.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        instance = DagsterInstance.get()
        # open (and, the first time, create) the run and event log storages
        instance.get_runs(limit=1)
        instance.get_dynamic_partitions("disclosure_documents")
        instance.get_latest_materialization_event(AssetKey(["raw", "documents"]))
    return instance


def _quarantined(warehouse: Path) -> dict[str, str]:
    """Documents the published warehouse holds back, with the reason, by file name."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select file_name, status_reason from marts.dim_documents "
            "where status = 'quarantined' order by file_name"
        ).fetchall()
    return dict(rows)


def _root_cause(error: SerializableErrorInfo | None) -> str:
    """The message of the first error below Dagster's own wrappers, which says what went wrong."""
    if error is None:
        return "unknown error"
    while error.cause is not None and error.cls_name and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error.message.strip()


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (non-zero if the run failed)."""
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="extract, build and publish the warehouse")
    commands.add_parser("ui", help="start the Dagster UI and daemon (dagster dev) on this project")
    commands.add_parser("dev", help="the same as ui")
    commands.add_parser("prepare", help="write the dbt manifest and the Dagster home")
    args = parser.parse_args(argv)
    from orchestration.project import prepare_dbt_project

    if args.command == "prepare":
        prepare_dbt_project()
        return 0
    if args.command in ("ui", "dev"):
        # The definitions read the dbt manifest at import: write it before dagster loads them.
        prepare_dbt_project()
        # Replace this process so that Ctrl-C and signals reach dagster dev directly.
        # Loopback only: the UI can launch runs, so it is not offered to the network.
        port = os.environ.get("DAGSTER_PORT", "3000")
        dagster = [
            sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions",
            "--host", "127.0.0.1", "--port", port,
        ]  # fmt: skip
        os.execv(sys.executable, dagster)
    try:
        summary = run_pipeline()
    except NoDisclosuresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary.render())
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main())
