"""End to end with a real `dagster-daemon`: the recorded 2024 Singapore race replayed at pace,
start to end. The live sensor launches poll runs while the race runs, never two at once, then
one compaction; the partition ends as the batch load's files, with no micro-batch left."""

from __future__ import annotations

import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from f1_lakehouse.defs.openf1.live import LIVE_TAG
from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED
from f1_lakehouse.lib.live.schedule import LEAD
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.automation.test_daemon_e2e import (
    Daemon,
    daemon_lakehouse,
    finished,
    wait_for,
)
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
    settings = {
        "F1_LAKEHOUSE_LIVE": "on",
        "F1_LAKEHOUSE_REPLAY_PACE": "1",
        "F1_LAKEHOUSE_NOW": (START - LEAD).isoformat(),
        "F1_LAKEHOUSE_CLOCK_SPEED": str(SPEED),
        "F1_LAKEHOUSE_LIVE_LAG_SECONDS": "0",
        "F1_LAKEHOUSE_LIVE_POLL_SECONDS": "2",
    }
    unset = ("F1_LAKEHOUSE_AUTOMATION",)
    with daemon_lakehouse(tmp_path, monkeypatch, settings, 2024, PARTITION, unset) as made:
        yield made


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
