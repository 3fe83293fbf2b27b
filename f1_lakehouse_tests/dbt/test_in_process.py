"""dbt in the run's process: selection, one `dbt_tests` check per model, clear failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest

from f1_lakehouse.definitions import defs
from f1_lakehouse.defs.dbt.assets import gold_dbt_models
from f1_lakehouse.defs.dbt.reconciliation import LEADERBOARD
from f1_lakehouse.lib.dbt import reconciliation
from f1_lakehouse.lib.dbt.checks import CHECK_NAME, DbtTestOutcome, check_result
from f1_lakehouse.lib.dbt.in_process import (
    DbtBuildError,
    ensure_same_project,
    parse_cache,
    parsed_manifest,
)
from f1_lakehouse.lib.dbt.project import dbt_project
from f1_lakehouse_tests.conftest import Pipeline, make_root

DIM_SESSIONS = dg.AssetKey(["gold", "dim_sessions"])
SESSION_ID_UNIQUE_TEST = "dim_sessions_key_rules"  # unique__session_id breaks
SEASON_RANGE = "CHECK((season BETWEEN 1950 AND 2100))"


def test_every_tested_model_has_exactly_one_dbt_tests_check():
    manifest = json.loads(dbt_project.manifest_path.read_text())
    tested = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("attached_node")
    }
    # beside them, the one Python check: gold against the official classification
    checks = defs.resolve_asset_graph().asset_check_keys - {
        dg.AssetCheckKey(LEADERBOARD, reconciliation.CHECK_NAME)
    }
    assert {check.name for check in checks} == {CHECK_NAME}
    assert len(checks) == len({uid for uid in tested if uid.startswith(("model.", "snapshot."))})
    assert dg.AssetCheckKey(DIM_SESSIONS, CHECK_NAME) in checks


def test_a_failed_or_warned_test_fails_the_model_check_and_is_named():
    outcomes = [
        DbtTestOutcome("not_null_x", "pass"),
        DbtTestOutcome("unique_x", "fail", failures=3),
        DbtTestOutcome("accepted_values_x", "warn", failures=1),
    ]
    result = check_result(DIM_SESSIONS, outcomes)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["tests"].value == 3
    assert [row["test"] for row in result.metadata["not_passed"].value] == [
        "unique_x",
        "accepted_values_x",
    ]
    warned_only = check_result(DIM_SESSIONS, [outcomes[0], outcomes[2]])
    assert not warned_only.passed and warned_only.severity == dg.AssetCheckSeverity.WARN
    assert check_result(DIM_SESSIONS, [outcomes[0]]).passed


def test_a_dbt_project_changed_since_the_manifest_is_a_clear_error():
    parsed = SimpleNamespace(nodes={"model.p.a": 1, "model.p.b": 1})
    ensure_same_project(parsed, {"nodes": {"model.p.a": {}, "model.p.b": {}}})
    with pytest.raises(DbtBuildError, match=r"make manifest.*"):
        ensure_same_project(parsed, {"nodes": {"model.p.a": {}}})


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """2018-04-R landed bronze → gold in a root of its own."""
    base = tmp_path_factory.mktemp("in_process")
    (base / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(base / "dagster_home")) as instance:
        run = Pipeline(make_root(base / "root"), instance)
        result = run.materialize("2018-04-R")
        assert result.success
        run.results["2018-04-R"] = result
        yield run


def test_full_run_reports_one_passed_check_per_tested_model(landed: Pipeline):
    result = landed.results["2018-04-R"]
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(e.check_name == CHECK_NAME for e in evaluations)
    assert all(e.passed for e in evaluations), [e.asset_key for e in evaluations if not e.passed]
    by_asset = {e.asset_key: e for e in evaluations}
    # key_rules and sector_sum_matches_lap_time: one check for both
    assert by_asset[dg.AssetKey(["gold", "fact_laps"])].metadata["tests"].value >= 2
    assert dg.AssetKey(["silver", "silver_laps"]) in by_asset


def test_the_root_keeps_its_dbt_parse_state(landed: Pipeline):
    parsed_manifest(root=landed.root)  # the process's own parse, for the root of the run
    assert (parse_cache(landed.root) / "partial_parse.msgpack").is_file()


def _materialize_dim_sessions(run: Pipeline) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [gold_dbt_models],
        selection=[DIM_SESSIONS],
        instance=run.instance,
        resources=run.resources(),
        raise_on_error=False,
    )


def test_a_subset_builds_only_what_was_selected(landed: Pipeline):
    result = _materialize_dim_sessions(landed)
    assert result.success
    built = result.asset_materializations_for_node("gold_dbt_models")
    assert {m.asset_key for m in built} == {DIM_SESSIONS}
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_key == DIM_SESSIONS and evaluation.passed


def _dim_sessions_over(
    run: Pipeline, corrupt: list[str], restore: list[str]
) -> tuple[dg.ExecuteInProcessResult, str]:
    """Materialise dim_sessions over silver changed by `corrupt` (`restore` puts it back); it
    must fail: the result and the step's error."""
    warehouse = str(run.root.warehouse_file)
    with duckdb.connect(warehouse) as con:
        for sql in corrupt:
            con.execute(sql)
    try:
        result = _materialize_dim_sessions(run)
    finally:
        with duckdb.connect(warehouse) as con:
            for sql in restore:
                con.execute(sql)
    failure = result.failure_data_for_node("gold_dbt_models")
    assert not result.success and failure is not None
    return result, str(failure.error)


def test_a_failing_data_test_fails_the_step_names_the_test_and_fails_the_check(landed: Pipeline):
    result, error = _dim_sessions_over(
        landed,
        [  # every session twice: dim_sessions' key repeats
            "create table silver.sessions_kept as select * from silver.silver_sessions",
            "insert into silver.silver_sessions select * from silver.sessions_kept",
        ],
        [
            "delete from silver.silver_sessions",
            "insert into silver.silver_sessions select * from silver.sessions_kept",
            "drop table silver.sessions_kept",
        ],
    )
    assert SESSION_ID_UNIQUE_TEST in error
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed
    named = [row["test"] for row in evaluation.metadata["not_passed"].value]
    assert named == [SESSION_ID_UNIQUE_TEST]
    assert _materialize_dim_sessions(landed).success  # the clean silver builds it again


def test_a_broken_constraint_fails_the_step_names_it_and_keeps_the_table(landed: Pipeline):
    """Gold's row rules are contract constraints: DuckDB refuses the new table, so the step
    fails naming the rule and the table keeps its rows."""
    result, error = _dim_sessions_over(
        landed,
        ["update silver.silver_sessions set season = 1900"],
        ["update silver.silver_sessions set season = 2018"],
    )
    assert "model.f1_lakehouse.dim_sessions" in error and SEASON_RANGE in error
    assert not result.asset_materializations_for_node("gold_dbt_models")
    with duckdb.connect(str(landed.root.warehouse_file), read_only=True) as con:
        assert con.execute("select season from gold.dim_sessions").fetchall() == [(2018,)]


def test_the_warehouse_is_released_when_dbt_is_done(landed: Pipeline):
    """A read-only reader in the same process (the dashboard export after gold) is not refused
    for a configuration clash with a connection dbt left open."""
    with duckdb.connect(str(landed.root.warehouse_file), read_only=True) as con:
        assert con.execute("select count(*) from gold.dim_sessions").fetchone()[0] == 1
