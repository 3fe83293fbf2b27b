"""A run killed with SIGKILL must not keep its pool slot: run monitoring sees the dead worker
(LocalRunLauncher's pid check), marks the run failed, and its slot is freed."""

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from dagster._daemon.monitoring.run_monitoring import monitor_started_run

from f1_lakehouse.lib.run_launcher import LocalRunLauncher
from f1_lakehouse.lib.settings import REPO_ROOT

DEFS = Path(__file__).with_name("slow_pool_defs.py")


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_run_is_failed_by_monitoring_and_frees_its_pool_slot(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.Popen(
        [
            str(dagster),
            "asset",
            "materialize",
            "-f",
            str(DEFS),
            "--select",
            "holds_the_duckdb_slot",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
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

            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
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
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
