"""A local run launcher that lets run monitoring see a dead run worker.

Dagster's DefaultRunLauncher cannot tell whether a run's process is alive, so a run killed with
SIGKILL (or a laptop that lost power mid-run) stays STARTED forever and keeps its `duckdb` pool
slot: every later DuckDB writer then waits for ever. On one machine the answer is simple: the
RUN_START event records the run worker's pid; if that process is gone, the run is dead. Run
monitoring (dagster.yaml) then marks it failed and frees its slots.

Without the daemon (a plain `dagster asset materialize`), nothing runs monitoring: a run about to
wait on a pool therefore frees, itself, the slots of holders that are finished or whose process
is gone (`free_slots_of_dead_holders`, called by f1_lakehouse/lib/executor.py).

Only for a single-host deployment (the laptop): in docker-compose the daemon cannot see the
user-code container's processes, so deploy/dagster.yaml keeps the default launcher.
"""

from __future__ import annotations

import os

import dagster as dg
from dagster._core.events import DagsterEventType
from dagster._core.launcher import DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus
from dagster._core.storage.dagster_run import FINISHED_STATUSES


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


def _holder_is_dead(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """Why the run holding a slot can no longer use it, or None while it may still be running."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        return "its run no longer exists"
    if run.status in FINISHED_STATUSES:
        return f"its run ended ({run.status.value})"
    if not isinstance(instance.run_launcher, LocalRunLauncher):
        return None  # another host's pid means nothing here: leave it to run monitoring
    pid = run_worker_pid(instance, run_id)
    if pid is None or process_alive(pid):
        return None
    instance.report_run_failed(run, f"run worker process {pid} is gone (killed?)")
    return f"its process {pid} is gone"


def free_slots_of_dead_holders(
    instance: dg.DagsterInstance, pool: str, own_run_id: str
) -> list[str]:
    """Free `pool`'s slots held by runs that ended or whose process died; return what was freed.

    A run killed with SIGKILL keeps its slots until run monitoring (the daemon) frees them; the
    CLI has no daemon, so the next run would wait for ever without this.
    """
    storage = instance.event_log_storage
    holders = {slot.run_id for slot in storage.get_concurrency_info(pool).claimed_slots}
    freed = []
    for run_id in sorted(holders - {own_run_id}):
        reason = _holder_is_dead(instance, run_id)
        if reason is not None:
            storage.free_concurrency_slots_for_run(run_id)
            freed.append(f"run {run_id}: {reason}")
    return freed
