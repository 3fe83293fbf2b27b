"""Dagster materialises the dbt assets on Spark (F1_LAKEHOUSE_DBT_TARGET=spark), and gold
equals the DuckDB run's row for row.

One recorded session, bronze → silver → gold through `dg.materialize`, first with the DuckDB
target, then with the Spark target on the same root (bronze landed again, as a Spark run
would). Every silver, intermediate and gold model is selected. Each table is then compared with
lib/spark/check's EXCEPT ALL both ways, reading Spark's Parquet files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables
from f1_lakehouse.lib.dbt.in_process import InProcessDbt, parse_cache
from f1_lakehouse.lib.dbt.project import dbt_project
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse.lib.spark.check import compare_model
from f1_lakehouse.lib.spark.session import spark_dir
from f1_lakehouse_tests.conftest import make_root

pytestmark = pytest.mark.spark

SESSION = "2018-04-R"
# Models that must have rows for this race (others may rightly be empty for it, e.g. the
# qualifying segments); every model is selected and compared.
NON_EMPTY = (
    "silver_sessions",
    "silver_race_control",
    "silver_laps",
    "silver_results",
    "dim_sessions",
    "session_leaderboard",
    "fact_laps",
    "pit_stop_summary",
    "driver_standings",
)
LAYERS = ("silver", "intermediate", "gold")


def _every_model() -> tuple[tuple[str, str], ...]:
    """(layer, model) of every silver, intermediate and gold model in Dagster's dbt manifest."""
    nodes = json.loads(dbt_project.manifest_path.read_text())["nodes"].values()
    return tuple(
        sorted(
            (node["schema"], node["name"])
            for node in nodes
            if node["resource_type"] == "model" and node["schema"] in LAYERS
        )
    )


SPARK_MODELS = _every_model()
# Tables (intermediate models are views: no files of their own to compare)
COMPARED = tuple((layer, name) for layer, name in SPARK_MODELS if layer != "intermediate")


@dataclass
class EngineRun:
    result: dg.ExecuteInProcessResult
    seconds: float

    def row_counts(self) -> dict[tuple[str, ...], int]:
        counts = {}
        for node in ("silver_dbt_models", "gold_dbt_models"):
            for event in self.result.asset_materializations_for_node(node):
                counts[tuple(event.asset_key.path)] = event.metadata["dagster/row_count"].value
        return counts


@dataclass
class BothEngines:
    root: DataRoot
    project: Path
    instance: dg.DagsterInstance
    duckdb: EngineRun
    spark: EngineRun
    manifest_before: str
    manifest_after: str


def _project_copy(base: Path) -> Path:
    """A copy of the dbt project, so the test can show neither run writes a manifest into it."""
    project = base / "dbt_project"
    shutil.copytree(
        dbt_project.project_dir, project, ignore=shutil.ignore_patterns("target", "logs")
    )
    (project / "target").mkdir()
    return project


def _materialize(
    root: DataRoot, project: Path, instance: dg.DagsterInstance, target: str
) -> EngineRun:
    selection = [
        *fastf1_session_tables.keys,
        *(dg.AssetKey(list(key)) for key in SPARK_MODELS),
    ]
    started = time.monotonic()
    result = dg.materialize(
        [fastf1_session_tables, silver_dbt_models, gold_dbt_models],
        selection=selection,
        partition_key=SESSION,
        instance=instance,
        resources={
            "data_root": DataRootResource(path=str(root.path)),
            "dbt": InProcessDbt(project_dir=str(project), target=target),
        },
    )
    return EngineRun(result, time.monotonic() - started)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BothEngines]:
    base = tmp_path_factory.mktemp("dagster_on_spark")
    (base / "dagster_home").mkdir()
    root = make_root(base / "root")
    before = _digest(dbt_project.manifest_path)
    with dg.instance_for_test(temp_dir=str(base / "dagster_home")) as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [SESSION])
        project = _project_copy(base)
        on_duckdb = _materialize(root, project, instance, "dev")
        on_spark = _materialize(root, project, instance, "spark")
        print(
            f"\n{SESSION} through Dagster: duckdb {on_duckdb.seconds:.1f} s, spark {on_spark.seconds:.1f} s"
        )
        yield BothEngines(
            root, project, instance, on_duckdb, on_spark, before, _digest(dbt_project.manifest_path)
        )


def test_every_selected_model_materialises_on_both_engines(both: BothEngines):
    for run in (both.duckdb, both.spark):
        assert run.result.success
        assert set(run.row_counts()) == set(SPARK_MODELS)
        checks = run.result.get_asset_check_evaluations()
        assert checks and all(c.passed for c in checks), [
            c.asset_key for c in checks if not c.passed
        ]
    # Spark's row counts come from Spark's tables, and agree with DuckDB's
    assert both.spark.row_counts() == both.duckdb.row_counts()
    assert all(both.spark.row_counts()[key] > 0 for key in SPARK_MODELS if key[1] in NON_EMPTY)


def test_spark_wrote_its_own_tables_and_left_duckdb_alone(both: BothEngines):
    tables = spark_dir(both.root) / "warehouse"
    for schema, name in COMPARED:
        if name in NON_EMPTY:  # some upstream models have no rows for a race (qualifying)
            assert any((tables / f"{schema}.db" / name).rglob("*.parquet")), (schema, name)
    # neither engine's run wrote a manifest where DuckDB's lives (the project's target/): each
    # target parses into its own state under the root's cache
    assert both.manifest_after == both.manifest_before
    assert not (both.project / "target" / "manifest.json").exists()
    assert (parse_cache(both.root, "dev") / "partial_parse.msgpack").is_file()
    assert (parse_cache(both.root, "spark") / "partial_parse.msgpack").is_file()


def test_write_audit_publish_is_skipped_on_spark_and_says_so(both: BothEngines):
    def messages(run: EngineRun) -> str:
        logs = both.instance.all_logs(run.result.run_id)
        return "\n".join(entry.user_message for entry in logs)

    assert "write-audit-publish skipped" in messages(both.spark)
    assert "Spark: bronze external tables over files: bronze_fastf1." in messages(both.spark)
    assert "write-audit-publish skipped" not in messages(both.duckdb)


def test_gold_and_silver_equal_the_duckdb_run_row_for_row(both: BothEngines):
    tables = spark_dir(both.root) / "warehouse"
    with duckdb.connect(str(both.root.warehouse_file), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for schema, name in COMPARED:
            rows, spark_rows, only_duckdb, only_spark = compare_model(
                con, f"{schema}.{name}", str(tables / f"{schema}.db" / name)
            )
            assert rows == spark_rows and (rows > 0 or name not in NON_EMPTY), (name, rows)
            assert (only_duckdb, only_spark) == (0, 0), name
