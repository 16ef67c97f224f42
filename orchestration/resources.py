"""The settings of one warehouse as a Dagster resource, for the assets, checks and sensor.

Assets do not read the environment: they ask for :class:`WarehouseResource` (resource key
``warehouse``) and take their folders and files from it. Each field left unset is resolved by
:mod:`orchestration.settings`, the one module that knows the environment variables and their
defaults, when the resource is used: when a run starts or a sensor ticks, not when the
definitions are loaded. So ``make run``, ``make ui`` and a test that points the environment at a
workspace all get the paths of the environment they run in, as before; a test or a script may
instead give the paths to the resource (``WarehouseResource(warehouse_path=...)``), and the
paths derived from the warehouse (build database, validation report, dbt run folders) follow
it.

Dagster's ``EnvVar`` is not used for the fields: it has no default, and the defaults here are
derived from other settings (the build database from the warehouse), which only
:mod:`orchestration.settings` knows how to do.
"""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from orchestration import settings


class WarehouseResource(ConfigurableResource):
    """Where a run reads the disclosure files and writes the build database and warehouse.

    Every field is optional; an unset one comes from :mod:`orchestration.settings` (the
    environment variable in brackets, or its default).
    """

    disclosures_dir: str | None = Field(
        default=None, description="Folder of releases to extract (DISCLOSURES_DIR)."
    )
    warehouse_path: str | None = Field(
        default=None, description="The published DuckDB file (WAREHOUSE_PATH)."
    )
    build_db_path: str | None = Field(
        default=None,
        description="The database the pipeline writes and dbt builds into (BUILD_DB_PATH; "
        "by default derived from the warehouse).",
    )
    extraction_workers: int | None = Field(
        default=None, description="Processes that extract a run of many files (EXTRACTION_WORKERS)."
    )
    per_document_events_limit: int | None = Field(
        default=None,
        description="Runs of up to this many files record an event per document "
        "(PER_DOCUMENT_EVENTS_LIMIT).",
    )

    def disclosures(self) -> Path:
        """The folder of releases."""
        if self.disclosures_dir:
            return Path(self.disclosures_dir)
        return settings.disclosures_dir()

    def warehouse(self) -> Path:
        """The published warehouse file."""
        return Path(self.warehouse_path) if self.warehouse_path else settings.warehouse_path()

    def build_db(self) -> Path:
        """The build database of the warehouse."""
        if self.build_db_path:
            return Path(self.build_db_path)
        return settings.build_db_path(self.warehouse())

    def validation_dir(self) -> Path:
        """Where the validation report and the stamp of the build that passed go."""
        return settings.validation_dir(self.warehouse())

    def dbt_runs_dir(self) -> Path:
        """The dbt run folders of the build database, with its saved parse state."""
        return settings.dbt_runs_dir(self.build_db(), self.warehouse())

    def workers(self) -> int:
        """Processes that extract at once."""
        if self.extraction_workers is not None:
            return self.extraction_workers
        return settings.extraction_workers()

    def events_limit(self) -> int:
        """Runs of up to this many files record an event per document."""
        if self.per_document_events_limit is not None:
            return self.per_document_events_limit
        return settings.per_document_events_limit()
