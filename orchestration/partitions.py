"""One Dagster partition per disclosure file, kept in step with the disclosures folder.

The partition key is the file's name: a new file adds a partition, a changed file
re-materializes its partition (and becomes version n+1 of that file in the raw layer). Keys
are added by the sensor when it sees a file, and by :func:`sync_partitions` before a run of
everything (``make run``, the daily reconciliation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance, DynamicPartitionsDefinition

from orchestration.names import PARTITION_TAG, PARTITIONS_NAME, RANGE_END_TAG, RANGE_START_TAG

DOCUMENT_PARTITIONS = DynamicPartitionsDefinition(name=PARTITIONS_NAME)


def disclosure_files(directory: Path) -> list[Path]:
    """Every non-hidden entry of ``directory`` that is not a folder, sorted by name.

    Not only ``*.txt``, and broken links too: a misnamed or unreadable file should become a
    failed document in the warehouse, not vanish silently. Hidden files (``.gitkeep``, editor
    droppings) and sub-folders are skipped.
    """
    if not directory.is_dir():
        raise FileNotFoundError(
            f"{directory}: disclosures folder not found; put the releases there or point "
            "DISCLOSURES_DIR at the folder that holds them."
        )
    return sorted(p for p in directory.iterdir() if not p.name.startswith(".") and not p.is_dir())


def file_signature(path: Path) -> str:
    """Size and modification time of the entry ``path`` (not what a link points to): a cheap
    test of whether a file may have changed, which a copy that keeps times (``cp -a``,
    ``shutil.copy2``) keeps too."""
    stat = path.lstat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class PartitionSync:
    """What :func:`sync_partitions` changed, and the keys a run of everything covers."""

    keys: list[str]
    added: list[str]
    removed: list[str]

    def range_tags(self) -> dict[str, str]:
        """Run tags that select every partition in one run (empty when there are none): one
        run, one dbt build."""
        if not self.keys:
            return {}
        return {RANGE_START_TAG: self.keys[0], RANGE_END_TAG: self.keys[-1]}


def sync_partitions(instance: DagsterInstance, files: Sequence[Path]) -> PartitionSync:
    """Make the document partitions exactly the names of ``files``.

    Partitions of files that left the folder are deleted, so a range over all partitions
    never names a missing file; their documents stay in the raw layer, where the run's
    extraction records the files as withdrawn (``raw_store.record_withdrawals``).
    The returned keys are in the partitions' own order, so that ``keys[0]..keys[-1]`` is a
    range over all of them.
    """
    name = PARTITIONS_NAME
    wanted = [path.name for path in files]
    existing = instance.get_dynamic_partitions(name)
    wanted_keys, existing_keys = set(wanted), set(existing)  # once: a set per key was O(n^2)
    removed = [key for key in existing if key not in wanted_keys]
    for key in removed:
        instance.delete_dynamic_partition(name, key)
    added = [key for key in wanted if key not in existing_keys]
    if added:
        instance.add_dynamic_partitions(name, added)
    return PartitionSync(keys=instance.get_dynamic_partitions(name), added=added, removed=removed)


def run_partition_keys(tags: Mapping[str, str], instance: DagsterInstance) -> list[str]:
    """The document partitions a run covers (one, a range, or none), read from its tags."""
    if PARTITION_TAG in tags:
        return [tags[PARTITION_TAG]]
    start, end = tags.get(RANGE_START_TAG), tags.get(RANGE_END_TAG)
    if start is None or end is None:
        return []
    keys = instance.get_dynamic_partitions(PARTITIONS_NAME)
    if start not in keys or end not in keys:
        return []
    return keys[keys.index(start) : keys.index(end) + 1]


def covers_some_files(tags: Mapping[str, str], instance: DagsterInstance) -> bool:
    """Whether a run covers some of the folder's files but not all: the sensor's runs."""
    covered = set(run_partition_keys(tags, instance))
    return bool(covered) and not covered >= set(instance.get_dynamic_partitions(PARTITIONS_NAME))
