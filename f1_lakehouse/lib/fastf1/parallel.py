"""FastF1 sessions loaded in forked worker processes, one per core.

FastF1 parses a session in Python and pandas under the GIL, so one process uses one core however
many sessions a backfill range holds. Here the sessions load in forked worker processes; each
sends back the session's bronze tables as Arrow, and the step lands them in key order, so the one
bronze writer, the logs and the keep-what-landed rule stay in the step's process.

A single session goes to one worker too, when there is a second core: the step's process then
only waits, and spends the wait on what the run's later steps need (lib/warm_up.py: the dbt
parse), while the worker imports FastF1 and loads the session; the step's process never imports
FastF1 at all. (A backfill's step waits too, and warms up the same way in the gaps its workers
leave.)

Only replayed sessions go to workers: live, FastF1 counts its request budgets (Jolpica's and the
live-timing host's) per process, so two processes could together exceed them.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from f1_lakehouse.lib.fastf1 import source
from f1_lakehouse.lib.fastf1.tables import Extracted, extract_tables
from f1_lakehouse.lib.partitions import failing_fast_on_local_faults
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, SourceMode

Tables = dict[str, Extracted]
# A session's tables and the seconds its load took, or what loading it raised.
Loaded = Callable[[], tuple[Tables, float]]


class WorkerError(RuntimeError):
    """A worker's error that cannot travel back to the step as itself (its text does)."""


def worker_count(mode: SourceMode, sessions: int, configured: int) -> int:
    """Worker processes for a step of `sessions` sessions: 0 (load in the step's own process)
    for a live source or a single core (`configured` below 2), else up to `configured`."""
    if mode != "replay" or configured < 2:
        return 0
    return min(configured, sessions)


@contextmanager
def loaded_sessions(
    keys: Sequence[SessionKey],
    mode: SourceMode,
    root: DataRoot,
    telemetry: bool,
    workers: int,
    extract: Callable[[Any], Tables] = extract_tables,
) -> Iterator[Iterator[tuple[SessionKey, Loaded]]]:
    """`(key, loaded)` in key order. `workers` 0: each session loads in this process when its
    `loaded()` is called; else every session is handed to the workers at once, and `loaded()`
    waits for its own. Leaving the block early cancels what has not started."""
    if workers == 0:
        source.configure(mode, root)
        yield ((key, lambda key=key: _timed(key, telemetry, extract)) for key in keys)
        return
    # Before the forks, so a corrupt recording fails here and is extracted once. Several workers
    # inherit FastF1 imported here (each importing it would take ~1 s of a busy core); a single
    # one imports it on the second core while this process warms up.
    if workers > 1:
        source.configure(mode, root)
    else:
        source.prepare_recordings(mode, root)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = [
            pool.submit(_load_in_worker, key, mode, root, telemetry, extract) for key in keys
        ]
        yield zip(keys, (future.result for future in futures), strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _timed(
    key: SessionKey, telemetry: bool, extract: Callable[[Any], Tables]
) -> tuple[Tables, float]:
    started = perf_counter()
    tables = extract(source.load_session(key, telemetry=telemetry))
    return tables, perf_counter() - started


_worker_configured = False  # in a forked worker: FastF1 set up in this process


def _configure_worker(mode: SourceMode, root: DataRoot) -> None:
    """Once per forked worker: the objects inherited from the step's process are frozen out of
    the worker's garbage collections, and FastF1's cache objects are made anew (an open SQLite
    connection must not be used across a fork), or for the first time (the step's process may
    never have imported FastF1).

    Freezing: the fork brings the run's whole heap (Dagster's definitions, dbt-core: ~300,000
    objects), and FastF1's parsing, which allocates heavily, would otherwise walk all of it in
    every full collection, copying each page it touches from the parent (`gc.freeze`, as
    Python's documentation recommends for forked workers)."""
    global _worker_configured
    if not _worker_configured:
        gc.freeze()
        source.configure(mode, root, again=True)
        gc.freeze()  # FastF1's modules too, when this worker imported them
        _worker_configured = True


def _load_in_worker(
    key: SessionKey,
    mode: SourceMode,
    root: DataRoot,
    telemetry: bool,
    extract: Callable[[Any], Tables],
) -> tuple[Tables, float]:
    """One session in a worker. A local fault (a full or read-only disk, a corrupt file) comes
    back as the step's fail-at-once failure, as it would in the step; another error that cannot
    be pickled back comes as its text."""
    try:
        with failing_fast_on_local_faults():
            _configure_worker(mode, root)
            return _timed(key, telemetry, extract)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise WorkerError(f"{key}: {type(exc).__name__}: {exc}") from None
        raise
