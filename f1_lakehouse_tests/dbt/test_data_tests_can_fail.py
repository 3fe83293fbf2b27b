"""Every kind of data test and gold constraint can fail: corrupt a copy of the built warehouse,
rebuild gold from the corrupted silver, and find each corruption caught by the rule meant for it.
(The same rules passed on the clean data: the pipeline fixture's dbt build succeeded.)

Gold's row rules (not null, ranges, accepted values, row invariants) are enforced constraints of
the models' contracts: DuckDB refuses the rebuild, naming the rule, and the table keeps its rows.
Rules across rows or tables (uniqueness, relationships, standings) are data tests."""

import duckdb
import pytest

from f1_lakehouse_tests.dbt.dbt_cli import copy_root, rules_in, run_dbt

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
    # Two teams for one driver in one session: two versions open at the same start.
    "two versions at once": "insert into silver.silver_drivers by name select * replace "
    "('Corrupt Racing' as team_name) from silver.silver_drivers "
    "where session_id = '2023-04-Q' and driver_key = 'HAM'",
    "two winners": "update silver.silver_results set position = 1 "
    "where session_id = '2025-01-R' and position = 2",
    "unknown session code": "update silver.silver_sessions set session_code = 'XX' "
    "where session_id = '2021-14-FP2'",
    "impossible speed": "update silver.silver_car_data set speed_kph = 900 "
    "where rowid = (select min(rowid) from silver.silver_car_data)",
    "stint ending before it starts": "update silver.silver_stints set lap_end = lap_start - 1 "
    "where session_id = '2018-04-R' and driver_number = '44' and stint_number = 2",
}


def corrupt(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Apply the named corruptions to silver, then log a new load of every session (as a silver
    run landing those rows would), so gold's incremental models recompute them."""
    for name in names:
        con.execute(CORRUPTIONS[name])
    con.execute("update silver.session_loads set load_id = load_id || '-corrupted'")


# What each corruption must trip: (generic test, model, column), or for a model's row rules
# and key rules (row_rules / key_rules, model, the rule: not_null__<column>,
# value_between__<column>, unique__<column>__..., relationships__<column>__to__<model>, ...).
EXPECTED = {
    "duplicate a lap": [
        ("key_rules", "silver_laps", "unique__session_id__driver_number__lap_number"),
        ("key_rules", "fact_laps", "unique__session_id__driver_number__lap_number"),
    ],
    "break a relationship": [
        ("key_rules", "silver_pit_stops", "relationships__session_id__to__silver_sessions")
    ],
    "sector sum disagrees": [
        ("sector_sum_matches_lap_time", "silver_laps", None),
        ("sector_sum_matches_lap_time", "fact_laps", None),
    ],
    "standings going down": [("non_decreasing", "driver_standings", None)],
    "two versions at once": [
        ("scd2_valid_history", "dim_drivers", None),
        ("key_rules", "dim_drivers", "unique__driver_key__valid_from"),
    ],
    "two winners": [
        ("key_rules", "session_leaderboard", "unique__session_id__position"),
        ("contiguous_positions", "session_leaderboard", None),
    ],
    "impossible speed": [("row_rules", "silver_car_data", "value_between__speed_kph")],
    "stint ending before it starts": [
        ("row_rules", "silver_stints", "lap_end_not_before_lap_start"),
    ],
}


# Corruptions that break a gold model's constraint: (model, the constraint DuckDB reports,
# the silver test that also fails, or None).
REFUSED = {
    "null a key": (
        "session_leaderboard",
        "NOT NULL constraint failed: session_leaderboard__dbt_tmp.driver_number",
        ("row_rules", "silver_results", "not_null__driver_number"),
    ),
    "negative lap time": (
        "fact_laps",
        "CHECK((lap_time_ms BETWEEN 30000 AND 600000))",
        ("row_rules", "silver_laps", "value_between__lap_time_ms"),
    ),
    "points against the era rules": (
        "points_audit",
        "CHECK((matches_rules IN (true)))",
        None,
    ),
    "points going down": (
        "team_event_summary",
        "CHECK((points BETWEEN 0 AND 80))",
        ("row_rules", "silver_results", "value_between__points"),
    ),
    "unknown session code": (
        "dim_sessions",
        "CHECK((session_code IN ('FP1', 'FP2', 'FP3', 'SQ', 'S', 'Q', 'R')))",
        ("row_rules", "silver_sessions", "accepted_values__session_code"),
    ),
}

# Plausibility rules on raw timing warn instead of failing (README, "data-test policy"): a real
# session must land. The corruption still trips its rule, as a warning.
WARN_ONLY = {"negative lap time"}

# Gold rows that pass every constraint yet break a rule across rows: written into the rebuilt
# gold tables (DuckDB checks the constraints on this update too). Charles Leclerc's points after
# 2022's second round set to that round's points alone: below his 26 after round 1.
GOLD_CORRUPTIONS = {
    "standings going down": "update gold.driver_standings set points = round_points "
    "where season = 2022 and round = 2 and driver_key = 'LEC'",
}


@pytest.fixture(scope="module")
def corrupted(pipeline, tmp_path_factory):
    """A copy of the built warehouse with every test corruption applied, gold rebuilt, then
    tested."""
    work = tmp_path_factory.mktemp("corrupted")
    root = copy_root(pipeline.root, work / "root")
    with duckdb.connect(str(root.warehouse_file)) as con:
        corrupt(con, *(name for name in CORRUPTIONS if name not in REFUSED))
    rebuilt = run_dbt(["run", "--select", "path:models/gold"], root, work / "gold")
    with duckdb.connect(str(root.warehouse_file)) as con:
        for sql in GOLD_CORRUPTIONS.values():
            assert con.execute(sql).fetchone() == (1,)  # one row changed
    tested = run_dbt(["test", "--exclude", "test_type:unit"], root, work / "test")
    return rebuilt, tested


def test_the_rebuild_refuses_only_the_audit_of_two_winners(corrupted):
    """Two winners also break the era's points rules: points_audit's constraint refuses that
    rebuild (nothing reads points_audit); every other gold model is rebuilt and tested."""
    rebuilt, _ = corrupted
    refused = {uid for uid, status in rebuilt.results.items() if status == "error"}
    assert refused == {"model.f1_lakehouse.points_audit"}, rebuilt.output[-3000:]
    assert "CHECK((matches_rules IN (true)))" in rebuilt.output
    assert "skip" not in rebuilt.results.values()


def test_the_corrupted_warehouse_fails_its_tests(corrupted):
    _, corrupted = corrupted
    assert corrupted.returncode != 0
    assert corrupted.failed_tests()
    # ... but not every rule: the corruptions are targeted. (Counted in rules: a model's key
    # rules and row rules are one test each, which fails when any of its rules breaks.)
    tests = [n for n in corrupted.manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(corrupted.failed_tests()) < 0.2 * sum(rules_in(test) for test in tests)
    passed = [s for s in corrupted.results.values() if s == "pass"]
    assert len(passed) > 0.6 * len(corrupted.results)


@pytest.mark.parametrize("corruption", sorted(EXPECTED))
def test_each_corruption_is_caught_by_its_test(corrupted, corruption):
    failed = corrupted[1].failed_tests()
    for expected in EXPECTED[corruption]:
        assert expected in failed, (corruption, expected, sorted(failed))


@pytest.mark.parametrize("corruption", sorted(REFUSED))
def test_a_gold_constraint_refuses_the_rebuild_and_keeps_the_table(pipeline, tmp_path, corruption):
    model, constraint, silver_test = REFUSED[corruption]
    root = copy_root(pipeline.root, tmp_path / "root")
    table = f"gold.{model}"
    with duckdb.connect(str(root.warehouse_file)) as con:
        before = con.execute(f"select * from {table} order by all").fetchall()
        corrupt(con, corruption)
    if silver_test:
        tested = run_dbt(
            ["test", "--select", "path:models/silver", "--exclude", "test_type:unit"],
            root, tmp_path / "test",
        )  # fmt: skip
        caught = tested.warned_tests() if corruption in WARN_ONLY else tested.failed_tests()
        assert silver_test in caught
    # The model and the gold models it reads (silver stays as corrupted: no bronze here).
    rebuilt = run_dbt(["run", "--select", f"+{model},path:models/gold"], root, tmp_path / "run")
    assert rebuilt.returncode != 0
    assert rebuilt.results[f"model.f1_lakehouse.{model}"] == "error", rebuilt.output[-3000:]
    assert "Constraint Error:" in rebuilt.output
    assert constraint in rebuilt.output
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        assert con.execute(f"select * from {table} order by all").fetchall() == before
        leftovers = con.execute(
            "select table_name from duckdb_tables() where table_name like '%dbt_tmp%'"
        ).fetchall()
    assert leftovers == []


def test_gold_row_rules_are_enforced_constraints(pipeline):
    """Each table-materialised gold model declares its row rules as contract constraints, and
    DuckDB holds them: not a description, a rule every insert passes."""
    with duckdb.connect(str(pipeline.root.warehouse_file), read_only=True) as con:
        held = dict(
            con.execute(
                "select constraint_type, count(*) from duckdb_constraints() "
                "where schema_name = 'gold' group by all"
            ).fetchall()
        )
    assert held.get("NOT NULL", 0) >= 60
    assert held.get("CHECK", 0) >= 40


def test_a_partition_run_tests_its_own_sessions_and_catches_their_corruption(pipeline, tmp_path):
    """Silver tests of a partition run read only its sessions (session_keys), so adding a session
    never rescans history; corrupt rows in those sessions still fail them, a test's own `where`
    (the sector check on accurate laps) still applies, and the other sessions are not read."""
    root = copy_root(pipeline.root, tmp_path / "root")
    with duckdb.connect(str(root.warehouse_file)) as con:
        corrupt(con, "duplicate a lap", "sector sum disagrees", "impossible speed")
        assert con.execute(
            "select session_id from silver.silver_car_data where speed_kph = 900"
        ).fetchall() == [("2024-18-R",)]
    in_2018 = {
        ("key_rules", "silver_laps", "unique__session_id__driver_number__lap_number"),
        ("sector_sum_matches_lap_time", "silver_laps", None),
    }
    in_2024 = {("row_rules", "silver_car_data", "value_between__speed_kph")}

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
        (tmp_path / "2024-18-R" / "target" / "compiled").rglob("silver_car_data_row_rules.sql")
    )
    assert "session_id in ('2024-18-R')" in compiled.read_text()
