"""Command line: ``python -m orchestration.cli run`` builds the warehouse (``make run``).

``run`` executes the Dagster job in this process against the instance in ``DAGSTER_HOME``, so
the run, its logs and its asset checks show in the Dagster UI (``make ui``) afterwards.
``ui`` (alias ``dev``) starts the Dagster UI and daemon with the same settings; Ctrl-C or
SIGTERM stops them and every process they started within 10 s. ``prepare`` only writes the dbt
manifest and the Dagster home, for tools that load the definitions.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration import settings
from orchestration.names import (
    DOCUMENTS_ASSET,
    DOCUMENTS_READ_KEY,
    EXTRACT_OP_NAME,
    FAILURES_KEY,
    FIGURES_KEY,
    JOB_NAME,
    PARTITIONS_NAME,
    UNCHANGED_FILES_KEY,
    UP_TO_DATE_KEY,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dagster import AssetKey, DagsterInstance, ExecuteInProcessResult
    from dagster_shared.error import SerializableErrorInfo

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
    documents: int = 0  # extracted by this run
    unchanged: int = 0  # loaded before by this extractor, not extracted again
    figures: int = 0
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> reason
    failed_steps: dict[str, str] = field(default_factory=dict)  # step key -> error message
    quarantined: dict[str, str] = field(default_factory=dict)  # file name -> reason
    # the run whose publish was current, when nothing changed and this run built nothing
    current_publish_run: str | None = None

    def render(self) -> str:
        """A few lines for the terminal."""
        outcome = "succeeded" if self.success else "FAILED"
        lines = [
            f"Pipeline {outcome} in {self.elapsed_seconds:.1f} s (Dagster run {self.run_id})",
            f"  documents read:     {self.documents}",
            f"  documents unchanged since loaded (not read again): {self.unchanged}",
            f"  figures extracted:  {self.figures}",
            f"  documents rejected or incomplete: {len(self.rejected)}",
            *(f"    {name}: {reason}" for name, reason in sorted(self.rejected.items())),
            f"  documents quarantined: {len(self.quarantined)}",
            *(f"    {name}: {reason}" for name, reason in sorted(self.quarantined.items())),
        ]
        if self.success and self.current_publish_run is not None:
            lines.append(
                f"  nothing changed since run {self.current_publish_run} published the "
                "warehouse: no build, validation or publish"
            )
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

    job = defs.resolve_job_def(JOB_NAME)
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
    _read_extraction(summary, result, DOCUMENTS_KEY)
    for event in result.all_events:
        if event.is_step_failure and event.step_key is not None:
            summary.failed_steps[event.step_key] = _root_cause(event.step_failure_data.error)
    if summary.success:
        summary.quarantined = _quarantined(summary.warehouse)
    return summary


def _read_extraction(
    summary: PipelineSummary, result: ExecuteInProcessResult, documents_key: AssetKey
) -> None:
    """Fill ``summary`` from the extraction step's metadata: on its materialization, or on
    its observation when the run found the published warehouse current and ended there."""
    events = [
        *result.asset_materializations_for_node(EXTRACT_OP_NAME),
        *result.asset_observations_for_node(EXTRACT_OP_NAME),
    ]
    for event in events:
        metadata = event.metadata
        if event.asset_key != documents_key or DOCUMENTS_READ_KEY not in metadata:
            continue  # another asset's, or one document's observation
        summary.documents = metadata[DOCUMENTS_READ_KEY].value
        summary.unchanged = metadata[UNCHANGED_FILES_KEY].value
        summary.figures = metadata[FIGURES_KEY].value
        summary.rejected = dict(metadata[FAILURES_KEY].value)
        if UP_TO_DATE_KEY in metadata:
            summary.current_publish_run = metadata[UP_TO_DATE_KEY].value


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
        instance.get_dynamic_partitions(PARTITIONS_NAME)
        instance.get_latest_materialization_event(AssetKey(list(DOCUMENTS_ASSET)))
    return instance


def _quarantined(warehouse: Path) -> dict[str, str]:
    """Documents the published warehouse holds back, with the reason, by file name."""
    import duckdb

    from orchestration import sql

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(sql.load("quarantined_documents")).fetchall()
    return dict(rows)


def _root_cause(error: SerializableErrorInfo | None) -> str:
    """The message of the first error below Dagster's own wrappers, which says what went wrong."""
    if error is None:
        return "unknown error"
    while error.cause is not None and error.cls_name and error.cls_name.startswith("Dagster"):
        error = error.cause
    return error.message.strip()


# `make ui`. dagster dev starts the webserver, the daemon and a code server, and the code server
# starts the runs; all of them stay in dagster dev's process group. Replaced by dagster dev
# (os.execv), this process left them behind: SIGTERM from make reached dagster dev alone, which
# stopped the webserver and daemon but left the code server waiting for its run, and a job
# started with `&` by a script ignores SIGINT, which dagster dev extends to SIGTERM. Instead,
# dagster dev runs as a child in a session of its own; this process alone receives Ctrl-C and
# make's SIGTERM, passes them on to the whole group, and kills what is left after a grace period.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# Seen here: dagster dev stopped within about 5 s of Ctrl-C when idle, but in 17 s with a run in
# progress on a busy machine (the code server waits for its run). Stopping must take under 10 s
# in all, so what still runs 6 s after the signal is killed.
STOP_GRACE_SECONDS = 6.0
_POLL_SECONDS = 0.2


def dagster_dev_command() -> list[str]:
    """``dagster dev`` on the project's definitions, on ``DAGSTER_PORT`` (default 3000)."""
    # Loopback only: the UI can launch runs, so it is not offered to the network.
    port = os.environ.get("DAGSTER_PORT", "3000")
    return [
        sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions",
        "--host", "127.0.0.1", "--port", port,
    ]  # fmt: skip


def run_until_stopped(command: Sequence[str], grace_seconds: float = STOP_GRACE_SECONDS) -> int:
    """Run ``command`` in a session of its own until it exits or a stop signal arrives.

    A stop signal (:data:`STOP_SIGNALS`) goes on to every process in the command's process
    group: SIGINT as SIGINT, as a terminal's Ctrl-C would, the others as SIGTERM. What still
    runs ``grace_seconds`` later, or at a second stop signal, is killed. When the command ends by
    itself, whatever it left running is stopped the same way.

    A signal ignored when this starts stays ignored (``nohup``; a job a script started with
    ``&`` ignores SIGINT), but the command starts with every stop signal at its default: it is
    in a session of its own, so only this process passes signals on to it.

    Returns minus the stop signal that ended the command, as ``Popen.returncode`` does for a
    death by signal; else the command's exit status as a shell reports it (128 + N for a death
    by a signal N that came from elsewhere).
    """
    ignored = {sig for sig in STOP_SIGNALS if signal.getsignal(sig) == signal.SIG_IGN}
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        if signum not in ignored:
            received.append(signum)

    # Set before the child starts: exec resets handlers (but not SIG_IGN) to the default.
    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        child = subprocess.Popen(command, start_new_session=True)
        while child.poll() is None and not received:
            time.sleep(_POLL_SECONDS)
        if received:
            print("\nStopping Dagster; a second Ctrl-C kills it at once.", file=sys.stderr)
        forward = signal.SIGINT if received[:1] == [signal.SIGINT] else signal.SIGTERM
        _stop_process_group(child, forward, grace_seconds, received)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return -received[0]
    status = child.returncode
    return 128 - status if status < 0 else status


def _stop_process_group(
    leader: subprocess.Popen[bytes], signum: int, grace_seconds: float, received: list[int]
) -> None:
    """Send ``signum`` to ``leader``'s process group and wait until the group is gone; kill the
    group after ``grace_seconds``, or at once when another stop signal lands in ``received``."""
    signals_before = len(received)
    _signal_process_group(leader, signum)
    deadline = time.monotonic() + grace_seconds
    while _process_group_alive(leader):
        if time.monotonic() > deadline or len(received) > signals_before:
            print("Killing what is left of Dagster.", file=sys.stderr)
            # Cannot be caught or ignored: nothing to wait for but the leader, below. (The
            # others are orphans, which init reaps, here a second or more later.)
            _signal_process_group(leader, signal.SIGKILL)
            break
        time.sleep(_POLL_SECONDS)
    leader.wait()


def _signal_process_group(leader: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(leader.pid, signum)


def _process_group_alive(leader: subprocess.Popen[bytes]) -> bool:
    """Whether any process of ``leader``'s group is left (the leader is reaped first: a zombie
    still counts as a member)."""
    leader.poll()
    try:
        os.killpg(leader.pid, 0)
    except ProcessLookupError:
        return False
    return True


def _end_by_signal(signum: int) -> None:
    """End this process by ``signum``, as Python does after an unhandled Ctrl-C, so that the
    shell or make that started it sees a stop, not a failure."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (non-zero if the run failed)."""
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="extract, build and publish the warehouse")
    commands.add_parser("ui", help="start the Dagster UI and daemon (dagster dev) on this project")
    commands.add_parser("dev", help="the same as ui")
    commands.add_parser(
        "prepare",
        help="write the dbt manifest, the Dagster home and the build database's dbt parse state",
    )
    args = parser.parse_args(argv)
    from orchestration.project import prepare_dbt_project, prepare_parse_state

    if args.command == "prepare":
        prepare_dbt_project()
        prepare_parse_state()
        return 0
    if args.command in ("ui", "dev"):
        # The definitions read the dbt manifest at import: write it before dagster loads them.
        prepare_dbt_project()
        status = run_until_stopped(dagster_dev_command())
        if status < 0:
            _end_by_signal(-status)
        return status
    try:
        summary = run_pipeline()
    except NoDisclosuresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary.render())
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main())
