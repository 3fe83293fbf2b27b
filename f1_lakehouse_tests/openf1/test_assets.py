"""End to end: OpenF1 bronze assets for 2024-18-R over the replay server (real HTTP)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from f1_lakehouse.lib import warm_up
from f1_lakehouse.lib.openf1.replay import FaultPlan, ReplayServer
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS, bronze_schema
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.openf1.support import (
    NOT_RECORDED,
    PARTITION,
    RECORDED_COUNTS,
    Runs,
    bronze_counts,
    bronze_file,
    fast_resource,
    materialization_metadata,
    materialize,
)


def test_clean_run_lands_exactly_the_recorded_counts(three_runs: Runs) -> None:
    assert three_runs.results[0].success
    counts = three_runs.counts[0]
    assert set(counts) == set(ENDPOINTS)
    assert {e: counts[e] for e in RECORDED_COUNTS} == RECORDED_COUNTS
    assert all(counts[e] == 0 for e in NOT_RECORDED)


def test_run_through_faults_lands_identical_counts(three_runs: Runs) -> None:
    assert three_runs.results[1].success
    assert three_runs.counts[1] == three_runs.counts[0]
    # The faults really happened, of several kinds, and the client reported its retries
    # (~60 requests a run, one per driver and telemetry endpoint; a quarter of them fail).
    assert sum(three_runs.fault_injected.values()) > 10
    assert {"429", "truncate", "drop", "short"} <= set(three_runs.fault_injected)
    meta = materialization_metadata(three_runs.results[1])
    assert meta["car_data"]["http_retries"] > 0


def test_three_runs_leave_identical_counts_and_rows(three_runs: Runs) -> None:
    assert all(r.success for r in three_runs.results)
    assert three_runs.counts[0] == three_runs.counts[1] == three_runs.counts[2]
    laps = pq.read_table(bronze_file(three_runs.root, "laps"))
    assert laps.num_rows == 1179  # replaced, never appended
    assert sorted(set(laps["lap_number"].to_pylist()))[0] == 1
    # No stray temporary files from the atomic writes.
    assert not [p for p in (three_runs.root / "bronze").rglob("*") if p.name.endswith(".tmp")]


def test_partitions_follow_the_declared_schema(three_runs: Runs) -> None:
    for endpoint in ENDPOINTS:
        schema = pq.read_schema(bronze_file(three_runs.root, endpoint))
        assert schema.remove_metadata().equals(bronze_schema(endpoint)), endpoint


def test_telemetry_dates_are_complete_and_repaired(three_runs: Runs) -> None:
    car = pq.read_table(bronze_file(three_runs.root, "car_data"), columns=["date", "driver_number"])
    assert car["date"].null_count == 0  # the 700 recorded NaT rows are repaired, not dropped
    assert len(set(car["driver_number"].to_pylist())) == 20
    whole = sum(1 for d in car["date"].to_pylist() if d.microsecond == 0)
    assert whole >= 700
    # One row group per driver: streamed, not accumulated.
    assert pq.ParquetFile(bronze_file(three_runs.root, "car_data")).metadata.num_row_groups == 20


def test_metadata_reports_drift_and_unrecorded_endpoints(three_runs: Runs) -> None:
    meta = materialization_metadata(three_runs.results[0])
    assert meta["pit"]["schema_missing_fields"] == ["lane_duration", "stop_duration"]
    assert "circuit_type" in meta["meetings"]["schema_missing_fields"]
    assert meta["sessions"]["schema_missing_fields"] == ["is_cancelled"]
    for endpoint in NOT_RECORDED:
        assert meta[endpoint]["dagster/row_count"] == 0
        assert "no rows" in meta[endpoint]["note"]
    assert "note" not in meta["laps"]
    assert meta["car_data"]["openf1_session_key"] == 9606
    # Every recorded telemetry body was read straight into Arrow, none through Python dicts.
    assert meta["car_data"]["record_path_bodies"] == meta["location"]["record_path_bodies"] == 0
    assert meta["car_data"]["path"].endswith("car_data/season=2024/round=18/session=R/data.parquet")


def test_an_endpoint_failing_every_try_fails_clearly_and_keeps_old_partition(
    three_runs: Runs, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    shutil.copytree(three_runs.root / "bronze", root / "bronze")
    before = {e: bronze_file(root, e).read_bytes() for e in ("pit", "location")}
    plan = FaultPlan(always_fail=frozenset({"pit", "location"}))
    with ReplayServer(faults=plan) as server:
        result = materialize(root, fast_resource(server.base_url), ["pit", "laps", "location"])
    assert not result.success
    messages = "\n".join(
        str(e.step_failure_data.user_failure_data.description)
        for e in result.get_step_failure_events()
    )
    assert "OpenF1 endpoint 'pit' failed after 4 attempt(s)" in messages
    assert "pit?session_key=9606" in messages and "last status 500" in messages
    assert "OpenF1 endpoint 'location' failed after 4 attempt(s)" in messages
    assert "previous bronze partitions are left untouched" in messages
    for endpoint, data in before.items():
        assert bronze_file(root, endpoint).read_bytes() == data, endpoint
    # The healthy endpoint in the same step still landed.
    assert "laps" in materialization_metadata(result)


def test_unmappable_partition_fails_with_a_clear_message(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    result = materialize(
        tmp_path, fast_resource(replay_server.base_url), ["drivers"], partition="2024-18-S"
    )
    assert not result.success
    (failure,) = result.get_step_failure_events()
    message = failure.step_failure_data.user_failure_data.description
    assert "2024-18-S" in message and "has no session code S" in message
    assert "R = Race (9606)" in message
    assert not bronze_file(tmp_path, "drivers", "2024-18-S").exists()


def test_a_session_the_recordings_lack_writes_nothing_and_does_not_fail(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    """Replay: OpenF1 recorded 2024-18-R only. A 2023 session (FastF1's) must not fail a
    `--select '*'` run: every OpenF1 asset says it is not recorded and writes nothing."""
    result = materialize(
        tmp_path, fast_resource(replay_server.base_url), ["drivers", "car_data"], "2023-04-S"
    )
    assert result.success
    notes = [
        e.materialization.metadata["note"].value for e in result.get_asset_materialization_events()
    ]
    assert len(notes) == 2
    assert all("not in the OpenF1 recordings" in n for n in notes)
    assert not list(tmp_path.rglob("*.parquet"))


@pytest.mark.parametrize("empty", ["404", "list"])
def test_unrecorded_endpoints_land_empty_partitions_either_way(tmp_path: Path, empty: str) -> None:
    with ReplayServer(faults=FaultPlan(empty=empty)) as server:
        result = materialize(tmp_path, fast_resource(server.base_url), ["team_radio", "pit"])
    assert result.success
    assert bronze_counts(tmp_path) == {"pit": 23, "team_radio": 0}
    assert (
        pq.read_schema(bronze_file(tmp_path, "team_radio")).names
        == bronze_schema("team_radio").names
    )


def test_partition_matches_key_for_other_sessions(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    """Qualifying maps to its own session (9602); it has no recorded data, so rows are 0."""
    result = materialize(
        tmp_path, fast_resource(replay_server.base_url), ["sessions", "laps"], partition="2024-18-Q"
    )
    assert result.success
    sessions = pq.read_table(bronze_file(tmp_path, "sessions", "2024-18-Q")).to_pylist()
    assert [s["session_key"] for s in sessions] == [9602]
    laps = bronze_file(tmp_path, "laps", "2024-18-Q")
    assert pq.ParquetFile(laps).metadata.num_rows == 0
    assert not bronze_file(tmp_path, "laps", PARTITION).exists()


def test_sessions_before_openf1_coverage_land_nothing_and_say_so(tmp_path) -> None:
    """A 2018 race is outside OpenF1's coverage: the assets succeed with a note, write nothing."""
    import dagster as dg

    from f1_lakehouse.defs.openf1.assets import build_openf1_assets
    from f1_lakehouse.lib.openf1.resource import OpenF1Resource
    from f1_lakehouse.lib.resources import DataRootResource
    from f1_lakehouse_tests.conftest import make_root

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("sessions", ["2018-04-R"])
        result = dg.materialize(
            build_openf1_assets(retry_policy=None),
            partition_key="2018-04-R",
            instance=instance,
            resources={
                "data_root": DataRootResource(path=str(make_root(tmp_path).path)),
                "openf1": OpenF1Resource(),
            },
        )
    assert result.success
    notes = {
        e.asset_key.path[-1]: e.materialization.metadata["note"].value
        for e in result.get_asset_materialization_events()
    }
    assert "car_data" in notes and "laps" in notes
    assert all("covers 2023 onwards" in note for note in notes.values())
    assert not list((tmp_path / "bronze").rglob("*.parquet"))


@pytest.mark.parametrize("endpoints", [["pit", "drivers"], ["location"]])
def test_openf1_steps_run_the_later_steps_warm_ups_while_they_fetch(
    tmp_path: Path,
    replay_server: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    endpoints: list[str],
) -> None:
    """The dbt parse a run's silver step needs runs on a thread while OpenF1 bronze is fetched
    (live, that is mostly waiting on the rate budget); the step ends only once it is done."""
    ran: list[tuple[str, str, bool]] = []

    def record(root: DataRoot) -> None:
        ran.append((threading.current_thread().name, str(root.path), bool(ran)))

    step = "bronze_openf1_session_tables" if "pit" in endpoints else "bronze__openf1__location"
    monkeypatch.setattr(warm_up, "_warm_ups", {})
    warm_up.register_warm_up(step, record)
    result = materialize(tmp_path, fast_resource(replay_server.base_url), endpoints)
    assert result.success
    assert ran == [("warm-up", str(tmp_path), False)]
    assert all(bronze_file(tmp_path, e).exists() for e in endpoints)
