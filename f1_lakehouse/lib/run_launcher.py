"""A local run launcher that lets run monitoring see a dead run worker.

Dagster's DefaultRunLauncher cannot tell whether a run's process is alive, so a run killed with
SIGKILL (or a laptop that lost power mid-run) stays STARTED forever and keeps its `duckdb` pool
slot: every later DuckDB writer then waits for ever. On one machine the answer is simple: the
RUN_START event records the run worker's pid; if that process is gone, the run is dead. Run
monitoring (dagster.yaml) then marks it failed and frees its slots.

Only for a single-host deployment (the laptop): in docker-compose the daemon cannot see the
user-code container's processes, so deploy/dagster.yaml keeps the default launcher.
"""

from __future__ import annotations

import os

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus


def run_worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the process that started executing the run (its RUN_START event)."""
    records = instance.get_records_for_run(
        run_id, of_type=DagsterEventType.RUN_START, limit=1
    ).records
    event = records[0].event_log_entry.dagster_event if records else None
    return event.pid if event is not None else None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


class LocalRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher + a run-worker health check by pid (single host)."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: dg.DagsterRun) -> CheckRunHealthResult:
        pid = run_worker_pid(self._instance, run.run_id)
        if pid is None:  # cannot tell: never fail a run on a guess
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no run worker pid recorded")
        if process_alive(pid):
            return CheckRunHealthResult(WorkerStatus.RUNNING, run_worker_id=str(pid))
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"run worker process {pid} is gone (killed?)",
            run_worker_id=str(pid),
        )
