"""Extract many disclosure files: in a pool of processes when there are enough to pay for it.

Extraction is pure Python and CPU-bound, so threads would not help; each worker process
extracts whole files, turns each result into raw-table rows (``raw_store.loadable``) and sends
them back in the files' order. A few files are extracted in this process: starting workers
costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from extraction import ExtractionResult, extract_file
from extraction.document import document_id_for
from orchestration.raw_store import LoadableResult, loadable

# Below this many files a pool costs more (starting the workers, sending results back)
# than it saves.
POOL_THRESHOLD = 32
# Files handed to a worker at a time: large enough to amortize the messages, small enough
# that the workers finish together.
CHUNK_SIZE = 8


class ExtractorCrashError(RuntimeError):
    """The extractor raised instead of returning a failed document: a bug in extraction/."""


def extract_one(path: Path) -> ExtractionResult:
    """Extract one file; a crash becomes an error that names the file and how to reproduce it."""
    try:
        return extract_file(path)
    except Exception as exc:
        # Bad input should come back as a failed document; an exception is a parser bug.
        raise ExtractorCrashError(
            f"{path}: the extractor crashed on this file ({exc!r}). Bad input should "
            "yield a failed document, so this is a bug in extraction/; reproduce it "
            f"with extraction.extract_file(Path({str(path)!r}))."
        ) from exc


def content_ids(paths: Sequence[Path]) -> dict[str, str]:
    """The document id of each readable file's bytes now (file name -> id): what the raw
    layer keys contents by. A file that cannot be read is left out: extraction reports it."""
    ids = {}
    for path in paths:
        try:
            ids[path.name] = document_id_for(path.read_bytes())
        except OSError:
            continue
    return ids


def extract_loadable(path: Path, parser_version: str) -> LoadableResult:
    """Extract one file (:func:`extract_one`) into the rows the raw tables take."""
    return loadable(extract_one(path), parser_version)


def extract_many(
    paths: Sequence[Path], workers: int, parser_version: str
) -> Iterator[LoadableResult]:
    """The raw rows of each of ``paths``, in order, extracted by up to ``workers`` processes."""
    work = partial(extract_loadable, parser_version=parser_version)
    if workers <= 1 or len(paths) < POOL_THRESHOLD:
        yield from map(work, paths)
        return
    # Not "fork": the caller is a Dagster run with threads and open connections, which a
    # forked child would inherit half-held. "forkserver" forks each worker from a fresh,
    # single-threaded server that has imported this module once. Each worker still imports
    # the caller's main module, as multiprocessing does: orchestration/cli.py keeps its
    # heavy imports inside its functions for that reason.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(work, paths, chunksize=CHUNK_SIZE)
