"""Live runs through the real assets: the recorded race followed poll by poll (replay at pace),
the published leaderboard equal to the running order the recording gives at each moment, and
after compaction silver and gold equal to a batch build of the same session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from f1_lakehouse import read
from f1_lakehouse.dashboard.export import POINTER, current_generation, exports_dir
from f1_lakehouse.dashboard.live import LiveSnapshot, shown_order, snapshot
from f1_lakehouse.dashboard.serve import streamlit_command
from f1_lakehouse.defs.dashboard.assets import gold_export
from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.defs.live.jobs import LIVE_PARTITION_TAG
from f1_lakehouse.defs.openf1.assets import build_openf1_assets
from f1_lakehouse.defs.openf1.live import LIVE_TAG
from f1_lakehouse.lib.dbt.in_process import InProcessDbt
from f1_lakehouse.lib.live.pace import laps_done
from f1_lakehouse.lib.live.poll import multiset_difference
from f1_lakehouse.lib.openf1.resource import OpenF1Resource
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS, bronze_schema
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.conftest import make_root
from f1_lakehouse_tests.live.support import AFTER_THE_END, KEY, START, batch_table
from f1_lakehouse_tests.openf1.support import PARTITION, bronze_file
from f1_lakehouse_tests.ops.browser import chrome, page_text, screenshot, server, wait_for
from f1_lakehouse_tests.ops.postgres import free_port

MOMENTS = (START + timedelta(minutes=15), START + timedelta(minutes=55))
ASSETS = [*build_openf1_assets(retry_policy=None), silver_dbt_models, gold_dbt_models, gold_export]
# OpenF1 recorded no race-control message for the race (data/PROVENANCE.md): empty both ways.
RECORDED_EMPTY = frozenset({"silver.silver_race_control"})
# Every silver and gold table of the session (silver's load log records run ids and times).
COMPARED = (
    *(f"silver.{name}" for name in (
        "silver_sessions", "silver_drivers", "silver_laps", "silver_stints", "silver_pit_stops",
        "silver_positions", "silver_race_control", "silver_weather", "silver_car_data",
        "silver_location", "silver_results", "silver_timing_classification",
        "silver_session_coverage",
    )),
    *(f"gold.{name}" for name in (
        "session_leaderboard", "fact_laps", "stint_summary", "pit_stop_summary",
        "driver_session_summary", "telemetry_lap_summary", "tyre_degradation", "dim_sessions",
        "dim_drivers", "driver_standings", "constructor_standings", "team_performance",
    )),
)  # fmt: skip


@dataclass
class LiveRuns:
    live: DataRoot
    batch: DataRoot
    leaderboards: list[list[tuple[int, str]]]
    views: list[LiveSnapshot | None]
    generations: list[Path]  # a copy of the generation each poll published


def _materialize(
    root: DataRoot, instance: dg.DagsterInstance, tags: dict[str, str] | None
) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        ASSETS,
        partition_key=PARTITION,
        instance=instance,
        resources={
            "data_root": DataRootResource(path=str(root.path)),
            "dbt": InProcessDbt(),
            "openf1": OpenF1Resource(),
        },
        tags=tags,
    )


def running_order(batch_root: Path, moment: datetime) -> list[tuple[int, str]]:
    """The order the recording gives at `moment`: laps completed, then when the last of them
    ended (the rule silver_timing_classification applies), drivers with a lap only."""
    laps = [
        {**r, "date_start": r["date_start"] and r["date_start"].isoformat()}
        for r in batch_table(batch_root, "laps").to_pylist()
    ]
    done = laps_done(laps, moment)
    ends = {
        (r["driver_number"], r["lap_number"]): datetime.fromisoformat(r["date_start"])
        + timedelta(seconds=r["lap_duration"])
        for r in laps
        if r["date_start"] and r["lap_duration"] is not None
    }
    ordered = sorted(
        (d for d, n in done.items() if n),
        key=lambda d: (-done[d], ends[(d, done[d])], d),
    )
    return [(position, str(driver)) for position, driver in enumerate(ordered, start=1)]


@pytest.fixture(scope="module")
def live_runs(tmp_path_factory: pytest.TempPathFactory, batch_root: Path) -> Iterator[LiveRuns]:
    base = tmp_path_factory.mktemp("live_runs")
    live, batch = make_root(base / "live"), make_root(base / "batch")
    leaderboards, views, generations = [], [], []
    with pytest.MonkeyPatch.context() as env, dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [PARTITION])
        env.setenv("F1_LAKEHOUSE_REPLAY_PACE", "1")
        env.setenv("F1_LAKEHOUSE_LIVE_LAG_SECONDS", "0")
        for moment in MOMENTS:
            env.setenv("F1_LAKEHOUSE_NOW", moment.isoformat())
            tags = {LIVE_TAG: "poll", LIVE_PARTITION_TAG: PARTITION}
            assert _materialize(live, instance, tags).success
            board = read.table("session_leaderboard", session=PARTITION, root=live)
            board = board[board["position"].notna()].sort_values("position")
            pairs = zip(board["position"], board["driver_number"], strict=True)
            leaderboards.append([(int(p), str(d)) for p, d in pairs])
            views.append(snapshot(live, PARTITION))
            published = current_generation(live)
            assert published is not None
            generations.append(base / "published" / published.name)
            shutil.copytree(published.path, generations[-1])
        env.setenv("F1_LAKEHOUSE_NOW", AFTER_THE_END.isoformat())
        compacted = {LIVE_TAG: "compact", LIVE_PARTITION_TAG: PARTITION}
        assert _materialize(live, instance, compacted).success
        env.delenv("F1_LAKEHOUSE_REPLAY_PACE")
        assert _materialize(batch, instance, None).success
    yield LiveRuns(live, batch, leaderboards, views, generations)


def test_published_leaderboard_is_the_running_order_at_each_moment(
    live_runs: LiveRuns, batch_root: Path
) -> None:
    for moment, board in zip(MOMENTS, live_runs.leaderboards, strict=True):
        expected = running_order(batch_root, moment)
        assert len(expected) >= 15, f"too few drivers on a lap at {moment}"
        assert board == expected, f"leaderboard at {moment}"
    assert live_runs.leaderboards[0] != live_runs.leaderboards[1]


@pytest.mark.parametrize("table", COMPARED)
def test_after_compaction_silver_and_gold_equal_a_batch_build(
    live_runs: LiveRuns, table: str
) -> None:
    with duckdb.connect() as con:
        con.execute(f"attach '{live_runs.live.warehouse_file}' as live (read_only)")
        con.execute(f"attach '{live_runs.batch.warehouse_file}' as batch (read_only)")
        rows = con.execute(f"select count(*) from live.{table}").fetchone()[0]
        differ = con.execute(
            f"select (select count(*) from (from live.{table} except all from batch.{table})),"
            f" (select count(*) from (from batch.{table} except all from live.{table}))"
        ).fetchone()
    assert rows > 0 or table in RECORDED_EMPTY
    assert differ == (0, 0), f"{table}: {differ} rows differ (live-only, batch-only)"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_after_compaction_every_bronze_table_equals_the_batch_load(
    live_runs: LiveRuns, endpoint: str
) -> None:
    live, batch = (bronze_file(r.path, endpoint) for r in (live_runs.live, live_runs.batch))
    assert live.exists() == batch.exists(), endpoint
    if batch.exists():
        got, want = (pq.read_table(p).cast(bronze_schema(endpoint)) for p in (live, batch))
        assert got.num_rows == want.num_rows
        assert multiset_difference(want, got) == (0, 0)


def test_compaction_leaves_no_micro_batches(live_runs: LiveRuns) -> None:
    leftovers = list(live_runs.live.bronze.rglob("live-*.parquet"))
    assert leftovers == []
    assert KEY.hive_path in str(next(live_runs.live.bronze.rglob("car_data/**/data.parquet")))


def test_the_live_view_shows_each_moments_running_order(live_runs: LiveRuns) -> None:
    for board, view in zip(live_runs.leaderboards, live_runs.views, strict=True):
        assert view is not None
        order = view.running_order.dropna(subset=["position"])
        assert [
            (int(p), str(d)) for p, d in zip(order["position"], order["driver_number"], strict=True)
        ] == board
        shown = shown_order(view.running_order)
        leader, second = shown.iloc[0], shown.iloc[1]
        assert leader["gap"] == "" and leader["last_lap"] != "-"
        assert second["gap"].startswith("+"), second.to_dict()
        assert shown["compound"].notna().all()
    assert live_runs.views[0].generation != live_runs.views[1].generation  # type: ignore[union-attr]


def _publish(root: DataRoot, generation: Path) -> None:
    """Put a copy of a published generation in place the way the export does: folder first,
    then the pointer, replaced atomically."""
    base = exports_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    shutil.copytree(generation, base / generation.name)
    (base / ".pointer.tmp").write_text(generation.name + "\n")
    os.replace(base / ".pointer.tmp", base / POINTER)


def test_the_live_view_updates_in_the_browser(live_runs: LiveRuns, tmp_path: Path) -> None:
    """Two screenshots at two simulated moments: the page re-reads the newer generation on its
    own (a Streamlit fragment), without a reload."""
    driver = chrome()
    root = make_root(tmp_path / "root")
    _publish(root, live_runs.generations[0])
    port = free_port()
    env = {
        **os.environ,
        "F1_LAKEHOUSE_ROOT": str(root.path),
        "F1_LAKEHOUSE_LIVE_VIEW_SECONDS": "1",
    }
    url = f"http://127.0.0.1:{port}"
    first, second = (g.name for g in live_runs.generations)
    try:
        with server(streamlit_command(port=port), env, f"{url}/_stcore/health", tmp_path / "log"):
            driver.get(f"{url}/?view=live&session={PARTITION}")
            wait_for(driver, lambda d: f"Generation {first}" in page_text(d))
            before = page_text(driver)
            assert "Live · 2024-18-R" in before and "Data age" in before
            screenshot(driver, "live-view-1")
            _publish(root, live_runs.generations[1])
            wait_for(driver, lambda d: f"Generation {second}" in page_text(d))
            screenshot(driver, "live-view-2")
            after = page_text(driver)
    finally:
        driver.quit()
    leader_laps = [view.running_order["laps_completed"].iloc[0] for view in live_runs.views]  # type: ignore[union-attr]
    assert leader_laps[0] < leader_laps[1]
    assert before != after
