"""True type-2 history. Drivers (gold.dim_drivers, derived from silver's sessions): a driver who
changes team or number gets a new version dated by the session, not by the run; nothing else
makes a version, and a rebuild makes none. Sessions (the snap_sessions snapshot): a rescheduled
session gets one new version, and a re-run makes none."""

from datetime import timedelta

import duckdb

from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt

NEXT_RACE = "2025-13-R"
NEXT_START = "2025-07-27 13:00:00+00"
DRIVERS = ["build", "--select", "int_driver_state", "dim_drivers"]


def _versions(root) -> list[tuple]:
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        return con.execute(
            "select driver_key, driver_number, team_name, valid_from, valid_to, version, "
            "is_current from gold.dim_drivers order by driver_key, valid_from"
        ).fetchall()


def test_valid_from_is_the_session_that_showed_the_change(pipeline):
    # Tsunoda moved from Racing Bulls to Red Bull Racing from 2025 round 3; the first recorded
    # session after that is the 2025 Bahrain GP (round 4).
    rows = pipeline.query(
        "select team_name, valid_from_session_id, strftime(valid_from, '%Y-%m-%d') "
        "from gold.dim_drivers where driver_key = 'TSU' and is_current"
    )
    assert rows == [("Red Bull Racing", "2025-04-R", "2025-04-13")]


def test_a_team_or_number_change_makes_one_new_version_and_a_rebuild_none(pipeline, tmp_path):
    root = copy_root(pipeline.root, tmp_path / "root")
    before = _versions(root)
    # A later race where TSU is back at Racing Bulls and LAW races with a new number.
    with duckdb.connect(str(root.warehouse_file)) as con:
        con.execute(
            f"insert into silver.silver_sessions by name select * replace ("
            f"'{NEXT_RACE}' as session_id, 13 as round, timestamptz '{NEXT_START}' "
            "as session_start_utc) from silver.silver_sessions where session_id = '2025-12-R'"
        )
        con.execute(
            f"insert into silver.silver_drivers by name select * replace ('{NEXT_RACE}' as "
            "session_id, 13 as round, case driver_key when 'TSU' then 'Racing Bulls' else "
            "team_name end as team_name, case driver_key when 'LAW' then '99' else "
            "driver_number end as driver_number) from silver.silver_drivers "
            "where session_id = '2025-12-R'"
        )
    first = run_dbt(DRIVERS, root, tmp_path / "first")
    assert first.returncode == 0, first.output[-3000:]
    after = _versions(root)
    closed = {row[0] for row in set(before) - set(after)}  # the versions the race closed
    new = sorted(set(after) - set(before), key=str)
    assert closed == {"TSU", "LAW"}
    assert {row[0] for row in new if row[6]} == {"TSU", "LAW"}
    assert len(after) == len(before) + 2
    tsu = [row for row in after if row[0] == "TSU"]
    assert [
        (team, str(valid_to)[:16], current) for _, _, team, _, valid_to, _, current in tsu[-2:]
    ] == [
        ("Red Bull Racing", "2025-07-27 13:00", False),
        ("Racing Bulls", "None", True),
    ]
    assert str(tsu[-1][3]).startswith("2025-07-27 13:00")  # valid_from: the session start
    assert tsu[-1][5] == len(tsu)  # numbered in time order
    assert [row[1] for row in after if row[0] == "LAW"][-1] == "99"

    again = run_dbt(DRIVERS, root, tmp_path / "again")
    assert again.returncode == 0, again.output[-3000:]
    assert _versions(root) == after


def _session_versions(root) -> list[tuple]:
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        return con.execute(
            "select session_id, session_start_utc, dbt_valid_to is null from "
            "snapshots.snap_sessions order by session_id, dbt_valid_from"
        ).fetchall()


def test_a_rescheduled_session_makes_one_snapshot_version_and_a_rerun_none(pipeline, tmp_path):
    root = copy_root(pipeline.root, tmp_path / "root")
    before = _session_versions(root)
    with duckdb.connect(str(root.warehouse_file)) as con:
        con.execute(
            "update silver.silver_sessions set session_start_utc = session_start_utc + "
            "interval 1 hour where session_id = '2025-12-R'"
        )
    first = run_dbt(["snapshot"], root, tmp_path / "first")
    assert first.returncode == 0, first.output[-3000:]
    after = _session_versions(root)
    assert len(after) == len(before) + 1
    rescheduled = [row for row in after if row[0] == "2025-12-R"]
    assert [current for _, _, current in rescheduled] == [False, True]
    assert rescheduled[1][1] - rescheduled[0][1] == timedelta(hours=1)
    again = run_dbt(["snapshot"], root, tmp_path / "again")
    assert again.returncode == 0, again.output[-3000:]
    assert _session_versions(root) == after
