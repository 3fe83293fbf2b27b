"""The Spark check over the recorded sessions: every staging-fed silver model and the
intermediate layer build on Spark with the same rows as on DuckDB (EXCEPT ALL both ways), whole
and after an incremental re-run of two sessions, and their data and unit tests pass there."""

from __future__ import annotations

import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.spark.check import run_check

pytestmark = pytest.mark.spark

# Every silver model (each reads staging, some also other silver) and the intermediate layer.
PORTED_MODELS = (
    "silver_sessions",
    "silver_race_control",
    "silver_drivers",
    "silver_official_results",
    "silver_laps",
    "silver_weather",
    "silver_qualifying_segments",
    "silver_positions",
    "silver_stints",
    "silver_timing_classification",
    "silver_results",
    "silver_session_coverage",
    "silver_pit_stops",
    "silver_car_data",
    "silver_location",
    "int_driver_state",
)
# a FastF1 qualifying and a FastF1 race: both replaced on each engine by the re-run
RERUN = ("2023-04-Q", "2018-04-R")


def test_ported_models_are_equal_on_spark_and_duckdb(pipeline) -> None:
    report = run_check(DBT_PROJECT_DIR, pipeline.root, PORTED_MODELS, RERUN)
    print(report.table())
    assert {(r.model, r.phase) for r in report.results} == {
        (model, phase) for model in PORTED_MODELS for phase in ("full", "rerun")
    }
    assert [(r.phase, r.model) for r in report.results if r.differing] == []
    # equal because both built something: every model has rows over the recorded sessions
    assert [(r.phase, r.model) for r in report.results if r.duckdb_rows == 0] == []
    assert report.tests, "no data or unit test ran on Spark"
    assert [f"{t.name}: {t.message}" for t in report.failed_tests] == []
