"""Every kind of data test can fail: corrupt a copy of the built warehouse, rebuild gold from
the corrupted silver, run `dbt test`, and find each corruption caught by the test meant for it.
(The same tests passed on the clean data: the pipeline fixture's dbt build succeeded.)"""

import duckdb
import pytest

from f1_lakehouse_tests.warehouse.dbt_cli import copy_root, run_dbt

# One statement per corruption, each aimed at specific rows of the recorded data.
CORRUPTIONS = {
    "duplicate a lap": "insert into silver.silver_laps select * from silver.silver_laps "
    "where session_id = '2018-04-R' and driver_number = '44' and lap_number = 10",
    "null a key": "update silver.silver_results set driver_number = null "
    "where session_id = '2023-01-R' and position = 20",
    "break a relationship": "update silver.silver_pit_stops set session_id = '2099-01-R' "
    "where rowid = (select min(rowid) from silver.silver_pit_stops)",
    "sector sum disagrees": "update silver.silver_laps set sector2_time_ms = sector2_time_ms + 700 "
    "where session_id = '2018-04-R' and driver_number = '77' and lap_number = 20",
    "negative lap time": "update silver.silver_laps set lap_time_ms = -90000 "
    "where session_id = '2023-04-Q' and driver_number = '16' and lap_number = 3",
    "points against the era rules": "update silver.silver_results set points = 20 "
    "where session_id = '2022-01-R' and position = 2",
    "points going down": "update silver.silver_results set points = -30 "
    "where session_id = '2022-02-R' and abbreviation = 'VER'",
    "two current versions": "insert into snapshots.snap_drivers by name "
    "select * replace ('corrupt-' || dbt_scd_id as dbt_scd_id) from snapshots.snap_drivers "
    "where driver_key = 'HAM'",
    "two winners": "update silver.silver_results set position = 1 "
    "where session_id = '2025-01-R' and position = 2",
    "unknown session code": "update silver.silver_sessions set session_code = 'XX' "
    "where session_id = '2021-14-FP2'",
    "impossible speed": "update silver.silver_car_data set speed_kph = 900 "
    "where rowid = (select min(rowid) from silver.silver_car_data)",
}

# What each corruption must trip: (generic test, model, column).
EXPECTED = {
    "duplicate a lap": [
        ("unique_combination", "silver_laps", None),
        ("unique_combination", "fact_laps", None),
    ],
    "null a key": [("not_null", "silver_results", "driver_number")],
    "break a relationship": [("relationships", "silver_pit_stops", "session_id")],
    "sector sum disagrees": [
        ("sector_sum_matches_lap_time", "silver_laps", None),
        ("sector_sum_matches_lap_time", "fact_laps", None),
    ],
    "negative lap time": [
        ("value_between", "silver_laps", "lap_time_ms"),
        ("value_between", "fact_laps", "lap_time_ms"),
    ],
    "points against the era rules": [("accepted_values", "points_audit", "matches_rules")],
    "points going down": [
        ("value_between", "silver_results", "points"),
        ("non_decreasing", "driver_standings", None),
    ],
    "two current versions": [
        ("scd2_valid_history", "dim_drivers", None),
        ("unique_combination", "dim_drivers", None),  # (driver_key, valid_from)
    ],
    "two winners": [
        ("unique_combination", "session_leaderboard", None),
        ("contiguous_positions", "session_leaderboard", None),
    ],
    "unknown session code": [("accepted_values", "silver_sessions", "session_code")],
    "impossible speed": [("value_between", "silver_car_data", "speed_kph")],
}


@pytest.fixture(scope="module")
def corrupted(pipeline, tmp_path_factory):
    """A copy of the built warehouse with every corruption applied, gold rebuilt, then tested."""
    work = tmp_path_factory.mktemp("corrupted")
    root = copy_root(pipeline.root, work / "root")
    with duckdb.connect(str(root.warehouse_file)) as con:
        for sql in CORRUPTIONS.values():
            con.execute(sql)
    rebuilt = run_dbt(["run", "--select", "path:models/gold"], root, work / "gold")
    assert rebuilt.returncode == 0, rebuilt.output[-3000:]
    return run_dbt(["test", "--exclude", "test_type:unit"], root, work / "test")


def test_the_corrupted_warehouse_fails_its_tests(corrupted):
    assert corrupted.returncode != 0
    assert corrupted.failed_tests()
    # ... but not every test: the corruptions are targeted.
    passed = [s for s in corrupted.results.values() if s == "pass"]
    assert len(passed) > 100


@pytest.mark.parametrize("corruption", sorted(EXPECTED))
def test_each_corruption_is_caught_by_its_test(corrupted, corruption):
    failed = corrupted.failed_tests()
    for expected in EXPECTED[corruption]:
        assert expected in failed, (corruption, expected, sorted(failed))


def test_a_partition_run_tests_its_own_sessions_and_catches_their_corruption(pipeline, tmp_path):
    """Silver tests of a partition run read only its sessions (session_keys), so adding a session
    never rescans history; corrupt rows in those sessions still fail them, a test's own `where`
    (the sector check on accurate laps) still applies, and the other sessions are not read."""
    root = copy_root(pipeline.root, tmp_path / "root")
    with duckdb.connect(str(root.warehouse_file)) as con:
        for name in ("duplicate a lap", "sector sum disagrees", "impossible speed"):
            con.execute(CORRUPTIONS[name])
        assert con.execute(
            "select session_id from silver.silver_car_data where speed_kph = 900"
        ).fetchall() == [("2024-18-R",)]
    in_2018 = {
        ("unique_combination", "silver_laps", None),
        ("sector_sum_matches_lap_time", "silver_laps", None),
    }
    in_2024 = {("value_between", "silver_car_data", "speed_kph")}

    def failed(key: str) -> set:
        run = run_dbt(
            ["test", "--select", "path:models/silver", "--exclude", "test_type:unit",
             "--vars", f'{{"session_keys": ["{key}"]}}'],
            root, tmp_path / key,
        )  # fmt: skip
        assert run.returncode != 0
        return run.failed_tests()

    assert failed("2018-04-R") == in_2018
    assert failed("2024-18-R") == in_2024
    compiled = next(
        (tmp_path / "2024-18-R" / "target" / "compiled").rglob("*silver_car_data*speed*.sql")
    )
    assert "session_id in ('2024-18-R')" in compiled.read_text()
