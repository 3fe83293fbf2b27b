"""Each FastF1 bronze table, landed from FastF1's own recorded responses."""

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from f1_lakehouse.defs.fastf1 import assets as fastf1_assets
from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables
from f1_lakehouse.lib.bronze import read_partition
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.fastf1.tables import FASTF1_TABLES, Extracted, extract_tables
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse_tests.conftest import materialize_fastf1


def bronze(pipeline, key: str, table: str) -> pa.Table:
    return read_partition(pipeline.root.bronze, "fastf1", table, SessionKey.parse(key))


def test_laps_keep_fastf1_flags_and_integer_milliseconds(pipeline):
    laps = bronze(pipeline, "2018-04-R", "laps")
    assert laps.num_rows == 848
    for column in (
        "lap_time_ms",
        "sector1_time_ms",
        "pit_in_session_time_ms",
        "pit_out_session_time_ms",
    ):
        assert laps.schema.field(column).type == pa.int64()
    for column in ("deleted", "is_accurate", "fastf1_generated", "is_personal_best", "fresh_tyre"):
        assert laps.schema.field(column).type == pa.bool_()
    for column in ("deleted_reason", "compound", "tyre_life", "stint", "track_status"):
        assert column in laps.schema.names
    rows = laps.to_pylist()
    ham_best = min(r["lap_time_ms"] for r in rows if r["driver"] == "HAM" and r["lap_time_ms"])
    assert ham_best == 105412  # Ergast: 1:45.412
    assert {r["compound"] for r in rows} >= {"ULTRASOFT", "SUPERSOFT"}
    assert sum(r["pit_in_session_time_ms"] is not None for r in rows) > 0


def test_results_race_control_and_status(pipeline):
    results = bronze(pipeline, "2018-04-R", "results").to_pylist()
    assert len(results) == 20
    winner = next(r for r in results if r["position"] == 1)
    assert (winner["abbreviation"], winner["time_ms"]) == ("HAM", 6224291)  # 1:43:44.291
    assert bronze(pipeline, "2018-04-R", "race_control_messages").num_rows == 109
    statuses = bronze(pipeline, "2018-04-R", "track_status").column("message").to_pylist()
    assert "SCDeployed" in statuses
    session_status = bronze(pipeline, "2018-04-R", "session_status").column("status").to_pylist()
    assert session_status[:2] == ["Inactive", "Started"] and "Finished" in session_status
    info = bronze(pipeline, "2018-04-R", "session_info").to_pylist()[0]
    assert info["event_name"] == "Azerbaijan Grand Prix" and info["session_name"] == "Race"


def test_missing_tables_land_empty_and_say_why(pipeline):
    weather = bronze(pipeline, "2018-04-R", "weather")
    assert weather.num_rows == 0 and "air_temp_c" in weather.schema.names
    assert "weather" in pipeline.bronze_metadata("2018-04-R", "weather")["missing"]
    for table in ("car_data", "position"):
        assert bronze(pipeline, "2018-04-R", table).num_rows == 0
        assert "not available" in pipeline.bronze_metadata("2018-04-R", table)["missing"]
    assert pipeline.bronze_metadata("2018-04-R", "laps")["missing"] == ""
    assert pipeline.bronze_metadata("2018-04-R", "laps")["dagster/row_count"] == 848


def test_race_without_timing_data_materialises_results_and_race_control(pipeline):
    assert bronze(pipeline, "2023-01-R", "laps").num_rows == 0
    assert "TimingData" in pipeline.bronze_metadata("2023-01-R", "laps")["missing"]
    assert bronze(pipeline, "2023-01-R", "results").num_rows == 20
    assert bronze(pipeline, "2023-01-R", "race_control_messages").num_rows == 73
    winner = [r for r in bronze(pipeline, "2023-01-R", "results").to_pylist() if r["position"] == 1]
    assert winner[0]["abbreviation"] == "VER"


@pytest.mark.parametrize(
    ("key", "laps", "weather", "messages"),
    [("2021-14-FP2", 482, 79, 29), ("2024-12-FP1", 459, 81, 20)],
)
def test_practice_sessions_with_weather(data_root, key, laps, weather, messages):
    fastf1_source.configure("replay", data_root)
    tables = extract_tables(fastf1_source.load_session(SessionKey.parse(key), telemetry=False))
    assert tables["laps"].table.num_rows == laps
    assert tables["weather"].table.num_rows == weather and tables["weather"].missing is None
    assert tables["race_control_messages"].table.num_rows == messages


def test_session_is_loaded_once_per_partition(data_root, monkeypatch):
    calls: list[str] = []
    real_load = fastf1_source.load_session

    def counting_load(key, telemetry):
        calls.append(str(key))
        return real_load(key, telemetry)

    monkeypatch.setattr(fastf1_source, "load_session", counting_load)
    monkeypatch.setenv("F1_LAKEHOUSE_FASTF1_WORKERS", "1")  # counted here: load in this process
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, ["2023-04-SQ"])
        result = dg.materialize(
            [fastf1_session_tables],
            partition_key="2023-04-SQ",
            instance=instance,
            resources={"data_root": DataRootResource(path=str(data_root.path))},
        )
    assert result.success
    assert calls == ["2023-04-SQ"]
    landed = {e.asset_key.path[-1] for e in result.get_asset_materialization_events()}
    assert landed == set(FASTF1_TABLES)
    assert (
        read_partition(data_root.bronze, "fastf1", "laps", SessionKey.parse("2023-04-SQ")).num_rows
        == 233
    )


def test_a_session_outside_the_calendar_fails_clearly_without_retrying(data_root):
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, ["2018-04-S"])
        with pytest.raises(dg.Failure, match="2018-04-S is not in the 2018 calendar"):
            dg.materialize(
                [fastf1_session_tables],
                partition_key="2018-04-S",
                instance=instance,
                resources={"data_root": DataRootResource(path=str(data_root.path))},
            )


def _materialize_fastf1(root, key: str) -> dg.ExecuteInProcessResult:
    return materialize_fastf1(root.path, key)


def test_a_session_fastf1_never_recorded_lands_empty_and_says_so(data_root):
    """2024 Singapore is recorded for OpenF1 only: FastF1 has no response for it at all. In
    replay the recording will never appear and OpenF1 covers the session, so a run of every
    asset must go on: each FastF1 table lands empty with the reason in its metadata."""
    result = _materialize_fastf1(data_root, "2024-18-R")
    assert result.success
    files = sorted(data_root.bronze.rglob("*.parquet"))
    assert len(files) == 10
    rows = {f.parts[-5]: pq.ParquetFile(f).metadata.num_rows for f in files}
    # only the calendar's identity of the session is known
    assert rows.pop("session_info") == 1
    assert set(rows.values()) == {0}
    missing = {
        e.asset_key.path[-1]: e.materialization.metadata["missing"].value
        for e in result.get_asset_materialization_events()
    }
    assert "no laps" in missing["laps"] and "no results" in missing["results"]


def test_an_outage_of_one_table_keeps_the_rows_already_landed(data_root, monkeypatch):
    assert _materialize_fastf1(data_root, "2023-04-SQ").success
    laps = data_root.bronze / "fastf1/laps/season=2023/round=04/session=SQ/data.parquet"
    before = laps.read_bytes()
    real_extract = fastf1_assets.extract_tables

    def laps_gone(session):
        tables = real_extract(session)
        tables["laps"] = Extracted(tables["laps"].table.slice(0, 0), "FastF1 has no laps (outage)")
        return tables

    monkeypatch.setattr(fastf1_assets, "extract_tables", laps_gone)
    monkeypatch.setenv("F1_LAKEHOUSE_FASTF1_WORKERS", "1")  # a local function: load here
    result = _materialize_fastf1(data_root, "2023-04-SQ")
    assert laps.read_bytes() == before
    events = {
        e.asset_key.path[-1]: e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert "kept the previous partition (233 rows)" in events["laps"]["missing"].value
    assert events["laps"]["dagster/row_count"].value == 233
