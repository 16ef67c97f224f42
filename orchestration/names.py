"""The names Dagster knows this project's pieces by, each written once.

Plain strings, so that the command line, the tests and the benchmarks import them without
loading Dagster's definitions. The definitions build their job, sensor, schedule, partitions
and resources under these names; Dagster's UI, its GraphQL API and its run storage show them.
"""

from __future__ import annotations

# The one job: every asset and check (orchestration/definitions.py).
JOB_NAME = "all_assets_job"
# The automation that launches it (orchestration/sensors.py).
SENSOR_NAME = "new_disclosures_sensor"
SCHEDULE_NAME = "daily_reconciliation"

# The dynamic partitions of raw/documents, one per disclosure file (orchestration/partitions.py).
PARTITIONS_NAME = "disclosure_documents"

# The multi-asset that extracts the files (its op's name, under which its events are found).
EXTRACT_OP_NAME = "extract_disclosures"
# Asset key paths: the raw layer the extraction writes, and the published warehouse.
DOCUMENTS_ASSET = ("raw", "documents")
PUBLISHED_ASSET = ("warehouse", "disclosures")

# Run tags.
# Every run that writes the build database carries it; the instance queues such runs one at a
# time (settings.dagster_yaml, orchestration/locking.py).
WRITER_TAG = "disclosure_warehouse/writes"
# The SHA-256 of the file a sensor run was launched for.
CONTENT_TAG = "disclosure_warehouse/sha256"
# Dagster's own tags: the partition of a one-partition run, the range of a run over several.
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

# Resource keys the assets, checks and sensor ask for (orchestration/resources.py).
WAREHOUSE_RESOURCE = "warehouse"
LOCK_RESOURCE = "build_db_lock"
DBT_RESOURCE = "dbt"

# Metadata of the extraction step (raw/documents) that the command line's summary reads.
DOCUMENTS_READ_KEY = "documents"  # files extracted by the run
UNCHANGED_FILES_KEY = "unchanged_files"  # files not extracted again
FIGURES_KEY = "figures"
FAILURES_KEY = "failures"  # file name -> why it was rejected or read in part
# On the extraction's observation when the run ended there: the run whose publish is current.
UP_TO_DATE_KEY = "current_publish_run"
