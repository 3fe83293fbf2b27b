"""True type-2 history: a driver who changes team or number mid-season gets a new version
dated by the session, not by the run; nothing else makes a version, and a re-run makes none."""

import duckdb

from f1_lakehouse_tests.warehouse.dbt_cli import copy_root, run_dbt

NEXT_RACE = "2025-13-R"
NEXT_START = "2025-07-27 13:00:00+00"


def _versions(root) -> list[tuple]:
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        return con.execute(
            "select driver_key, driver_number, team_name, dbt_valid_from, dbt_valid_to "
            "from snapshots.snap_drivers order by driver_key, dbt_valid_from"
        ).fetchall()


def test_valid_from_is_the_session_that_showed_the_change(pipeline):
    # Tsunoda moved from Racing Bulls to Red Bull Racing from 2025 round 3; the first recorded
    # session after that is the 2025 Bahrain GP (round 4).
    rows = pipeline.query(
        "select team_name, valid_from_session_id, strftime(valid_from, '%Y-%m-%d') "
        "from gold.dim_drivers where driver_key = 'TSU' and is_current"
    )
    assert rows == [("Red Bull Racing", "2025-04-R", "2025-04-13")]


def test_a_team_or_number_change_makes_one_new_version_and_a_rerun_none(pipeline, tmp_path):
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
    first = run_dbt(["snapshot"], root, tmp_path / "first")
    assert first.returncode == 0, first.output[-3000:]
    after = _versions(root)
    new = sorted(set(after) - set(before), key=str)
    changed = {row[0] for row in new}
    assert changed == {"TSU", "LAW"}, new
    tsu = [row for row in after if row[0] == "TSU"]
    assert [(team, str(valid_to)[:16]) for _, _, team, _, valid_to in tsu[-2:]] == [
        ("Red Bull Racing", "2025-07-27 13:00"),
        ("Racing Bulls", "None"),
    ]
    assert str(tsu[-1][3]).startswith("2025-07-27 13:00")  # valid_from: the session start
    assert [row[1] for row in after if row[0] == "LAW"][-1] == "99"
    assert len(after) == len(before) + 2

    again = run_dbt(["snapshot"], root, tmp_path / "again")
    assert again.returncode == 0, again.output[-3000:]
    assert _versions(root) == after

    dim = run_dbt(["build", "--select", "dim_drivers"], root, tmp_path / "dim")
    assert dim.returncode == 0, dim.output[-3000:]
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        versions = con.execute(
            "select version, team_name, is_current from gold.dim_drivers "
            "where driver_key = 'TSU' order by version"
        ).fetchall()
    assert versions[-2:] == [
        (len(versions) - 1, "Red Bull Racing", False),
        (len(versions), "Racing Bulls", True),
    ]
