"""telemetry_lap_summary is incremental per session: a gold build recomputes exactly the sessions
whose silver load changed (silver_session_loads), never rereads the others' telemetry, replaces a
re-landed session instead of duplicating it, drops a session silver no longer holds, and
recomputes everything when it has no record of what it saw or its logic changed."""

import duckdb
import pytest

from f1_lakehouse_tests.warehouse.dbt_cli import copy_root, run_dbt

SESSION = "2024-18-R"  # the recorded session with telemetry
SUMMARY = (
    "select session_id, season, round, session_code, driver_number, lap_number, samples, "
    "top_speed_kph, avg_speed_kph, full_throttle_share, braking_zones, drs_open_share "
    "from gold.telemetry_lap_summary order by all"
)


@pytest.fixture
def warehouse(pipeline, tmp_path):
    """A copy of the built warehouse, and a way to rebuild telemetry_lap_summary in it."""
    root = copy_root(pipeline.root, tmp_path / "root")
    runs = iter(range(100))

    def sql(statement: str) -> list[tuple]:
        with duckdb.connect(str(root.warehouse_file)) as con:
            return con.execute(statement).fetchall()

    def rebuild(*extra: str) -> None:
        run = run_dbt(
            ["run", "--select", "telemetry_lap_summary", *extra],
            root,
            tmp_path / f"run{next(runs)}",
        )
        assert run.returncode == 0, run.output[-3000:]

    return sql, rebuild


def _top_speed(sql) -> int:
    return sql(
        "select sum(top_speed_kph) from gold.telemetry_lap_summary where session_id = "
        f"'{SESSION}' and driver_number = '1'"
    )[0][0]


def test_only_sessions_with_a_new_silver_load_are_recomputed(warehouse):
    sql, rebuild = warehouse
    rows, speed = sql(SUMMARY), _top_speed(sql)
    assert len(rows) > 1000
    # Silver changes without a load (what a rescan of history would pick up): nothing recomputed.
    sql(
        f"update silver.silver_car_data set speed_kph = speed_kph + 1 "
        f"where session_id = '{SESSION}' and driver_number = '1'"
    )
    rebuild()
    assert sql(SUMMARY) == rows
    # A silver run rebuilds the session (a new load): it is replaced, not duplicated.
    sql(f"update silver.silver_session_loads set load_id = 'reload' where session_id = '{SESSION}'")
    rebuild()
    assert len(sql(SUMMARY)) == len(rows)
    laps = sql(
        "select count(*) from gold.telemetry_lap_summary "
        f"where session_id = '{SESSION}' and driver_number = '1'"
    )[0][0]
    assert _top_speed(sql) == speed + laps
    incremental = sql(SUMMARY)
    # ... and the result is what a full rebuild computes.
    rebuild("--full-refresh")
    assert sql(SUMMARY) == incremental


def test_a_session_silver_no_longer_holds_is_dropped(warehouse):
    sql, rebuild = warehouse
    # A full silver rebuild whose bronze lost the session: no load, no silver rows.
    sql(f"delete from silver.silver_session_loads where session_id = '{SESSION}'")
    sql(f"delete from silver.silver_car_data where session_id = '{SESSION}'")
    rebuild()
    assert sql(
        f"select count(*) from gold.telemetry_lap_summary where session_id = '{SESSION}'"
    ) == [(0,)]


@pytest.mark.parametrize(
    "forget",
    [
        "drop table gold.telemetry_lap_summary__seen_loads",  # e.g. it was a plain table before
        "update gold.telemetry_lap_summary__seen_loads set logic_digest = 'older SQL'",
    ],
)
def test_everything_is_recomputed_without_a_record_of_the_same_logic(warehouse, forget):
    sql, rebuild = warehouse
    speed = _top_speed(sql)
    sql(
        f"update silver.silver_car_data set speed_kph = speed_kph + 1 "
        f"where session_id = '{SESSION}' and driver_number = '1'"
    )
    sql(forget)
    rebuild()
    assert _top_speed(sql) > speed
    assert sql("select count(*) from gold.telemetry_lap_summary__seen_loads")[0][0] >= 22
