"""The benchmark of issue #7 (``make bench``): extraction, the whole pipeline, one added release,
peak memory, the example queries, accuracy and the bare dbt floor, against the targets.

Usage: python -m benchmarks.bench [--repeats 3] [--large-repeats 1] [--sizes 1,100,1000]
                                  [--out docs/benchmarks.md] [--workdir DIR] [--keep]

Everything runs in a temporary folder (a generated corpus, warehouses, build databases and
Dagster homes of its own); nothing touches ``data/``. The pipeline is ``python -m
orchestration.cli run`` (``make run``) in a subprocess. Medians over ``--repeats`` runs for the
small cases and ``--large-repeats`` for the largest corpus (the defaults keep the whole bench
near a quarter of an hour on two cores). Prints a table and writes ``--out`` (Markdown) with
the date, the machine and the load average beside every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # corpus/ and benchmarks/ are read from the checkout

from benchmarks import throughput  # noqa: E402
from benchmarks.accuracy import compare  # noqa: E402
from benchmarks.workspace import Workspace  # noqa: E402
from corpus import generate_corpus  # noqa: E402
from orchestration.settings import TELEMETRY_ENVIRONMENT  # noqa: E402
from reporting.analyses import compile_analyses  # noqa: E402

PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "dagster-dbt", "great-expectations")
TARGETS = {
    "extraction": 50.0,  # releases per second per core
    "pipeline_1000": 90.0,  # seconds
    "add_one": 20.0,  # seconds
    "unchanged": 15.0,  # seconds: `make run` again with nothing changed
    "fresh_over_floor": 2.0,  # a fresh small run against a bare dbt build of it (ratio)
    "memory": 2 * 1024**3,  # bytes
    "query": 0.200,  # seconds
}
HISTORY_MARKER = "<!-- everything below this line is kept by make bench -->"


# ---------------------------------------------------------------- measuring


def load() -> float:
    """The one-minute load average now."""
    return os.getloadavg()[0]


@dataclass
class Timed:
    """Seconds of each repeat, with the one-minute load average at the start of each."""

    seconds: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def load_text(self) -> str:
        low, high = min(self.loads), max(self.loads)
        return f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"


class TreeMemory:
    """Samples the summed resident memory of a process and all its descendants (``/proc``)."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self._sample())

    def _sample(self) -> int:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree.update(children)
            frontier += children
        total = 0
        for pid in tree:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page
            except (OSError, IndexError):
                continue
        return total


@dataclass
class ProcessRun:
    seconds: float
    returncode: int
    output: str
    max_rss: int  # bytes, the largest single process of the tree (wait4)
    tree_rss: int  # bytes, the sampled peak of the whole tree's sum


def run_process(command: list[str], env: dict[str, str], log: Path) -> ProcessRun:
    """Run ``command`` from the repository root; time it and measure its memory."""
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        with TreeMemory(process.pid) as memory:
            # wait4's rusage covers the child and every descendant it waited for (Linux)
            _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return ProcessRun(
        seconds,
        process.returncode,
        log.read_text(errors="replace"),
        usage.ru_maxrss * 1024,
        memory.peak,
    )


def run_id_of(output: str) -> str | None:
    """The Dagster run id from the command line's closing summary."""
    for line in output.splitlines():
        if "(Dagster run " in line:
            return line.rsplit("(Dagster run ", 1)[1].rstrip(")").strip()
    return None


def pipeline(space: Workspace, log: Path) -> ProcessRun:
    """``python -m orchestration.cli run`` on ``space`` (a failed run is reported, not raised)."""
    return run_process([sys.executable, "-m", "orchestration.cli", "run"], space.env(), log)


# ---------------------------------------------------------------- profile of one run


def collect_profile(
    space: Workspace, run_id: str | None, wall: float, keep_as: Path
) -> dict[str, Any]:
    """Where one run's time went (``wall`` seconds for its whole process): Dagster's step
    timings and dbt's node timings. dbt's ``run_results.json`` is kept as ``keep_as``."""
    profile: dict[str, Any] = {"wall": wall, "run_id": run_id}
    if run_id is None:
        return profile
    code = (
        "import json, sys\n"
        "from dagster import DagsterInstance\n"
        "with DagsterInstance.get() as i:\n"
        "    s = i.get_run_stats(sys.argv[1])\n"
        "    steps = {x.step_key: [x.start_time, x.end_time]\n"
        "             for x in i.get_run_step_stats(sys.argv[1])}\n"
        "    from collections import Counter\n"
        "    records = i.get_records_for_run(sys.argv[1], limit=10_000_000).records\n"
        "    kinds = Counter(str(r.event_log_entry.dagster_event_type or 'LOG_MESSAGE')\n"
        "                    .rsplit('.', 1)[-1] for r in records)\n"
        "    def span(kind, step=None):\n"
        "        t = [r.timestamp for r in records if r.event_log_entry.dagster_event_type\n"
        "             and str(r.event_log_entry.dagster_event_type).endswith(kind)\n"
        "             and (step is None or r.event_log_entry.step_key == step)]\n"
        "        return [len(t), max(t) - min(t) if t else 0.0]\n"
        "    print(json.dumps({'start': s.start_time, 'end': s.end_time, 'steps': steps,\n"
        "                      'events': len(records), 'event_kinds': kinds.most_common(8),\n"
        "                      'planned': span('ASSET_MATERIALIZATION_PLANNED'),\n"
        "                      'raw_materializations':\n"
        "                          span('.ASSET_MATERIALIZATION', 'extract_disclosures')}))\n"
    )
    stats = subprocess.run(
        [sys.executable, "-c", code, run_id],
        env=space.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    profile |= json.loads(stats.stdout.strip().splitlines()[-1])
    # each run's dbt artifacts: dbt_runs/<time>-<run id[:8]>/ beside the build database
    for folder in sorted(space.build_db.parent.joinpath("dbt_runs").glob(f"*-{run_id[:8]}")):
        results = folder / "run_results.json"
        if results.exists():
            shutil.copyfile(results, keep_as)
            profile["dbt"] = dbt_node_timings(results)
        shutil.rmtree(folder, ignore_errors=True)  # kept in keep_dir
    return profile


def dbt_node_timings(run_results: Path) -> dict[str, Any]:
    """Per-node execution time from dbt's ``run_results.json``, models and tests apart."""
    data = json.loads(run_results.read_text())
    nodes = [(r["unique_id"], r["execution_time"], r["status"]) for r in data["results"]]
    by_type: dict[str, float] = {}
    for unique_id, seconds, _ in nodes:
        kind = unique_id.split(".", 1)[0]
        by_type[kind] = by_type.get(kind, 0.0) + seconds
    return {
        "elapsed": data.get("elapsed_time"),
        "by_type": by_type,
        "count": len(nodes),
        "top": sorted(nodes, key=lambda n: -n[1])[:12],
    }


# ---------------------------------------------------------------- the parts


def bench_extraction(releases: list[Path], repeats: int, workers: int) -> tuple[Timed, Timed, int]:
    docs = [(p.name, p.read_bytes()) for p in releases]
    throughput._extract_all(docs[:2])  # imports and compiled patterns, outside the timings
    one, pool = Timed(), Timed()
    figures = 0
    for _ in range(repeats):
        one.loads.append(load())
        seconds, figures = throughput._one_process(docs, 1)
        one.seconds.append(seconds)
    for _ in range(repeats):
        pool.loads.append(load())
        seconds, figures = throughput._pool(docs, 1, workers)
        pool.seconds.append(seconds)
    return one, pool, figures


def bench_raw_load(releases: list[Path], work: Path) -> tuple[Timed, Timed, list[Any]]:
    """Extraction alone and the raw upsert alone (``raw_store.upsert_results``, batches of
    ``UPSERT_BATCH``) of ``releases``, one process each; and a hash of the raw tables."""
    from extraction import PARSER_VERSION, extract_file
    from orchestration import raw_store

    extract, upsert = Timed(), Timed()
    extract.loads.append(load())
    start = time.perf_counter()
    results = [extract_file(p) for p in releases]
    extract.seconds.append(time.perf_counter() - start)
    database = work / "raw_only.duckdb"
    database.unlink(missing_ok=True)
    loaded_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    upsert.loads.append(load())
    start = time.perf_counter()
    with raw_store.open_store(database) as con:
        for first in range(0, len(results), raw_store.UPSERT_BATCH):
            batch = results[first : first + raw_store.UPSERT_BATCH]
            loadable = [raw_store.loadable(result, PARSER_VERSION) for result in batch]
            raw_store.upsert_results(con, loadable, loaded_at)
    upsert.seconds.append(time.perf_counter() - start)
    upsert.extra["raw_hash"] = raw_tables_hash(database)
    (work / "raw_tables.hash").write_text(upsert.extra["raw_hash"] + "\n")
    return extract, upsert, results


def raw_tables_hash(database: Path) -> str:
    """One hash over every raw table's rows in a fixed order (content, not file bytes)."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
            ).fetchall()
        ]
        parts = []
        for table in tables:
            # every column, the load time too (the bench fixes it); rows in any order
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'raw'"
                    " and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            (digest,) = con.execute(
                "select md5(coalesce(string_agg(h, '' order by h), ''))"
                f" from (select md5(cast(row({listed}) as varchar)) as h from raw.{table})"
            ).fetchall()[0]
            parts.append(f"{table}:{digest}")
    return " ".join(parts)


def bench_floor(space: Workspace, work: Path, repeats: int, name: str = "floor") -> Timed:
    """A bare ``dbt build`` of the same models on the same raw tables (no Dagster, no GX),
    from a parse of its own; its files in ``work`` are named after ``name``."""
    import duckdb

    floor = Timed()
    for number in range(repeats):
        database = work / f"{name}_{number}.duckdb"
        shutil.copyfile(space.build_db, database)
        with duckdb.connect(str(database)) as con:
            for schema in ("staging", "intermediate", "marts", "seeds"):
                con.execute(f"drop schema if exists {schema} cascade")
            con.execute("checkpoint")
        env = dict(os.environ, **TELEMETRY_ENVIRONMENT, DBT_DUCKDB_PATH=str(database))
        command = [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(ROOT),
            "--profiles-dir",
            str(ROOT),
            "--target-path",
            str(work / f"{name}_target_{number}"),
            "--log-path",
            str(work / f"{name}_logs_{number}"),
        ]
        floor.loads.append(load())
        result = run_process(command, env, work / f"{name}_{number}.log")
        if result.returncode != 0:
            raise SystemExit(f"bare dbt build failed; see {work / f'{name}_{number}.log'}")
        floor.seconds.append(result.seconds)
        results = work / f"{name}_target_{number}" / "run_results.json"
        floor.extra["dbt"] = dbt_node_timings(results)
        database.unlink()
    return floor


def median_ms(call: Callable[[], Any], runs: int) -> float:
    """The median of ``runs`` timings of ``call``, in milliseconds."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000


def first_row(con: Any, sql: str) -> None:
    """Run ``sql`` until its first row, on a cursor of its own, closed after: DuckDB 2 keeps
    an unfinished result, which the connection's next ``sql()`` would refuse."""
    with con.cursor() as cursor:
        cursor.execute(sql).fetchone()


def bench_queries(warehouse: Path, work: Path, runs: int) -> dict[str, Timed]:
    """Compile ``analyses/`` against ``warehouse`` (as tests/integration/test_consumers.py
    does) and time each compiled query on a read-only connection, three ways.

    Judged: every row handed to the client as an Arrow table (``to_arrow_table``: columnar,
    amounts exact as ``decimal128``), how dataframe clients and Arrow-speaking BI tools
    read DuckDB. Beside it: every row turned into Python objects (``fetchall``, amounts as
    ``Decimal``: a per-value cost that grows with the rows, the client's and not the
    query's), and the time to the first row (the joins and the sort done, nothing handed
    over).
    """
    import duckdb

    target = compile_analyses(warehouse, work / "compile")
    compiled = target / "compiled" / "disclosure_warehouse" / "analyses"
    timings: dict[str, Timed] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for path in sorted(compiled.glob("*.sql")):
            sql = path.read_text()
            timed = Timed()
            for _ in range(runs):
                timed.loads.append(load())
                start = time.perf_counter()
                table = con.sql(sql).to_arrow_table()
                timed.seconds.append(time.perf_counter() - start)
            timed.extra["rows"] = table.num_rows
            timed.extra["first"] = timed.seconds[0]
            timed.extra["python"] = median_ms(lambda sql=sql: con.execute(sql).fetchall(), runs)
            timed.extra["first_row"] = median_ms(lambda sql=sql: first_row(con, sql), runs)
            timings[path.stem] = timed
    return timings


def prepared_copy(snapshot: Workspace, root: Path) -> Workspace:
    """A copy of ``snapshot`` at ``root``, prepared there as a workspace that has run in place
    is (``python -m orchestration.cli prepare``: dbt's parse state for the build database at
    its new path, which a run there leaves for the next one). Not timed: without it, the
    first dbt build of the copy parses the whole project, as it would after a user moved the
    workspace, not as a run on a warehouse that stays where it is."""
    space = snapshot.copy_to(root)
    subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "prepare"],
        cwd=ROOT,
        env=space.env(),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return space


def bench_single_partition(space: Workspace, added: Path, log: Path) -> ProcessRun:
    """What the sensor's run does for one new file: ``all_assets_job`` for its partition."""
    shutil.copyfile(added, space.disclosures / added.name)
    command = [sys.executable, "-m", "benchmarks.single_partition", added.name]
    return run_process(command, space.env(), log)


# ---------------------------------------------------------------- report


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    memory = next(
        int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in PACKAGES)
    return {
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{memory / 1024**3:.1f} GiB",
        "CPU": cpu,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "packages": versions,
    }


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def mib(value: int) -> str:
    return f"{value / 1024**2:,.0f} MiB"


def failed_steps(output: str) -> str:
    """The failed steps named in the command line's summary of a failed run."""
    if "failed steps:" not in output:
        return "see the log"
    tail = output.split("failed steps:", 1)[1].split("the warehouse was not updated")[0]
    return " ".join(tail.replace("dagster._core.errors.", "").split())[:200]


class Report:
    """The page as it grows: written after every part, so an interrupted bench leaves results."""

    def __init__(self, args: argparse.Namespace, out: Path) -> None:
        self.args, self.out = args, out
        self.summary: list[tuple[str, str, str, str, str]] = []
        self.details: list[str] = []
        self.date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.machine = machine()
        self.load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
        self.finished = False

    def row(self, measure: str, result: str, load_text: str, target: str, ok: str) -> None:
        self.summary.append((measure, result, load_text, target, ok))

    def write(self) -> None:
        args = self.args
        command = " ".join(["python -m benchmarks.bench", *args.argv])
        state = "" if self.finished else " **(incomplete: the bench was still running)**"
        lines = [
            "# Benchmarks",
            "",
            f"Written by `make bench` (`{command}`) on {self.date}{state}. Medians of "
            f"{args.repeats} repeats for the small cases and {args.large_repeats} for the "
            f"{max(args.sizes):,}-release corpus. Every load figure is the one-minute load "
            "average at the start of a measurement (lowest to highest over repeats); the machine "
            "is shared with other work, so read each timing with its load.",
            "",
            "| machine | |",
            "| --- | --- |",
            *(f"| {k} | {v} |" for k, v in self.machine.items()),
            f"| load average (1, 5, 15 min) at start / end | {self.load_start} / "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} |",
            "",
            "## Summary against the targets",
            "",
            "| measure | result | load | target | |",
            "| --- | --- | --- | --- | --- |",
            *(f"| {m} | {v} | {ld} | {t} | {ok} |" for m, v, ld, t, ok in self.summary),
            "",
            *self.details,
        ]
        self.out.parent.mkdir(parents=True, exist_ok=True)
        kept = ""
        if self.out.exists() and HISTORY_MARKER in self.out.read_text():
            kept = self.out.read_text().split(HISTORY_MARKER, 1)[1]
        self.out.write_text("\n".join(lines) + "\n" + HISTORY_MARKER + kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the small cases (3)")
    parser.add_argument("--large-repeats", type=int, default=1, help="repeats at 1,000 (1)")
    parser.add_argument("--sizes", default="1,100,1000", help="pipeline corpus sizes")
    parser.add_argument("--extraction-docs", type=int, default=200, help="for throughput (200)")
    parser.add_argument("--query-runs", type=int, default=7, help="runs of each query (7)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--skip-add-run",
        action="store_true",
        help="skip the second full `make run` for one added release (a whole large run again)",
    )
    parser.add_argument(
        "--skip-release",
        action="append",
        default=[],
        metavar="FILE_NAME",
        help="leave this generated release out (e.g. one the validation gate rejects)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--workdir", type=Path, help="default: a new temporary folder")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else argv
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    largest = max(args.sizes)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="disclosure-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = Report(args, args.out)
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s, load {load():.2f}] {message}", flush=True)

    def attempt(part: str, function: Callable[[], Any], default: Any = None) -> Any:
        """Run one part; if it breaks, say so in the page and go on with the others."""
        try:
            return function()
        except Exception as error:  # a long bench should keep what it measured
            say(f"{part} failed: {error!r}")
            report.details += [f"**{part} could not be measured**: `{error!r}`", ""]
            return default
        finally:
            report.write()

    say(
        f"work folder {work}; medians of {args.repeats} repeats ({args.large_repeats} at "
        f"{largest:,}); sizes {args.sizes}; the whole bench takes several large pipeline runs"
    )
    # The checkout's dbt manifest (target/), which the first run after an edit of the dbt files
    # writes once (a whole `dbt parse`), is not a cost of the runs measured: written first.
    subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "prepare"],
        cwd=ROOT,
        env=Workspace(work / "prepare").env(),
        stdout=subprocess.DEVNULL,
        check=True,
    )
    # One corpus of largest + 1 releases: the first ones for the pipelines, the last one added.
    corpus_dir = work / "corpus"
    releases = generate_corpus(largest + 1 + len(args.skip_release), corpus_dir, args.seed)
    releases = [path for path in releases if path.name not in args.skip_release]
    for name in args.skip_release:
        for leftover in corpus_dir.glob(f"{Path(name).stem}.*"):
            leftover.unlink()  # out of the accuracy measure too
    corpus, added = releases[:largest], releases[largest]
    say(f"corpus: {len(releases)} releases in {corpus_dir}")

    extraction_part(report, corpus[: args.extraction_docs], args)
    report.write()
    say("extraction throughput done")

    peak = [0, 0]  # largest process, whole tree (bytes)

    def note_memory(run: ProcessRun) -> None:
        peak[0], peak[1] = max(peak[0], run.max_rss), max(peak[1], run.tree_rss)

    # --- the largest pipeline first: the profile, the queries, the floor and the added release
    big = Timed()
    big_space = big_run = None
    for number in range(args.large_repeats):
        if big_space is not None:
            shutil.rmtree(big_space.root, ignore_errors=True)
        big_space = Workspace.fresh(work / f"pipeline_{largest}_{number}", corpus)
        big.loads.append(load())
        big_run = pipeline(big_space, work / f"pipeline_{largest}_{number}.log")
        big.seconds.append(big_run.seconds)
        note_memory(big_run)
        big.extra.setdefault("runs", []).append(big_run)
        say(f"pipeline {largest}: {big_run.seconds:.1f} s, exit {big_run.returncode}")
    assert big_space is not None and big_run is not None
    published = big_run.returncode == 0
    report.row(
        f"full pipeline, {largest:,} releases",
        f"{big.median:.1f} s"
        + ("" if published else f" (**run FAILED**: {failed_steps(big_run.output)})"),
        big.load_text,
        "< 90 s",
        verdict(published and big.median < TARGETS["pipeline_1000"]),
    )
    pipeline_rows: list[tuple[int, Timed]] = [(largest, big)]
    report.details += pipeline_table(pipeline_rows)
    profile = attempt(
        "profile",
        lambda: collect_profile(
            big_space, run_id_of(big_run.output), big_run.seconds, work / "run_results.json"
        ),
        {},
    )
    extract_only, upsert_only, results = bench_raw_load(corpus, work)
    say(f"raw load: extract {extract_only.median:.1f} s, upsert {upsert_only.median:.1f} s")
    attempt(
        "profile",
        lambda: report.details.extend(
            profile_section(
                profile, f"## Profile of the {largest:,}-release run", extract_only, upsert_only
            )
        ),
    )
    attempt("accuracy", lambda: accuracy_part(report, corpus, results))

    # the floor needs only the raw tables; the queries read the build database when the run
    # did not publish (the same marts, held back by the gate)
    attempt(
        "floor", lambda: floor_part(report, big_space, big_run, work, args.large_repeats, largest)
    )
    say("floor done")
    if not published:
        report.details += [
            "The largest run did not publish: the example queries below ran on a copy of its "
            "build database (the same marts), and adding a release was not measured.",
            "",
        ]
        import duckdb

        with duckdb.connect(str(big_space.build_db)) as con:
            con.execute("checkpoint")  # fold the WAL in before copying the file
        big_space.warehouse.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(big_space.build_db, big_space.warehouse)
    query_rows = attempt(
        "queries", lambda: queries_part(report, big_space, work, args, largest), []
    )
    say("queries done")
    if published:
        attempt(
            "adding one release",
            lambda: add_one_part(report, big_space, added, work, args, largest, note_memory, say),
        )

    # --- the smaller pipelines
    for size in args.sizes[:-1]:
        timed = Timed()
        for number in range(args.repeats):
            space = Workspace.fresh(work / f"pipeline_{size}_{number}", corpus[:size])
            timed.loads.append(load())
            run = pipeline(space, work / f"pipeline_{size}_{number}.log")
            timed.seconds.append(run.seconds)
            timed.extra.setdefault("runs", []).append(run)
            note_memory(run)
            say(f"pipeline {size}: {run.seconds:.1f} s, exit {run.returncode}")
            if size == args.sizes[0] and number == args.repeats - 1:
                floor = partial(small_floor_part, report, space, timed, work, args.repeats, size)
                attempt("fresh run against its floor", floor)
            shutil.rmtree(space.root, ignore_errors=True)
        pipeline_rows.insert(-1, (size, timed))
    start_of_table = report.details.index(pipeline_table([])[0])
    report.details[start_of_table : start_of_table + len(pipeline_table([(largest, big)]))] = (
        pipeline_table(pipeline_rows)
    )
    report.row(
        "peak memory (any pipeline run)",
        f"{mib(peak[0])} largest process; {mib(peak[1])} whole tree",
        "-",
        "< 2 GB",
        verdict(max(peak) < TARGETS["memory"]),
    )
    report.summary += query_rows
    report.finished = True
    report.write()
    say(f"done; wrote {args.out}")
    print()
    print(
        "\n".join(
            f"{m:60s} {v:48s} load {ld:14s} {t:26s} {ok}" for m, v, ld, t, ok in report.summary
        )
    )
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


def extraction_part(report: Report, docs_paths: list[Path], args: argparse.Namespace) -> None:
    one, pool, figures = bench_extraction(docs_paths, args.repeats, args.workers)
    n = len(docs_paths)
    per_core = n / one.median
    pool_per_core = n / pool.median / args.workers
    report.row(
        "extraction, one process",
        f"{per_core:.1f} releases/s, {figures / one.median:,.0f} figures/s",
        one.load_text,
        ">= 50 releases/s per core",
        verdict(per_core >= TARGETS["extraction"]),
    )
    report.row(
        f"extraction, {args.workers} processes",
        f"{n / pool.median:.1f} releases/s ({pool_per_core:.1f} per core), "
        f"{figures / pool.median:,.0f} figures/s",
        pool.load_text,
        ">= 50 releases/s per core",
        verdict(pool_per_core >= TARGETS["extraction"]),
    )
    report.details += [
        "## Extraction throughput",
        "",
        f"`benchmarks/throughput.py` logic on the first {n:,} releases of the corpus (read into "
        f"memory first, {sum(p.stat().st_size for p in docs_paths) / 1e6:.1f} MB, "
        f"{figures:,} figures), {args.repeats} repeats.",
        "",
        "| mode | median s | releases/s | figures/s | releases/s per core | load |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| one process | {one.median:.2f} | {n / one.median:.1f} | {figures / one.median:,.0f} "
        f"| {per_core:.1f} | {one.load_text} |",
        f"| {args.workers} processes | {pool.median:.2f} | {n / pool.median:.1f} | "
        f"{figures / pool.median:,.0f} | {pool_per_core:.1f} | {pool.load_text} |",
        "",
    ]


def accuracy_part(report: Report, corpus: list[Path], results: list[Any]) -> None:
    comparisons = [
        compare(result, path.with_suffix(".truth.csv"))
        for path, result in zip(corpus, results, strict=True)
    ]
    truth = sum(c.truth_rows for c in comparisons)
    extracted = sum(c.extracted for c in comparisons)
    correct = sum(c.correct for c in comparisons)
    recall, precision = correct / truth, correct / extracted
    report.row(
        "accuracy against the corpus truth",
        f"recall {recall:.2%}, precision {precision:.2%}",
        "-",
        "(no target)",
        "-",
    )
    report.details += [
        "## Accuracy",
        "",
        f"`benchmarks/accuracy.py`'s comparison on all {len(comparisons):,} releases: "
        f"{truth:,} truth rows, {extracted:,} figures extracted, {correct:,} correct. "
        f"Recall {recall:.4%}, precision {precision:.4%}.",
        "",
    ]


def pipeline_table(rows: list[tuple[int, Timed]]) -> list[str]:
    lines = [
        "## The whole pipeline (`python -m orchestration.cli run`)",
        "",
        "A fresh warehouse, build database and Dagster home each time (the checkout's dbt "
        "manifest written before the bench, untimed: `python -m orchestration.cli prepare`). "
        "Max RSS is the largest "
        "single process of the run (the `make run` process or the dbt it starts; `wait4`); "
        "tree is the sampled peak of the sum over the process and all its children.",
        "",
        "| releases | repeats | median s | each run s | exit | max RSS | tree RSS | load |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, timed in rows:
        runs = timed.extra["runs"]
        lines.append(
            f"| {size:,} | {len(runs)} | {timed.median:.1f} | "
            f"{', '.join(f'{s:.1f}' for s in timed.seconds)} | "
            f"{', '.join(str(r.returncode) for r in runs)} | {mib(max(r.max_rss for r in runs))} "
            f"| {mib(max(r.tree_rss for r in runs))} | {timed.load_text} |"
        )
    return [*lines, ""]


def floor_part(
    report: Report, space: Workspace, run: ProcessRun, work: Path, repeats: int, size: int
) -> None:
    floor = bench_floor(space, work, repeats)
    report.row(
        f"floor: bare `dbt build`, {size:,} releases",
        f"{floor.median:.1f} s",
        floor.load_text,
        "(reference)",
        "-",
    )
    report.details += [
        "## The floor: a bare `dbt build`",
        "",
        f"The {size:,}-release build database with only its raw tables left (staging, "
        "intermediate, marts and seeds dropped), then `dbt build --profiles-dir .` on it: "
        "seeds, every model and every dbt test, without Dagster, extraction, Great "
        "Expectations or publishing.",
        "",
        "| median s | dbt elapsed s | load | pipeline s | pipeline minus floor s |",
        "| --- | --- | --- | --- | --- |",
        f"| {floor.median:.1f} | {floor.extra['dbt']['elapsed']:.1f} | {floor.load_text} | "
        f"{run.seconds:.1f} | {run.seconds - floor.median:.1f} |",
        "",
    ]


def small_floor_part(
    report: Report, space: Workspace, timed: Timed, work: Path, repeats: int, size: int
) -> None:
    """A fresh run of the smallest corpus against a bare ``dbt build`` of the same raw
    tables, each from a parse of its own (the fixed costs are what this compares)."""
    floor = bench_floor(space, work, repeats, name=f"floor_{size}")
    ratio = timed.median / floor.median
    report.row(
        f"fresh run over its bare `dbt build`, {size:,} release{'s' if size > 1 else ''}",
        f"{ratio:.2f}x ({timed.median:.1f} s against {floor.median:.1f} s)",
        floor.load_text,
        f"< {TARGETS['fresh_over_floor']:g}x",
        verdict(ratio < TARGETS["fresh_over_floor"]),
    )
    report.details += [
        f"## A fresh {size:,}-release run against a bare `dbt build` of it",
        "",
        f"The pipeline's fresh runs of {size:,} release{'s' if size > 1 else ''} (above), "
        "against `dbt build` on the last run's raw tables alone in a copy of its build "
        "database (staging, intermediate, marts and seeds dropped), in a new target folder, "
        "so that dbt parses the project, as the pipeline's first run on a build database "
        "does. What the pipeline adds: Dagster and its imports, the extraction, Great "
        "Expectations and the publish.",
        "",
        "| pipeline median s | bare dbt build s (runs) | dbt elapsed s | ratio | load |",
        "| --- | --- | --- | --- | --- |",
        f"| {timed.median:.1f} | {floor.median:.1f} "
        f"({', '.join(f'{s:.1f}' for s in floor.seconds)}) | "
        f"{floor.extra['dbt']['elapsed']:.1f} | {ratio:.2f} | {floor.load_text} |",
        "",
    ]


def queries_part(
    report: Report, space: Workspace, work: Path, args: argparse.Namespace, size: int
) -> list[tuple[str, str, str, str, str]]:
    queries = bench_queries(space.warehouse, work, args.query_runs)
    rows = []
    report.details += [
        f"## Example queries (`analyses/`) on the {size:,}-release warehouse",
        "",
        "Compiled with `dbt compile` against the published file attached read-only (as "
        "`tests/integration/test_consumers.py` does), then each run "
        f"{args.query_runs} times on one read-only DuckDB connection, every row fetched as "
        "an Arrow table (`con.sql(...).to_arrow_table()`: columnar, amounts exact as "
        "`decimal128(38, 6)`, what dataframe clients and Arrow-speaking BI tools read); then "
        "as many times fetched into Python objects (`fetchall`, amounts as `Decimal`), and "
        "run to its first row only (the joins and the sort done, nothing handed over). The "
        "target is judged on the Arrow fetch; the `fetchall` column is what a row-by-row "
        "Python client pays on top, per value, which no change to the warehouse moves "
        "(docs/querying.md).",
        "",
        "| query | rows | first run ms | median ms (Arrow) | `fetchall` median ms "
        "| first row: median ms | load | < 200 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, timed in queries.items():
        ok = verdict(timed.median < TARGETS["query"])
        report.details.append(
            f"| {name} | {timed.extra['rows']:,} | {timed.extra['first'] * 1000:.1f} | "
            f"{timed.median * 1000:.1f} | {timed.extra['python']:.1f} | "
            f"{timed.extra['first_row']:.1f} | {timed.load_text} | {ok} |"
        )
        rows.append(
            (f"query `{name}`", f"{timed.median * 1000:.1f} ms", timed.load_text, "< 200 ms", ok)
        )
    report.details.append("")
    return rows


def add_one_part(
    report: Report,
    big_space: Workspace,
    added: Path,
    work: Path,
    args: argparse.Namespace,
    size: int,
    note_memory: Callable[[ProcessRun], None],
    say: Callable[[str], None],
) -> None:
    add_run, add_part, unchanged = Timed(), Timed(), Timed()
    profiles: list[dict[str, Any]] = []  # of the one-partition runs
    if not args.skip_add_run:
        # in the workspace itself: a copy is a moved folder, which the next run records
        for number in range(args.large_repeats):
            log = work / f"unchanged_run_{number}.log"
            time_pipeline(unchanged, big_space, log, note_memory)
            say(f"nothing changed (make run): {unchanged.seconds[-1]:.1f} s")
    snapshot = big_space.copy_to(work / "snapshot")
    for number in range(args.large_repeats):
        space = prepared_copy(snapshot, work / f"add_partition_{number}")
        add_part.loads.append(load())
        run = bench_single_partition(space, added, work / f"add_partition_{number}.log")
        add_part.seconds.append(run.seconds)
        note_memory(run)
        try:
            inner = json.loads(run.output.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            inner = {"execute_seconds": float("nan"), "success": False}
        add_part.extra.setdefault("inner", []).append(inner["execute_seconds"])
        add_part.extra.setdefault("ok", []).append(inner["success"])
        say(f"add one (partition): {run.seconds:.1f} s, success {inner['success']}")
        kept = work / f"add_partition_{number}_run_results.json"
        profiles.append(collect_profile(space, inner.get("run_id"), run.seconds, kept))
        shutil.rmtree(space.root, ignore_errors=True)
        if args.skip_add_run:
            continue
        space = prepared_copy(snapshot, work / f"add_run_{number}")
        shutil.copyfile(added, space.disclosures / added.name)
        time_pipeline(add_run, space, work / f"add_run_{number}.log", note_memory)
        say(f"add one (make run): {add_run.seconds[-1]:.1f} s, ok {add_run.extra['ok'][-1]}")
        shutil.rmtree(space.root, ignore_errors=True)
    lines = [
        f"## Adding one release to a warehouse of {size:,}",
        "",
        f"The {size:,}-release workspace is copied and prepared at its new path (`python -m "
        "orchestration.cli prepare`, not timed: dbt's parse state for the copy's build "
        "database, which a run in place leaves for the next one), "
        f"release `{added.name}` is put in its folder, "
        "then either the Dagster job runs for the new file's partition alone, as the sensor "
        "launches it (`benchmarks/single_partition.py`: the partition added, then "
        "`all_assets_job.execute_in_process(partition_key=...)`), or `make run` runs again (it "
        "extracts only the new file, the others being unchanged since this extractor loaded "
        "them, then dbt builds; `int_facts_loaded` is incremental by document).",
        "",
        "| path | median s | each run s | succeeded | load |",
        "| --- | --- | --- | --- | --- |",
        timed_run_line(
            report,
            add_part,
            "one partition (whole process)",
            f"add 1 release to {size:,}: the sensor's one-partition run",
            "add_one",
        ),
        f"| one partition (`execute_in_process` alone) | "
        f"{statistics.median(add_part.extra['inner']):.1f} | "
        f"{', '.join(f'{s:.1f}' for s in add_part.extra['inner'])} | | {add_part.load_text} |",
    ]
    if add_run.seconds:
        lines.append(
            timed_run_line(
                report,
                add_run,
                "`make run`",
                f"add 1 release to {size:,}: `make run` (extracts the new file alone)",
                "add_one",
            )
        )
    if unchanged.seconds:
        lines.append(
            timed_run_line(
                report,
                unchanged,
                "`make run`, nothing changed (in the workspace of the run above)",
                f"`make run` again, nothing changed, {size:,} releases",
                "unchanged",
            )
        )
    report.details += [*lines, ""]
    if profiles:
        # the profile of the run whose time is the median
        median_run = sorted(profiles, key=lambda p: p["wall"])[len(profiles) // 2]
        report.details += profile_section(
            median_run, f"## Profile of the one-partition run (adding 1 release to {size:,})"
        )


def time_pipeline(
    timed: Timed, space: Workspace, log: Path, note_memory: Callable[[ProcessRun], None]
) -> None:
    """One `make run` of ``space``, added to ``timed`` (seconds, load, whether it passed)."""
    timed.loads.append(load())
    run = pipeline(space, log)
    timed.seconds.append(run.seconds)
    timed.extra.setdefault("ok", []).append(run.returncode == 0)
    note_memory(run)


def timed_run_line(report: Report, timed: Timed, path: str, measure: str, target: str) -> str:
    """Add the summary row of the runs in ``timed`` (``measure``, judged against
    ``TARGETS[target]`` seconds) and return their line in the details table (``path``)."""
    ok = all(timed.extra["ok"])
    report.row(
        measure,
        f"{timed.median:.1f} s" + ("" if ok else " (**run FAILED**)"),
        timed.load_text,
        f"< {TARGETS[target]:g} s",
        verdict(ok and timed.median < TARGETS[target]),
    )
    return (
        f"| {path} | {timed.median:.1f} | {', '.join(f'{s:.1f}' for s in timed.seconds)} | "
        f"{timed.extra['ok']} | {timed.load_text} |"
    )


def profile_section(
    profile: dict[str, Any],
    title: str,
    extract_only: Timed | None = None,
    upsert_only: Timed | None = None,
) -> list[str]:
    """Where the time of one run went; with the extraction and the raw upsert timed apart
    when given (the largest run's)."""
    wall = profile.get("wall", float("nan"))
    apart = (
        " and the extraction and raw upsert timed apart (same releases, one process, "
        "`raw_store.upsert_results` in batches of 100 into an empty database; load "
        f"{extract_only.load_text}). The pipeline extracts in a pool of processes, so its "
        "extraction overlaps the upsert"
        if extract_only is not None
        else ""
    )
    lines = [
        title,
        "",
        "From the Dagster instance's step timings of that run, dbt's `run_results.json` of its "
        f"dbt step{apart}.",
        "",
        "| part | seconds | share of the run |",
        "| --- | --- | --- |",
    ]
    if "steps" not in profile or "wall" not in profile:
        return [*lines, f"| whole run | {wall:.1f} | 100% |", ""]
    steps = profile["steps"]
    before = wall - (profile["end"] - profile["start"])
    rows: list[tuple[str, float]] = [
        (
            "before the run starts: process start, imports, dbt manifest, the partitions "
            "(synced, or the one added), and Dagster's ASSET_MATERIALIZATION_PLANNED and "
            "ASSET_CHECK_EVALUATION_PLANNED events",
            before,
        ),
    ]  # fmt: skip
    named = {
        "extract_disclosures": "step `extract_disclosures` (extraction + raw upsert)",
        "dbt_models": "step `dbt_models` (`dbt build` subprocess)",
        "great_expectations_suites": "step `great_expectations_suites` (GX checks)",
        "warehouse__disclosures": "step `warehouse/disclosures` (publish + Parquet)",
    }
    covered = 0.0
    for key, (start, end) in sorted(steps.items(), key=lambda kv: kv[1][0] or 0):
        if start is None or end is None:
            continue
        rows.append((named.get(key, f"step `{key}`"), end - start))
        covered += end - start
    rows.append(("Dagster between and around steps", (profile["end"] - profile["start"]) - covered))
    for label, seconds in rows:
        lines.append(f"| {label} | {seconds:.1f} | {seconds / wall:.0%} |")
    lines.append(f"| **whole run (wall clock)** | **{wall:.1f}** | 100% |")
    for label, timed in (("extraction", extract_only), ("raw upsert", upsert_only)):
        if timed is not None:
            lines.append(
                f"| of the extraction step: {label} alone | {timed.median:.1f} | "
                f"{timed.median / wall:.0%} |"
            )
    for key, label in (
        ("planned", "before the run: Dagster writing ASSET_MATERIALIZATION_PLANNED events"),
        ("raw_materializations", "of the extraction step: Dagster writing `raw/documents`' "
         "materializations, one per partition"),
    ):  # fmt: skip
        if key in profile:
            count, seconds = profile[key]
            lines.append(f"| {label} ({count:,} events) | {seconds:.1f} | {seconds / wall:.0%} |")
    dbt = profile.get("dbt")
    if dbt and dbt.get("elapsed") is not None:
        lines.append(
            f"| of the dbt step: dbt's own elapsed time (`run_results.json`; the rest is dbt "
            f"starting and parsing, and dagster-dbt) | {dbt['elapsed']:.1f} | "
            f"{dbt['elapsed'] / wall:.0%} |"
        )
    lines.append("")
    if "events" in profile:
        kinds = ", ".join(f"{kind} {count:,}" for kind, count in profile["event_kinds"])
        lines += [
            f"Dagster stored {profile['events']:,} events for this run in its SQLite event log "
            f"(most common: {kinds}); each is a write to the instance's database while the "
            "step waits.",
            "",
        ]
    if dbt:
        by_type = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(dbt["by_type"].items()))
        lines += [
            f"dbt (`run_results.json`): {dbt['count']} nodes, elapsed {dbt['elapsed']:.1f} s; "
            f"summed node times by type: {by_type} (two threads, so sums exceed elapsed). "
            "The slowest nodes:",
            "",
            "| node | seconds | status |",
            "| --- | --- | --- |",
            *(f"| `{uid}` | {seconds:.2f} | {status} |" for uid, seconds, status in dbt["top"]),
            "",
        ]
    return lines


if __name__ == "__main__":
    main()
