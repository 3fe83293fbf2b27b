"""Several FastF1 sessions loaded at once, one worker process per core (a backfill's FastF1 step).

FastF1 parses a session in Python and pandas under the GIL, so one process uses one core however
many sessions a backfill range holds. Here the sessions load in forked worker processes (they
inherit the FastF1 already imported, so starting one costs next to nothing); each sends back the
session's bronze tables as Arrow, and the step lands them in key order, so the one bronze writer,
the logs and the keep-what-landed rule stay in the step's process.

Only replayed sessions go to workers: live, FastF1 counts its request budgets (Jolpica's and the
live-timing host's) per process, so two processes could together exceed them.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from f1_lakehouse.lib.fastf1 import source
from f1_lakehouse.lib.fastf1.tables import Extracted, extract_tables
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, SourceMode

Tables = dict[str, Extracted]
# A session's tables and the seconds its load took, or what loading it raised.
Loaded = Callable[[], tuple[Tables, float]]


class WorkerError(RuntimeError):
    """A worker's error that cannot travel back to the step as itself (its text does)."""


def worker_count(mode: SourceMode, sessions: int, configured: int) -> int:
    """Worker processes for a step of `sessions` sessions: 0 (load in the step's own process)
    for one session or a live source, else up to `configured`."""
    if mode != "replay" or sessions < 2 or configured < 2:
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
    source.configure(mode, root)  # before any fork: the recordings are extracted once
    if workers == 0:
        yield ((key, lambda key=key: _timed(key, telemetry, extract)) for key in keys)
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(mode, root),
    )
    try:
        futures = [pool.submit(_load_in_worker, key, telemetry, extract) for key in keys]
        yield zip(keys, (future.result for future in futures), strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _timed(
    key: SessionKey, telemetry: bool, extract: Callable[[Any], Tables]
) -> tuple[Tables, float]:
    started = perf_counter()
    tables = extract(source.load_session(key, telemetry=telemetry))
    return tables, perf_counter() - started


def _start_worker(mode: SourceMode, root: DataRoot) -> None:
    """Once per forked worker: FastF1's cache objects are made anew (an open SQLite connection
    must not be used across a fork)."""
    source.configure(mode, root, again=True)


def _load_in_worker(
    key: SessionKey, telemetry: bool, extract: Callable[[Any], Tables]
) -> tuple[Tables, float]:
    """One session in a worker; an error that cannot be pickled back comes as its text."""
    try:
        return _timed(key, telemetry, extract)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise WorkerError(f"{key}: {type(exc).__name__}: {exc}") from None
        raise
