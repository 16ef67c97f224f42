"""End a process that imported Dagster, dbt or pandas without collecting its garbage first.

At exit, Python clears every module (about 3,000 once Dagster, dagster-dbt and pandas are
imported) and runs its cycle collector over all the objects they held: about 1.2 s of a
pipeline run's process on this machine, and 0.6 s of each ``dbt build`` the run starts
(docs/benchmarks.md). :func:`skip_cycle_collection_at_exit` makes ``gc.freeze()`` one of the
process's last acts: every object moves into the permanent generation, which the collector
never scans. Objects are still freed as their references drop, open files are still flushed;
only garbage caught in reference cycles is left to the operating system with the rest of the
process's memory. Nothing in the project relies on the collector to close a file or a
database: connections are closed by the ``with`` blocks that opened them.
"""

from __future__ import annotations

import atexit
import gc


def skip_cycle_collection_at_exit() -> None:
    """Freeze every object when the interpreter exits (an ``atexit`` callback). Other exit
    callbacks still run, before or after it; ``gc.freeze`` stops none of them."""
    atexit.register(gc.freeze)
