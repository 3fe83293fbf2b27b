"""A run killed with SIGKILL must not keep its pool slot: the next plain CLI run (no daemon) frees
it itself before waiting (f1_lakehouse/lib/executor.py); with the daemon, run monitoring sees the
dead worker (LocalRunLauncher's pid check). A run waiting on a live holder stops on SIGTERM. Runs
starting at the same moment on a new instance all get the HTTP pool."""

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._daemon.monitoring.run_monitoring import monitor_started_run

from f1_lakehouse.lib.executor import HTTP_POOL_LIMITS
from f1_lakehouse.lib.root_setup import create_dagster_storage
from f1_lakehouse.lib.run_launcher import LocalRunLauncher
from f1_lakehouse.lib.settings import REPO_ROOT

DEFS = Path(__file__).with_name("slow_pool_defs.py")
DAGSTER = Path(sys.executable).with_name("dagster")


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    create_dagster_storage(home)  # as `f1-lakehouse init` leaves it
    return home


def _materialize(home: Path, asset: str, log_name: str = "") -> subprocess.Popen:
    """`dagster asset materialize` as a user types it: its own process, no daemon anywhere.
    Its log goes to a file of its own (`log_name`, else the asset's name): a pipe nobody reads
    could fill and stall a long-running holder."""
    log = (home.parent / f"{log_name or asset}.log").open("w")
    return subprocess.Popen(
        [str(DAGSTER), "asset", "materialize", "-f", str(DEFS), "--select", asset],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        cwd=home.parent,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        start_new_session=True,
    )


def _log(home: Path, asset: str) -> str:
    return (home.parent / f"{asset}.log").read_text()


def _all_running(home: Path, procs: dict[str, subprocess.Popen]) -> None:
    """Fail at once, with its log, when a process that should still be running has exited."""
    for name, proc in procs.items():
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited ({proc.returncode}):\n{_log(home, name)[-3000:]}")


def _holders(instance: dg.DagsterInstance, pool: str) -> set[str]:
    return {s.run_id for s in instance.event_log_storage.get_concurrency_info(pool).claimed_slots}


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize("pool", ["duckdb", "openf1_api"])
def test_after_a_killed_holder_the_next_cli_run_completes_without_the_daemon(home, pool):
    limit = HTTP_POOL_LIMITS.get(pool, 1)
    running = {
        f"holder{i}": _materialize(home, f"holds_the_{pool}_slot", f"holder{i}")
        for i in range(limit)
    }
    holders = list(running.values())
    waiter = None
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:

            def pool_full() -> set[str]:
                _all_running(home, running)
                claimed = _holders(instance, pool)
                return claimed if len(claimed) == limit else set()

            # The holders sleep 120 s holding their slots: the pool must fill within that.
            held = _wait_for(pool_full, 110, f"{limit} run(s) to fill the {pool} pool")
            assert instance.event_log_storage.get_concurrency_info(pool).slot_count == limit
            for proc in holders:
                _kill(proc)  # SIGKILL: no chance to free anything
            assert _holders(instance, pool) == held  # the dead still hold the pool

            waiter = _materialize(home, f"needs_the_{pool}_slot")
            # seconds on an idle machine; the bound only stops a stuck run hanging the suite
            waiter.wait(timeout=180)
            err = _log(home, f"needs_the_{pool}_slot")
            assert waiter.returncode == 0, err[-3000:]
            assert "freed slots of run" in err
            assert not _holders(instance, pool)
            for run_id in held:  # the dead runs are failed, not left STARTED
                assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    finally:
        for proc in [*holders, *([waiter] if waiter else [])]:
            _kill(proc)


def test_cli_runs_starting_together_all_get_the_http_pool(home):
    """Each run sets the HTTP pool's limit before its first claim (lib/executor.py). Dagster
    inserts the limit row with a select then an insert, so on a new instance one of several runs
    starting together may find the row gone in its select and present at its insert: that run
    must still go on, not fail on the duplicate row."""
    pool = "openf1_api"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert pool not in instance.event_log_storage.get_concurrency_keys()  # no limit yet
    runs = {
        f"needs{i}": _materialize(home, f"needs_the_{pool}_slot", f"needs{i}") for i in range(6)
    }
    try:
        for proc in runs.values():
            proc.wait(timeout=180)
        failed = {name: _log(home, name)[-2000:] for name, p in runs.items() if p.returncode}
        assert failed == {}
        with dg.DagsterInstance.from_config(str(home)) as instance:
            info = instance.event_log_storage.get_concurrency_info(pool)
            assert info.slot_count == HTTP_POOL_LIMITS[pool]
            assert not info.claimed_slots
    finally:
        for proc in runs.values():
            _kill(proc)


def test_a_run_waiting_on_a_live_holder_stops_on_sigterm(home):
    holder = _materialize(home, "holds_the_duckdb_slot")
    waiter = None
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            (held,) = _wait_for(lambda: _holders(instance, "duckdb"), 120, "the holder's claim")
            waiter = _materialize(home, "needs_the_duckdb_slot")
            storage = instance.event_log_storage

            def waiting_run() -> str | None:
                pending = storage.get_concurrency_info("duckdb").pending_steps
                return next((p.run_id for p in pending if p.run_id != held), None)

            run_id = _wait_for(waiting_run, 120, "the second run to wait on the pool")
            os.kill(waiter.pid, signal.SIGTERM)
            waiter.wait(timeout=60)
            err = _log(home, "needs_the_duckdb_slot")
            assert waiter.returncode != 0
            assert instance.get_run_by_id(run_id).status in (
                dg.DagsterRunStatus.CANCELED,
                dg.DagsterRunStatus.FAILURE,
            ), err[-3000:]
            assert holder.poll() is None  # the holder was left alone
            assert _holders(instance, "duckdb") == {held}
    finally:
        for proc in [holder, *([waiter] if waiter else [])]:
            _kill(proc)


def test_a_killed_run_is_failed_by_monitoring_and_frees_its_pool_slot(home):
    proc = _materialize(home, "holds_the_duckdb_slot")
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert isinstance(instance.run_launcher, LocalRunLauncher)
            assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
            storage = instance.event_log_storage
            run_id = _wait_for(
                lambda: next(iter(storage.get_concurrency_run_ids()), None),
                120,
                "the run to claim the duckdb slot",
            )
            run = instance.get_run_by_id(run_id)
            assert run.status == dg.DagsterRunStatus.STARTED
            assert instance.run_launcher.check_run_worker_health(run).status.value == "RUNNING"

            _kill(proc)
            record = instance.get_run_records(dg.RunsFilter(run_ids=[run_id]))[0]
            assert record.dagster_run.status == dg.DagsterRunStatus.STARTED  # stuck, as before

            monitor_started_run(instance, None, record, logging.getLogger("test"))  # type: ignore[arg-type]
            failed = instance.get_run_by_id(run_id)
            assert failed.status == dg.DagsterRunStatus.FAILURE
            # What the daemon's concurrency iteration does once the run has ended (after
            # free_slots_after_run_end_seconds): the slot goes back to the pool.
            storage.free_concurrency_slots_for_run(run_id)
            assert run_id not in storage.get_concurrency_run_ids()
    finally:
        _kill(proc)
