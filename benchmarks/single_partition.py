"""Run ``all_assets_job`` for one file's partition, as the sensor's run request does.

Usage: python -m benchmarks.single_partition FILE_NAME
FILE_NAME must be in ``DISCLOSURES_DIR``. The partition is added to the instance in
``DAGSTER_HOME`` (what the sensor's dynamic-partitions request does), then the job executes in
this process for that partition alone, tagged with the file's SHA-256 like the sensor's request.
Prints one JSON line: the seconds spent in ``execute_in_process``, whether it succeeded and the
Dagster run id.
``benchmarks/bench.py`` times the whole process around it.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time

from dagster import DagsterInstance

from orchestration import settings
from orchestration.names import CONTENT_TAG, JOB_NAME, PARTITIONS_NAME
from orchestration.project import prepare_dbt_project


def main(name: str) -> int:
    settings.export_environment()
    prepare_dbt_project()
    # Imported only now: loading the definitions needs the manifest prepared above.
    from orchestration.definitions import defs

    path = settings.disclosures_dir() / name
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(PARTITIONS_NAME, [name])
        start = time.perf_counter()
        result = defs.resolve_job_def(JOB_NAME).execute_in_process(
            instance=instance,
            partition_key=name,
            tags={CONTENT_TAG: sha256},
            raise_on_error=False,
        )
        seconds = time.perf_counter() - start
    print(
        json.dumps({"execute_seconds": seconds, "success": result.success, "run_id": result.run_id})
    )
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
