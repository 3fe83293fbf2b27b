"""telemetry_lap_summary and fact_laps are incremental per session: a gold build recomputes
exactly the sessions whose silver inputs were rebuilt (the silver load log,
silver.session_loads), never rereads the others' telemetry, replaces a re-landed session instead
of duplicating it, drops a session silver no longer holds, and recomputes everything when it has
no record of what it saw or its logic changed."""

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR, dbt_project
from f1_lakehouse_tests.conftest import OPENF1_SESSIONS, PIPELINE_SESSIONS, RESULT_SESSIONS
from f1_lakehouse_tests.dbt.dbt_cli import copy_root, run_dbt

SESSION = "2024-18-R"  # the recorded session with telemetry
SUMMARY = (
    "select session_id, season, round, session_code, driver_number, lap_number, samples, "
    "top_speed_kph, avg_speed_kph, full_throttle_share, braking_zones, drs_open_share "
    "from gold.telemetry_lap_summary order by all"
)
DRIVER_1_TOP_SPEEDS = (
    "select sum(top_speed_kph), count(*) from gold.telemetry_lap_summary "
    f"where session_id = '{SESSION}' and driver_number = '1'"
)
SPEED_UP_DRIVER_1 = (
    "update silver.silver_car_data set speed_kph = speed_kph + 1 "
    f"where session_id = '{SESSION}' and driver_number = '1'"
)


class Warehouse:
    """A copy of the built warehouse (and its bronze), to run dbt against."""

    def __init__(self, pipeline, path) -> None:
        self.root = copy_root(pipeline.root, path / "root", bronze=True)
        self.path = path
        self.runs = 0

    def sql(self, statement: str) -> list[tuple]:
        with duckdb.connect(str(self.root.warehouse_file)) as con:
            return con.execute(statement).fetchall()

    def dbt(self, *args: str, project_dir: Path = DBT_PROJECT_DIR) -> None:
        self.runs += 1
        run = run_dbt(list(args), self.root, self.path / f"run{self.runs}", project_dir)
        assert run.returncode == 0, run.output[-3000:]

    def silver(self, model: str, keys: list[str] | None = None) -> None:
        """Rebuild one silver model, for `keys` (a partition run) or whole (no keys)."""
        vars_ = ["--vars", json.dumps({"session_keys": keys})] if keys else []
        self.dbt("run", "--select", model, *vars_)

    def gold(self, *extra: str, project_dir: Path = DBT_PROJECT_DIR) -> None:
        self.dbt("run", "--select", "telemetry_lap_summary", *extra, project_dir=project_dir)


@pytest.fixture
def warehouse(pipeline, tmp_path) -> Warehouse:
    return Warehouse(pipeline, tmp_path)


def test_every_silver_model_logs_every_session_it_holds(warehouse):
    """Once per session with rows in the model: a session a model has no rows for (no
    telemetry in a FastF1 race) is not logged, so a key with no bronze leaves no phantom."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    silver = sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "silver"
    )
    sessions = len(PIPELINE_SESSIONS + RESULT_SESSIONS + OPENF1_SESSIONS)
    for model in silver:
        held = warehouse.sql(f"select distinct session_id from silver.{model} order by 1")
        logged = warehouse.sql(
            f"select session_id from silver.session_loads where model = '{model}' order by 1"
        )
        assert logged == held, model  # each session it holds, once
    assert warehouse.sql(
        "select count(distinct session_id) from silver.session_loads where model = 'silver_sessions'"
    ) == [(sessions,)]
    assert warehouse.sql(
        "select count(distinct session_id) from silver.session_loads where model = 'silver_car_data'"
    ) == [(len(OPENF1_SESSIONS),)]


def test_only_sessions_whose_silver_was_rebuilt_are_recomputed(warehouse):
    rows = warehouse.sql(SUMMARY)
    ((speed, laps),) = warehouse.sql(DRIVER_1_TOP_SPEEDS)
    assert len(rows) > 1000 and laps > 50
    # Silver changed with no silver run (what a rescan of history would pick up): not recomputed.
    warehouse.sql(SPEED_UP_DRIVER_1)
    warehouse.gold()
    assert warehouse.sql(SUMMARY) == rows
    # A partition run of one other silver input (the laps behind fact_laps) logs a load of the
    # session: it is recomputed, from the changed car data, and replaced, not duplicated.
    warehouse.silver("silver_laps", [SESSION])
    warehouse.gold()
    assert warehouse.sql(DRIVER_1_TOP_SPEEDS) == [(speed + laps, laps)]
    assert len(warehouse.sql(SUMMARY)) == len(rows)
    incremental = warehouse.sql(SUMMARY)
    warehouse.gold("--full-refresh")
    assert warehouse.sql(SUMMARY) == incremental
    # Re-landing the car data restores it, and gold follows.
    warehouse.silver("silver_car_data", [SESSION])
    warehouse.gold()
    assert warehouse.sql(SUMMARY) == rows


def test_a_session_silver_no_longer_holds_is_dropped(warehouse):
    # A full rebuild of the car data after the session's bronze went away.
    for path in warehouse.root.bronze.glob("openf1/car_data/season=2024/round=18/session=R/*"):
        path.unlink()
    warehouse.silver("silver_car_data")
    warehouse.gold()
    count = f"select count(*) from gold.telemetry_lap_summary where session_id = '{SESSION}'"
    assert warehouse.sql(count) == [(0,)]


@pytest.mark.parametrize(
    "forget",
    [
        "drop table gold.telemetry_lap_summary__seen_loads",  # e.g. it was a plain table before
        "update gold.telemetry_lap_summary__seen_loads set logic_digest = 'older SQL'",
    ],
)
def test_everything_is_recomputed_without_a_record_of_the_same_logic(warehouse, forget):
    ((speed, laps),) = warehouse.sql(DRIVER_1_TOP_SPEEDS)
    warehouse.sql(SPEED_UP_DRIVER_1)
    warehouse.sql(forget)
    warehouse.gold()
    assert warehouse.sql(DRIVER_1_TOP_SPEEDS) == [(speed + laps, laps)]
    seen = warehouse.sql("select count(*) from gold.telemetry_lap_summary__seen_loads")
    assert seen == [(len(PIPELINE_SESSIONS + RESULT_SESSIONS + OPENF1_SESSIONS),)]


def test_a_change_in_a_macro_the_model_calls_recomputes_every_session(warehouse, tmp_path):
    """The logic digest covers the project macros a model calls, dispatch variants included:
    editing only samples_in_laps' DuckDB variant recomputes every session, as an edit of the
    model's own SQL does. An unedited copy of the project recomputes nothing."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    ((speed, laps),) = warehouse.sql(DRIVER_1_TOP_SPEEDS)
    warehouse.sql(SPEED_UP_DRIVER_1)  # silver changed with no silver run: no new load logged
    warehouse.gold(project_dir=project)
    assert warehouse.sql(DRIVER_1_TOP_SPEEDS) == [(speed, laps)]
    macro = project / "macros" / "cross_engine" / "samples_in_laps.sql"
    edited = macro.read_text().replace("    asof inner join", "    -- edited\n    asof inner join")
    assert edited != macro.read_text()
    macro.write_text(edited)
    warehouse.gold(project_dir=project)
    assert warehouse.sql(DRIVER_1_TOP_SPEEDS) == [(speed + laps, laps)]


def _lap_totals(warehouse: Warehouse, keys: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    """Per session: the sum of lap times, the laps and the timed laps in gold.fact_laps."""
    rows = warehouse.sql(
        "select session_id, sum(lap_time_ms), count(*), count(lap_time_ms) from gold.fact_laps "
        f"where session_id in {keys!r} group by 1"
    )
    return {key: (ms, laps, timed) for key, ms, laps, timed in rows}


def test_fact_laps_recomputes_only_sessions_whose_silver_was_rebuilt(warehouse):
    """Silver laps changed in two sessions without a silver run; then one of them has its stints
    re-landed: a gold build recomputes that session's laps (from the changed laps) and leaves the
    other's; a full refresh then recomputes both."""
    other = PIPELINE_SESSIONS[0]
    before = _lap_totals(warehouse, (SESSION, other))
    assert set(before) == {SESSION, other} and all(t[1] > 500 for t in before.values())
    plus_timed = {key: (ms + timed, laps, timed) for key, (ms, laps, timed) in before.items()}
    warehouse.sql(
        "update silver.silver_laps set lap_time_ms = lap_time_ms + 1 "
        f"where session_id in ('{SESSION}', '{other}')"
    )
    warehouse.silver("silver_stints", [SESSION])
    warehouse.dbt("run", "--select", "fact_laps")
    assert _lap_totals(warehouse, (SESSION, other)) == {
        SESSION: plus_timed[SESSION],
        other: before[other],
    }
    warehouse.dbt("run", "--select", "fact_laps", "--full-refresh")
    assert _lap_totals(warehouse, (SESSION, other)) == plus_timed


def test_a_malformed_key_in_the_load_log_is_refused_and_gold_is_kept(warehouse):
    """Keys read back from the warehouse reach SQL through the same check as a run's keys."""
    rows = warehouse.sql(SUMMARY)
    warehouse.sql(
        "insert into silver.session_loads values "
        "('silver_car_data', '2024-18-R'' or true --', 'bad', now())"
    )
    run = run_dbt(
        ["run", "--select", "telemetry_lap_summary"], warehouse.root, warehouse.path / "bad"
    )
    assert run.returncode != 0
    assert "session key '2024-18-R' or true --' is malformed" in run.output
    assert warehouse.sql(SUMMARY) == rows
