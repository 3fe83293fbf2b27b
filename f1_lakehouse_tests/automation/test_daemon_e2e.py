"""End to end with a real `dagster-daemon`: replay mode, the clock frozen just after the 2023
Azerbaijan sprint. The race-weekend sensor launches the sprint's run, the run succeeds, gold
refreshes on its own; a daemon restart launches nothing twice. Everything started is stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import RunsFilter

from f1_lakehouse.defs.automation.jobs import GOLD_KEYS, SILVER_KEYS, calendar_run_config
from f1_lakehouse.defs.calendar.assets import calendar
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import REPO_ROOT, DataRoot
from f1_lakehouse_tests.conftest import make_root

T = TypeVar("T")
BIN = Path(sys.executable).parent
# Saturday 29 April 2023: the sprint started 13:30 UTC, so it is due at 15:15 with the default
# 30 min delay. A 2 h give-up keeps Friday's sessions and the sprint shootout out of the window,
# so the test has exactly one session run to watch.
FROZEN_NOW = "2023-04-29T15:20:00Z"
SESSION = "2023-04-S"
DEADLINE_SECONDS = 300


def wait_for(
    what: str, check: Callable[[], T | None], log: Path, timeout: float = DEADLINE_SECONDS
) -> T:
    """Poll `check` until it returns something; fail with the daemon's log tail at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value is not None:
            return value
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n--- daemon log tail ---\n{tail}")


class Daemon:
    """`dagster-daemon run` in its own session, so the whole process group can be stopped."""

    def __init__(self, env: dict[str, str], workspace: Path, log: Path) -> None:
        self.env, self.workspace, self.log = env, workspace, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(BIN / "dagster-daemon"), "run", "-w", str(self.workspace)],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@contextmanager
def daemon_lakehouse(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, str],
    season: int,
    session: str,
    unset: tuple[str, ...] = (),
) -> Iterator[tuple[DataRoot, dg.DagsterInstance, Daemon]]:
    """A fresh root with `season`'s calendar landed (its sessions registered) and a daemon,
    not yet started, over a workspace of the real definitions with `settings` in its
    environment; the daemon is stopped at the end."""
    root = make_root(tmp_path / "root")  # writes dagster_home/dagster.yaml from the repo's
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        "load_from:\n  - python_module:\n      module_name: f1_lakehouse.definitions\n"
        f"      working_directory: {REPO_ROOT}\n      location_name: f1_lakehouse\n"
    )
    env = {
        **os.environ,
        "F1_LAKEHOUSE_ROOT": str(root.path),
        "F1_LAKEHOUSE_SOURCE": "replay",
        "DAGSTER_HOME": str(root.dagster_home),
        "DO_NOT_TRACK": "1",
        **settings,
    }
    for name in ("F1_LAKEHOUSE_OPENF1_URL", *unset):
        env.pop(name, None)
    for name in ("F1_LAKEHOUSE_ROOT", "DAGSTER_HOME"):
        monkeypatch.setenv(name, env[name])
    instance = dg.DagsterInstance.from_config(str(root.dagster_home))
    # The calendar, as calendar_sync_job lands it: the season's sessions become partitions.
    landed = dg.materialize(
        [calendar],
        instance=instance,
        resources={"data_root": DataRootResource(path=str(root.path))},
        run_config=calendar_run_config([season]),
    )
    assert landed.success
    assert session in instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
    daemon = Daemon(env, workspace, tmp_path / "daemon.log")
    try:
        yield root, instance, daemon
    finally:
        daemon.stop()
        instance.dispose()


@pytest.fixture
def lakehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dg.DagsterInstance, Daemon]]:
    settings = {
        "F1_LAKEHOUSE_NOW": FROZEN_NOW,
        "F1_LAKEHOUSE_AUTOMATION": "on",
        "F1_LAKEHOUSE_SENSOR_INTERVAL_SECONDS": "5",
        "F1_LAKEHOUSE_GIVE_UP_HOURS": "2",
    }
    unset = ("F1_LAKEHOUSE_PUBLISH_DELAY_MINUTES",)
    with daemon_lakehouse(tmp_path, monkeypatch, settings, 2023, SESSION, unset) as made:
        _, instance, daemon = made
        yield instance, daemon


def runs(instance: dg.DagsterInstance, trigger: str) -> list[dg.DagsterRun]:
    return list(instance.get_runs(RunsFilter(tags={"f1_lakehouse/trigger": trigger})))


def finished(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRun | None:
    run = instance.get_run_by_id(run_id)
    return run if run is not None and run.is_finished else None


def sensor_ticks(instance: dg.DagsterInstance, name: str) -> int:
    state = next(s for s in instance.all_instigator_state() if s.instigator_name == name)
    return len(instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1000))


def latest_storage_id(instance: dg.DagsterInstance, key: dg.AssetKey) -> int:
    records = instance.fetch_materializations(key, limit=1).records
    return records[0].storage_id if records else 0


def test_the_daemon_lands_a_session_after_the_flag_and_refreshes_gold(lakehouse) -> None:  # type: ignore[no-untyped-def]
    instance, daemon = lakehouse
    daemon.start()

    session_run = wait_for(
        "the sensor to launch the sprint's run",
        lambda: next(iter(runs(instance, "race_weekend")), None),
        daemon.log,
    )
    assert session_run.tags["dagster/partition"] == SESSION
    assert session_run.tags["dagster/run_key"] == f"{SESSION}:initial"
    assert session_run.tags["dagster/sensor_name"] == "race_weekend_sensor"
    assert session_run.tags["f1_lakehouse/sources"] == "fastf1"  # OpenF1 has no 2023 recording
    done = wait_for(
        "the session run to finish", lambda: finished(instance, session_run.run_id), daemon.log
    )
    assert done.status == dg.DagsterRunStatus.SUCCESS

    gold_run = wait_for(
        "the gold refresh run",
        lambda: next(iter(runs(instance, "silver_landed")), None),
        daemon.log,
    )
    assert gold_run.tags["f1_lakehouse/silver_run"] == session_run.run_id
    gold_done = wait_for(
        "the gold run to finish", lambda: finished(instance, gold_run.run_id), daemon.log
    )
    assert gold_done.status == dg.DagsterRunStatus.SUCCESS
    newest_silver = max(latest_storage_id(instance, k) for k in SILVER_KEYS)
    assert min(latest_storage_id(instance, k) for k in GOLD_KEYS) > newest_silver

    # Restart the daemon mid-weekend: the sensor resumes from its stored cursor and launches
    # nothing again (Friday's sessions and the shootout are past the 2 h give-up).
    daemon.stop()
    ticks_before = sensor_ticks(instance, "race_weekend_sensor")
    daemon.start()
    wait_for(
        "two sensor ticks after the restart",
        lambda: True if sensor_ticks(instance, "race_weekend_sensor") >= ticks_before + 2 else None,
        daemon.log,
    )
    assert [r.run_id for r in runs(instance, "race_weekend")] == [session_run.run_id]
    assert len(runs(instance, "silver_landed")) == 1
