"""Dagster definitions: extract the releases, build the dbt models, publish the warehouse.

Load with ``dagster dev -m orchestration.definitions`` (``make dev``). The dbt manifest must
exist first; ``python -m orchestration.cli prepare`` writes it.
"""

# No `from __future__ import annotations` here: Dagster inspects the `context` annotation at
# definition time and rejects it as a string.
import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    Definitions,
    MaterializeResult,
    MetadataValue,
    asset,
    define_asset_job,
    in_process_executor,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from extraction import PARSER_VERSION, DocumentStatus, extract_file
from extraction.schema import RAW_TABLES
from orchestration import raw_store, settings
from orchestration.project import DBT_PROJECT
from orchestration.publish import publish

DBT_PROJECT.prepare_if_dev()

RAW_TABLE_NAMES = [*RAW_TABLES, "document_versions"]
DOCUMENTS_KEY = AssetKey(["raw", "documents"])


def disclosure_files(directory: Path) -> list[Path]:
    """Every regular, non-hidden file in ``directory``, sorted by name.

    Not only ``*.txt``: a misnamed or unreadable file should become a failed document in the
    warehouse, not vanish silently. Hidden files (``.gitkeep``, editor droppings) are skipped.
    """
    if not directory.is_dir():
        raise FileNotFoundError(
            f"{directory}: disclosures folder not found; put the releases there or point "
            "DISCLOSURES_DIR at the folder that holds them."
        )
    return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))


@multi_asset(
    name="extract_disclosures",
    specs=[
        AssetSpec(
            ["raw", table],
            group_name="raw",
            description=f"raw.{table} in the build database, written from the disclosure files.",
            kinds={"python", "duckdb"},
        )
        for table in RAW_TABLE_NAMES
    ],
)
def extract_disclosures(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    """Extract every file in the disclosures folder and upsert it into the raw tables."""
    source_dir = settings.disclosures_dir()
    files = disclosure_files(source_dir)
    if not files:
        context.log.warning(f"{source_dir} holds no files; the warehouse will be empty.")
    loaded_at = dt.datetime.now(dt.UTC)
    figures = tokens = 0
    failures: dict[str, str] = {}

    # The connection closes before dbt starts: DuckDB allows one writer per file.
    with raw_store.open_store(settings.build_db_path()) as con:
        for number, path in enumerate(files, start=1):
            try:
                result = extract_file(path)
            except Exception as exc:
                # Bad input should come back as a failed document; an exception is a parser bug.
                raise RuntimeError(
                    f"{path}: the extractor crashed on this file ({exc!r}). Bad input should "
                    "yield a failed document, so this is a bug in extraction/; reproduce it "
                    f"with extraction.extract_file(Path({str(path)!r}))."
                ) from exc
            version = raw_store.upsert_result(con, result, PARSER_VERSION, loaded_at)
            document = result.document
            figures += len(result.figures)
            tokens += len(result.tokens)
            if document.status != DocumentStatus.EXTRACTED:
                # failed documents and partial (truncated) ones, each with the reason
                failures[path.name] = (
                    f"{document.status}: {document.error_message or 'no reason given'}"
                )
            context.log.info(
                f"[{number}/{len(files)}] {path.name}: {document.status}, version {version}, "
                f"{len(result.figures)} figures, {len(result.tokens)} tokens"
                + (f" ({document.error_message})" if document.error_message else "")
            )
        row_counts = {
            table: con.execute(f"select count(*) from raw.{table}").fetchall()[0][0]
            for table in RAW_TABLE_NAMES
        }

    for table in RAW_TABLE_NAMES:
        metadata: dict[str, Any] = {"dagster/row_count": row_counts[table]}
        if table == "documents":
            metadata |= {
                "documents": len(files),
                "figures": figures,
                "tokens": tokens,
                "failed_documents": len(failures),
                "failures": MetadataValue.json(failures),
                "source_dir": MetadataValue.path(str(source_dir)),
                "parser_version": PARSER_VERSION,
            }
        yield MaterializeResult(asset_key=["raw", table], metadata=metadata)


class DisclosureDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by their folder under ``models/`` (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Return the model's top folder, or the resource type for seeds and the like."""
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2:
            return fqn[1]
        return f"{dbt_resource_props.get('resource_type', 'dbt')}s"


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=DisclosureDbtTranslator(),
)
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Build and test every dbt model in the build database; dbt tests become asset checks."""
    # dbt runs as a subprocess and finds the build database through DBT_DUCKDB_PATH.
    settings.export_environment()
    yield from dbt.cli(["build"], context=context).stream()


VALIDATION_KEY = AssetKey(["warehouse", "validation"])


@asset(
    key=VALIDATION_KEY,
    deps=[dbt_models],
    group_name="publish",
    kinds={"python"},
    check_specs=[
        AssetCheckSpec(
            "blocking_checks",
            asset=VALIDATION_KEY,
            blocking=True,
            description="Every blocking Great Expectations check (mart schemas, keys, "
            "allowed values, ranges, accounting identities) passes on the build database.",
        ),
        AssetCheckSpec(
            "warnings",
            asset=VALIDATION_KEY,
            description="Non-blocking checks: printings of a figure agree after rounding; "
            "no unparsed tokens.",
        ),
    ],
)
def validated_build(context: AssetExecutionContext) -> MaterializeResult:
    """Validate the freshly built database before it may be published (write-audit-publish).

    A failing blocking check stops the run here: the published warehouse stays as it was.
    """
    # Imported here: Great Expectations takes seconds to import, and only this step needs it.
    from expectations.report import summary_text, write_report
    from expectations.run import validate_warehouse

    report = validate_warehouse(settings.build_db_path())
    html_path, _ = write_report(report, settings.validation_dir())
    # The summary says in words which checks failed, for which document, period and items.
    log = context.log.info if report.success else context.log.error
    log(summary_text(report))
    return MaterializeResult(
        metadata={
            "checks": len(report.checks),
            "blocking_failures": len(report.blocking_failures),
            "warnings": len(report.warnings),
            "elapsed_seconds": round(report.elapsed_seconds, 1),
            "report": MetadataValue.path(str(html_path)),
        },
        check_results=[
            AssetCheckResult(
                check_name="blocking_checks",
                passed=report.success,
                metadata={
                    "failed": MetadataValue.json([c.check_id for c in report.blocking_failures])
                },
            ),
            AssetCheckResult(
                check_name="warnings",
                passed=not report.warnings,
                severity=AssetCheckSeverity.WARN,
                metadata={"warned": MetadataValue.json([c.check_id for c in report.warnings])},
            ),
        ],
    )


@asset(
    key=["warehouse", "disclosures"],
    deps=[validated_build],
    group_name="publish",
    kinds={"duckdb"},
)
def published_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    """Copy the build database over the published warehouse, atomically, once validated."""
    target = publish(settings.build_db_path(), settings.warehouse_path())
    context.log.info(f"published {target}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(target)),
            "size_bytes": target.stat().st_size,
        }
    )


# In-process: the steps run one after another anyway, and on two cores the multiprocess
# executor more than doubled the run time of a small graph (see the stack notes).
all_assets_job = define_asset_job(
    "all_assets_job",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Extract every release, build and test the dbt models, publish the warehouse.",
)

defs = Definitions(
    assets=[extract_disclosures, dbt_models, validated_build, published_warehouse],
    jobs=[all_assets_job],
    resources={
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=settings.dbt_executable())
    },
)
