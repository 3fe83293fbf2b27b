"""End to end with a real `dagster-daemon`: the recorded 2024 Singapore race replayed at pace,
start to end. The live sensor launches poll runs while the race runs, never two at once, then
one compaction; the partition ends as the batch load's files, with no micro-batch left."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from f1_lakehouse.defs.automation.jobs import calendar_run_config
from f1_lakehouse.defs.calendar.assets import calendar
from f1_lakehouse.defs.openf1.live import LIVE_TAG
from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED
from f1_lakehouse.lib.live.schedule import LEAD
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import REPO_ROOT, DataRoot
from f1_lakehouse_tests.automation.test_daemon_e2e import Daemon, finished, wait_for
from f1_lakehouse_tests.conftest import make_root
from f1_lakehouse_tests.live.support import START
from f1_lakehouse_tests.openf1.support import PARTITION, RECORDED_COUNTS, bronze_file

# The simulated clock reaches 10 minutes before lights out (when the sensor starts following)
# STARTUP seconds after the daemon is launched, time for it to load the definitions even on a
# loaded machine; at 120 x the race's 2 h 25 min of calendar window then pass in 72 s of wall
# time: a poll or two (each a whole run), then the compaction.
SPEED = 120
STARTUP_SECONDS = 90
DEADLINE_SECONDS = 600


def live_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    found = instance.get_runs(dg.RunsFilter(tags={LIVE_TAG: ["poll", "compact"]}))
    return sorted(found, key=lambda run: instance.get_run_record_by_id(run.run_id).create_timestamp)


@pytest.fixture
def lakehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[DataRoot, dg.DagsterInstance, Daemon]]:
    root = make_root(tmp_path / "root")
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
        "F1_LAKEHOUSE_LIVE": "on",
        "F1_LAKEHOUSE_REPLAY_PACE": "1",
        "F1_LAKEHOUSE_NOW": (START - LEAD).isoformat(),
        "F1_LAKEHOUSE_CLOCK_SPEED": str(SPEED),
        "F1_LAKEHOUSE_LIVE_LAG_SECONDS": "0",
        "F1_LAKEHOUSE_LIVE_POLL_SECONDS": "2",
        "DO_NOT_TRACK": "1",
    }
    for name in ("F1_LAKEHOUSE_OPENF1_URL", "F1_LAKEHOUSE_AUTOMATION"):
        env.pop(name, None)
    for name in ("F1_LAKEHOUSE_ROOT", "DAGSTER_HOME"):
        monkeypatch.setenv(name, env[name])
    instance = dg.DagsterInstance.from_config(str(root.dagster_home))
    landed = dg.materialize(
        [calendar],
        instance=instance,
        resources={"data_root": DataRootResource(path=str(root.path))},
        run_config=calendar_run_config([2024]),
    )
    assert landed.success
    assert PARTITION in instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
    daemon = Daemon(env, workspace, tmp_path / "daemon.log")
    try:
        yield root, instance, daemon
    finally:
        daemon.stop()
        instance.dispose()


def test_the_daemon_follows_a_race_live_and_compacts_it(lakehouse) -> None:  # type: ignore[no-untyped-def]
    root, instance, daemon = lakehouse
    # The clock reads 10 minutes before lights out STARTUP_SECONDS from now (earlier before).
    daemon.env["F1_LAKEHOUSE_CLOCK_STARTED"] = str(time.time() + STARTUP_SECONDS)
    daemon.start()

    def compacted() -> dg.DagsterRun | None:
        runs = [r for r in live_runs(instance) if r.tags[LIVE_TAG] == "compact"]
        return finished(instance, runs[0].run_id) if runs else None

    done = wait_for("the compaction run", compacted, daemon.log, timeout=DEADLINE_SECONDS)
    assert done.status == dg.DagsterRunStatus.SUCCESS
    runs = live_runs(instance)
    polls = [r for r in runs if r.tags[LIVE_TAG] == "poll"]
    assert polls and all(r.status == dg.DagsterRunStatus.SUCCESS for r in polls)
    assert all(r.tags["dagster/partition"] == PARTITION for r in runs)
    # Never two live runs of the partition at once: each starts after the previous one ended.
    records = [instance.get_run_record_by_id(r.run_id) for r in runs]
    for before, after in pairwise(records):
        assert after.start_time >= before.end_time, (
            before.dagster_run.run_id,
            after.dagster_run.run_id,
        )
    assert not list(root.bronze.rglob("live-*.parquet"))
    for endpoint in (*STREAMED, *REPLACED):
        if endpoint in RECORDED_COUNTS:
            rows = pq.ParquetFile(bronze_file(root.path, endpoint)).metadata.num_rows
            assert rows == RECORDED_COUNTS[endpoint], endpoint
