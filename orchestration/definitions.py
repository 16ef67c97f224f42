"""Dagster definitions: extract the releases, build the dbt models, validate, publish.

Load with ``dagster dev -m orchestration.definitions`` (``make ui``). The dbt manifest must
exist first; ``python -m orchestration.cli prepare`` writes it (``dagster dev`` does too).

The graph, left to right: ``raw/documents`` (one partition per disclosure file) → dbt's staging,
intermediate and marts models (dbt tests are their asset checks) → the Great Expectations
suites (asset checks on the marts they validate; blocking ones stop the run) →
``warehouse/disclosures``, the published file. One job runs it all; the sensor launches it
for a new or changed file and for a published file that left the folder, the daily schedule
for every file.
"""

# No `from __future__ import annotations` here: Dagster inspects the `context` annotation at
# definition time and rejects it as a string.
import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    AssetSelection,
    AssetSpec,
    BackfillPolicy,
    Definitions,
    MaterializeResult,
    MetadataValue,
    Output,
    RetryRequested,
    asset,
    define_asset_job,
    in_process_executor,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, dbt_assets

from extraction import PARSER_VERSION, DocumentStatus
from orchestration import raw_store, settings, sql, up_to_date
from orchestration.extract import content_ids, extract_many
from orchestration.locking import BuildDatabaseLockResource, connect_with_retry, is_lock_error
from orchestration.names import (
    DBT_RESOURCE,
    DOCUMENTS_ASSET,
    DOCUMENTS_READ_KEY,
    EXTRACT_OP_NAME,
    FAILURES_KEY,
    FIGURES_KEY,
    JOB_NAME,
    LOCK_RESOURCE,
    PUBLISHED_ASSET,
    UNCHANGED_FILES_KEY,
    UP_TO_DATE_KEY,
    WAREHOUSE_RESOURCE,
    WRITER_TAG,
)
from orchestration.partitions import DOCUMENT_PARTITIONS, disclosure_files, run_partition_keys
from orchestration.project import (
    DBT_PROJECT,
    DbtCli,
    dbt_run_target,
    dbt_sources_fingerprint,
    keep_dbt_run,
    models_changed_since_last_build,
    prepare_if_dev,
    record_models_built,
)
from orchestration.publish import parquet_dir, publish
from orchestration.quick_exit import skip_cycle_collection_at_exit
from orchestration.resources import WarehouseResource
from orchestration.validation import (
    CHECKED_ASSETS,
    STAMP_NAME,
    assert_validated,
    great_expectations_suites,
    preload_great_expectations,
)

prepare_if_dev()

RAW_TABLE_NAMES = list(raw_store.ALL_RAW_TABLES)
DOCUMENTS_KEY = AssetKey(list(DOCUMENTS_ASSET))
PUBLISHED_KEY = AssetKey(list(PUBLISHED_ASSET))

K = TypeVar("K")  # what _row_counts keys its counts by: asset keys, table names


def _row_counts(con: Any, relations: Mapping[K, str]) -> dict[K, int]:
    """``count(*)`` of each relation (``schema.table``) that exists, under its key."""
    present = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    return {
        key: con.execute(f"select count(*) from {relation}").fetchall()[0][0]
        for key, relation in relations.items()
        if relation in present
    }


def _previous_row_count(context: AssetExecutionContext, key: AssetKey) -> int | None:
    """The row count recorded by the asset's last materialization, if any."""
    event = context.instance.get_latest_materialization_event(key)
    if event is None or event.asset_materialization is None:
        return None
    value = event.asset_materialization.metadata.get("dagster/row_count")
    return None if value is None else int(value.value)


def _change_metadata(context: AssetExecutionContext, key: AssetKey, rows: int) -> dict[str, Any]:
    """Row count now, and how it moved since the last materialization ("what changed")."""
    before = _previous_row_count(context, key)
    return {
        "dagster/row_count": rows,
        "rows_before": before if before is not None else MetadataValue.null(),
        "rows_added": rows - before if before is not None else rows,
    }


def _raw_row_counts(con: Any) -> dict[str, int]:
    """Rows of each raw table, by table name."""
    return _row_counts(con, {table: f"raw.{table}" for table in RAW_TABLE_NAMES})


@multi_asset(
    name=EXTRACT_OP_NAME,
    specs=[
        AssetSpec(
            DOCUMENTS_KEY,
            group_name="raw",
            description="The raw layer of the build database (raw.documents, raw.figures, "
            "raw.tokens, raw.extraction_issues, raw.document_versions, raw.file_withdrawals, "
            "raw.source_folder), written from the disclosure files: one partition per file "
            "in DISCLOSURES_DIR.",
            kinds={"python", "duckdb"},
            # not materialized by a run that finds the published warehouse current
            skippable=True,
        )
    ],
    partitions_def=DOCUMENT_PARTITIONS,
    # A run over many documents extracts them all in one step, then dbt builds once.
    backfill_policy=BackfillPolicy.single_run(),
)
def extract_disclosures(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    build_db_lock: BuildDatabaseLockResource,
) -> Iterator[MaterializeResult]:
    """Extract the run's disclosure files and upsert them into the raw tables.

    The build database belongs to one folder (``raw_store.claim_folder``: another folder is
    refused before anything is read). Every run also records the files that have left the
    folder as withdrawn (``raw_store.record_withdrawals``), whichever partitions it covers, so
    that their documents leave the marts; a file loaded again is back.

    A file whose content this extractor (``PARSER_VERSION``, which hashes the extractor's
    files) already loaded whole, as the file's latest version, is not extracted again
    (``raw_store.unchanged_files``); the others are extracted in parallel when there are
    many (``EXTRACTION_WORKERS``) and written
    in batches of ``raw_store.UPSERT_BATCH`` documents, one transaction each. A run of up to
    ``PER_DOCUMENT_EVENTS_LIMIT`` files logs a line and records an observation per document;
    a larger one logs its progress and the failures (``warehouse/disclosures`` lists every
    document). The materialization's metadata is written once per partition of the run, so
    it stays small: counts and the failures, not a table of every document.

    When the raw layer is then what the current published warehouse was built from, and the
    code that builds, checks and publishes it is unchanged (``up_to_date.current_publish``),
    the step materializes nothing, records its counts as an observation and the run ends:
    Dagster skips the dbt build, the validation and the publish.
    """
    del build_db_lock  # held for the whole run; required so that the run takes it
    source_dir = warehouse.disclosures()
    names = context.partition_keys
    per_document = len(names) <= warehouse.events_limit()
    loaded_at = dt.datetime.now(dt.UTC)
    # The folder as this run finds it; a broken link is present: it becomes a failed
    # document, with the reason.
    in_folder = {path.name for path in disclosure_files(source_dir)}
    paths = [source_dir / name for name in names]
    present = [path for path in paths if path.name in in_folder]
    missing = [path.name for path in sorted(set(paths) - set(present))]
    for name in missing:
        # The partition outlived its file: say so, never skip in silence.
        context.log.warning(
            f"{name}: no longer in {source_dir}; nothing to extract. The next full run drops "
            "the partition."
        )
    documents: list[dict[str, Any]] = []
    batch: list[raw_store.LoadableResult] = []

    def write(con: Any) -> None:
        if not batch:
            return
        versions = raw_store.upsert_results(con, batch, loaded_at)
        for result, version in zip(batch, versions, strict=True):
            documents.append(_document_summary(result, version))
            if per_document:
                _log_document(context, documents[-1], len(documents), len(changed))
            elif documents[-1]["extraction_status"] != DocumentStatus.EXTRACTED:
                context.log.warning(_document_line(documents[-1], len(documents), len(changed)))
        if not per_document:
            context.log.info(f"extracted and loaded {len(documents)} of {len(changed)} files")
        batch.clear()

    # The connection closes before dbt starts: DuckDB allows one writer per file.
    build_db = warehouse.build_db()
    with raw_store.open_store(build_db) as con:
        raw_store.claim_folder(con, build_db, source_dir, loaded_at)
        before = _raw_row_counts(con)
        withdrawn = raw_store.record_withdrawals(con, in_folder, loaded_at)
        for name in withdrawn:
            context.log.warning(
                f"{name}: no longer in {source_dir}; withdrawn: its facts leave the warehouse, "
                "marts.dim_documents keeps it as withdrawn."
            )
        unchanged = raw_store.unchanged_files(con, content_ids(present), PARSER_VERSION)
        if unchanged:
            context.log.info(
                f"{len(unchanged)} of {len(present)} files unchanged since this extractor "
                f"({PARSER_VERSION}) loaded them: not extracted again"
            )
        changed = [path for path in present if path.name not in unchanged]
        for result in extract_many(changed, warehouse.workers(), PARSER_VERSION):
            batch.append(result)
            if len(batch) == raw_store.UPSERT_BATCH:
                write(con)
        write(con)
        after = _raw_row_counts(con)
        state = raw_store.raw_state(con)

    metadata = _extraction_metadata(
        before, after, documents, len(unchanged), missing, withdrawn, source_dir
    )
    current = up_to_date.current_publish(
        warehouse.validation_dir(), state, up_to_date.pipeline_fingerprint(), warehouse.warehouse()
    )
    if current is None:
        yield MaterializeResult(metadata=metadata)
        return
    # Not materialized: nothing changed, and the steps downstream are skipped.
    context.log.info(
        f"Nothing changed since run {current.run_id} published {warehouse.warehouse()} "
        f"({current.published_at}): the same raw layer, dbt project, checks and pipeline "
        "code. The published warehouse is current; the dbt build, the validation and the "
        "publish are skipped."
    )
    context.log_event(
        AssetObservation(
            asset_key=DOCUMENTS_KEY, metadata={**metadata, UP_TO_DATE_KEY: current.run_id}
        )
    )


def _extraction_metadata(
    before: Mapping[str, int],
    after: Mapping[str, int],
    documents: list[dict[str, Any]],
    unchanged: int,
    missing: list[str],
    withdrawn: list[str],
    source_dir: Path,
) -> dict[str, Any]:
    """What the extraction step did, for its materialization (or observation): row counts
    and how they moved, per raw table, and the documents read, skipped, failed or gone."""
    failures = {
        d["file_name"]: f"{d['extraction_status']}: {d['error'] or 'no reason'}"
        for d in documents
        if d["extraction_status"] != DocumentStatus.EXTRACTED
    }
    return {
        # the same "what changed" as every other asset, on raw.documents
        "dagster/row_count": after["documents"],
        "rows_before": before.get("documents", 0),
        "rows_added": after["documents"] - before.get("documents", 0),
        **{f"rows_{table}": rows for table, rows in after.items()},
        **{f"rows_added_{table}": rows - before.get(table, 0) for table, rows in after.items()},
        DOCUMENTS_READ_KEY: len(documents),
        UNCHANGED_FILES_KEY: unchanged,
        FIGURES_KEY: sum(d["figures"] for d in documents),
        "tokens": sum(d["tokens"] for d in documents),
        "failed_documents": len(failures),
        FAILURES_KEY: MetadataValue.json(failures),
        "missing_files": MetadataValue.json(missing),
        "withdrawn_files": MetadataValue.json(withdrawn),
        "source_dir": MetadataValue.path(str(source_dir)),
        "parser_version": PARSER_VERSION,
    }


def _document_summary(result: raw_store.LoadableResult, version: int) -> dict[str, Any]:
    """What the UI shows for one extracted release."""
    document = result.document
    return {
        "file_name": document.file_name,
        "document_id": document.document_id,
        "version": version,
        "extraction_status": str(document.status),
        "error": document.error_message or "",
        "figures": result.figures,
        "tokens": result.tokens,
        **{f"tokens_{status}": n for status, n in sorted(result.token_statuses.items())},
        "company": document.company_name or "",
        "parser_version": PARSER_VERSION,
    }


def _document_line(summary: Mapping[str, Any], number: int, total: int) -> str:
    return (
        f"[{number}/{total}] {summary['file_name']}: {summary['extraction_status']}, "
        f"version {summary['version']}, {summary['figures']} figures, {summary['tokens']} tokens"
        + (f" ({summary['error']})" if summary["error"] else "")
    )


def _log_document(
    context: AssetExecutionContext, summary: Mapping[str, Any], number: int, total: int
) -> None:
    """A log line and an observation on the document's partition (its page in the UI)."""
    context.log.info(_document_line(summary, number, total))
    context.log_event(
        AssetObservation(
            asset_key=DOCUMENTS_KEY,
            partition=summary["file_name"],
            metadata={k: v for k, v in summary.items() if k not in ("file_name", "tokens")},
        )
    )


class DisclosureDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by their folder under ``models/`` (staging, intermediate, marts).

    Asset keys stay dagster-dbt's ``[schema, name]``; every source ``raw.<table>`` carries the
    key ``raw/documents`` that :func:`extract_disclosures` produces (``meta.dagster`` in the
    sources file), so lineage is continuous.
    """

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Return the model's top folder, or the resource type for seeds and the like."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return f"{dbt_resource_props.get('resource_type', 'dbt')}s"


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    # Every raw table is a source mapped to the one extraction asset raw/documents.
    dagster_dbt_translator=DisclosureDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True)
    ),
)
def dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCli,
    warehouse: WarehouseResource,
    build_db_lock: BuildDatabaseLockResource,
) -> Iterator[Any]:
    """Build and test every dbt model in the build database; dbt tests become asset checks.

    ``int_facts_loaded`` is incremental by document, so a run for one changed release
    inserts that release's facts and leaves the others' alone; ``fct_financial_facts`` is
    rebuilt from it. Row counts are read once dbt
    has exited (it holds the database's write lock until then) and added to each model's
    materialization, with the change since the last one.
    """
    del build_db_lock
    # dbt runs as a subprocess and finds the build database through DBT_DUCKDB_PATH.
    settings.export_environment(build_db=warehouse.build_db())
    preload_great_expectations()  # for the validation step, while this one waits for dbt
    runs = warehouse.dbt_runs_dir()
    target = dbt_run_target(runs, context.run.run_id)
    fingerprint = dbt_sources_fingerprint(DBT_PROJECT.project_dir)
    full_refresh = models_changed_since_last_build(runs, fingerprint)
    if full_refresh:
        context.log.info(
            "No build of these dbt files is recorded for this build database (its first "
            "build, or models, macros, seeds or vars changed since): --full-refresh rebuilds "
            "the incremental models from every document."
        )
    invocation = dbt.cli(
        ["build", *DBT_BUILD_FLAGS, *_build_scope(context, full_refresh)],
        context=context,
        target_path=target,
        raise_on_error=False,
    )
    events = list(invocation.stream())
    keep_dbt_run(target)
    error = invocation.get_error()
    if error is None:
        record_models_built(runs, fingerprint)
    if error is not None and is_lock_error(error):
        raise RetryRequested(max_retries=3, seconds_to_wait=10) from error

    relations = {}
    for event in events:
        if isinstance(event, Output):
            key = context.asset_key_for_output(event.output_name)
            relations[key] = ".".join(key.path)
    with connect_with_retry(warehouse.build_db(), read_only=True) as con:
        counts = _row_counts(con, relations)
    for event in events:
        if isinstance(event, Output):
            key = context.asset_key_for_output(event.output_name)
            if key in counts:
                event = event.with_metadata(
                    {**event.metadata, **_change_metadata(context, key, counts[key])}
                )
        yield event
    if error is not None:
        raise error


# dbt's unit tests test the models' SQL, not the data: they run in the test suite
# (tests/integration/test_dbt_unit_tests.py), not in every pipeline run. The run's dbt.log
# keeps dbt's info-level events (each node's result, every warning and error), not its
# debug events: ten times as many lines (the statements dbt sends, connections opened),
# whose writing took about 0.7 s of an 8.5 s build of 141 nodes (docs/benchmarks.md). The
# statements are in the run folder's `run/` and `compiled/` all the same.
DBT_BUILD_FLAGS = ("--exclude-resource-type", "unit_test", "--log-level-file", "info")


def _build_scope(context: AssetExecutionContext, full_refresh: bool) -> list[str]:
    """What ``dbt build`` builds besides its selection: with ``--full-refresh`` everything.

    Otherwise the dbt files are those of the last build that succeeded (else the build is a
    full refresh), so what they define alone is as that build left it: the seeds, loaded
    and tested from the same files, with the tests the seeds' properties files declare
    (``path:seeds``), and the views (the staging and audit layers), whose SQL is the same
    and which read the raw and mart tables as they are now. Every other test runs,
    those on the views included (``empty``: excluding a node does not exclude the tests
    on it). A subset materialized from the UI keeps dagster-dbt's own selection of assets
    and checks, which ``--indirect-selection`` would override.
    """
    if full_refresh:
        return ["--full-refresh"]
    if context.is_subset:
        return []
    # one value, as dagster-dbt reads --exclude (it splits the value on spaces)
    return ["--exclude", "path:seeds config.materialized:view", "--indirect-selection", "empty"]


@asset(
    key=PUBLISHED_KEY,
    # Every asset a Great Expectations suite checks: a failed blocking check on any of them
    # keeps this asset from running.
    deps=CHECKED_ASSETS,
    group_name="publish",
    kinds={"duckdb"},
)
def published_warehouse(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    build_db_lock: BuildDatabaseLockResource,
) -> MaterializeResult:
    """Copy the validated build database over the published warehouse, atomically.

    Refuses any build whose content is not the one that last passed validation. Records
    what it published from (``up_to_date.record_publish``), so that a run with nothing
    changed can stop after its extraction step.
    """
    del build_db_lock
    build_db = warehouse.build_db()
    report_dir = warehouse.validation_dir()
    validated = assert_validated(build_db, report_dir)
    target = publish(build_db, warehouse.warehouse())
    context.log.info(f"published {target}")
    with connect_with_retry(build_db, read_only=True) as con:
        state = raw_store.raw_state(con)
    up_to_date.record_publish(
        report_dir,
        state,
        up_to_date.pipeline_fingerprint(),
        target,
        context.run.run_id,
        validated.failed_checks,
    )

    with connect_with_retry(target, read_only=True) as con:
        documents = con.execute(sql.load("published_documents")).fetchall()
    statuses = Counter(status for _, _, status, _, _ in documents)
    # Per document of this run, on its partition: the validation outcome and whether it was
    # published (a large run has them in the table below instead: see extract_disclosures).
    partitions = set(run_partition_keys(context.run.tags, context.instance))
    if len(partitions) > warehouse.events_limit():
        partitions = set()
    for file_name, document_id, status, reason, fact_count in documents:
        if file_name in partitions:
            context.log_event(
                AssetObservation(
                    asset_key=DOCUMENTS_KEY,
                    partition=file_name,
                    metadata={
                        "document_id": document_id,
                        "publish_status": status,
                        "status_reason": reason or "",
                        "validation": "passed" if status == "published" else status,
                        "published_facts": fact_count,
                    },
                )
            )
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "size_bytes": target.stat().st_size,
            "build_sha256": validated.sha256,
            "documents_published": statuses.get("published", 0),
            "documents_quarantined": statuses.get("quarantined", 0),
            "documents_failed": statuses.get("failed", 0),
            "documents": MetadataValue.md(
                "| file | status | facts | reason |\n| --- | --- | --- | --- |\n"
                + "\n".join(
                    f"| {f} | {s} | {n} | {(r or '').replace('|', '/')} |"
                    for f, _, s, r, n in documents
                )
            ),
            "parquet": MetadataValue.path(str(parquet_dir(target))),
            "validation_report": MetadataValue.path(str(report_dir / "report.html")),
            "validation_stamp": MetadataValue.path(str(report_dir / STAMP_NAME)),
        }
    )


# In-process: the steps run one after another anyway, on two cores the multiprocess executor
# more than doubled the run time of a small graph (see the stack notes), and the build
# database lock is a resource held across the steps of one process.
all_assets_job = define_asset_job(
    JOB_NAME,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    tags={WRITER_TAG: "build_database"},
    description="Extract the selected releases (partitions), build and test the dbt models, "
    "validate with Great Expectations, publish the warehouse.",
)


def _definitions() -> Definitions:
    from orchestration.sensors import daily_reconciliation, new_disclosures_sensor

    return Definitions(
        assets=[extract_disclosures, dbt_models, published_warehouse],
        asset_checks=[great_expectations_suites],
        jobs=[all_assets_job],
        sensors=[new_disclosures_sensor],
        schedules=[daily_reconciliation],
        resources=resources(),
    )


def resources(warehouse: WarehouseResource | None = None) -> dict[str, Any]:
    """The resources of the definitions: the dbt project, the warehouse's paths (resolved
    from the environment when the run starts, unless ``warehouse`` gives them) and the lock
    on its build database. A test passes these to ``execute_in_process`` or ``materialize``
    to run on a workspace of its own."""
    warehouse = warehouse or WarehouseResource()
    return {
        DBT_RESOURCE: DbtCli(project_dir=DBT_PROJECT, dbt_executable=settings.dbt_executable()),
        WAREHOUSE_RESOURCE: warehouse,
        LOCK_RESOURCE: BuildDatabaseLockResource(warehouse=warehouse),
    }


# A run process (Dagster's run worker, `make run`) imports these definitions: it ends about a
# second sooner without the cycle collection at exit (orchestration/quick_exit.py).
skip_cycle_collection_at_exit()
defs = _definitions()
