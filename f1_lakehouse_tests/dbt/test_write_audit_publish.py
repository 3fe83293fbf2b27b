"""Write-audit-publish: a dbt step whose tests fail leaves the warehouse, the dashboard's export
and everything downstream exactly as they were (f1_lakehouse/lib/dbt/wap.py), and reports no
materialisation a sensor could follow."""

from __future__ import annotations

import os

import dagster as dg
import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from f1_lakehouse.dashboard.export import current_generation, export_gold
from f1_lakehouse.defs.dashboard.assets import gold_export
from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.lib.dbt.wap import pending_audit
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.settings import DataRoot
from f1_lakehouse_tests.conftest import Pipeline
from f1_lakehouse_tests.dbt.dbt_cli import copy_root
from f1_lakehouse_tests.dbt.test_data_tests_can_fail import corrupt


def _state(root: DataRoot) -> dict[str, tuple[int, int]]:
    """(rows, order-independent checksum) of every table in silver, snapshots and gold."""
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('silver', 'snapshots', 'gold', 'wap') order by 1"
        ).fetchall()
        return {
            name: con.execute(
                f"select count(*), coalesce(sum(hash(t)), 0) from {name} t"
            ).fetchone()
            for (name,) in tables
        }


def _export_files(root: DataRoot) -> dict[str, bytes]:
    generation = current_generation(root)
    assert generation is not None
    return {
        str(p.relative_to(generation.path)): p.read_bytes()
        for p in sorted(generation.path.rglob("*"))
        if p.is_file()
    }


def _failed_with(result: dg.ExecuteInProcessResult, text: str) -> None:
    assert not result.success
    errors = [str(e.event_specific_data.error) for e in result.all_events if e.is_step_failure]
    assert any(text in error for error in errors), errors


def test_a_corrupt_silver_session_fails_its_tests_and_changes_nothing(pipeline, tmp_path):
    root = copy_root(pipeline.root, tmp_path / "root", bronze=True)
    before = _state(root)
    # A re-landed 2018-04-R whose lap 20 of driver 77 has sectors that do not add up.
    laps = root.bronze / "fastf1/laps/season=2018/round=04/session=R/data.parquet"
    table = pq.read_table(laps)
    hit = pc.and_(
        pc.equal(table["driver_number"].cast("string"), "77"), pc.equal(table["lap_number"], 20)
    )
    assert pc.sum(hit.cast("int64")).as_py() == 1
    sector2 = pc.if_else(hit, pc.add(table["sector2_time_ms"], 700), table["sector2_time_ms"])
    scratch = laps.with_name("corrupt.tmp")
    pq.write_table(
        table.set_column(
            table.schema.get_field_index("sector2_time_ms"), "sector2_time_ms", sector2
        ),
        scratch,
    )
    os.replace(scratch, laps)  # a new file: the pipeline's hard-linked copy stays clean

    with dg.instance_for_test() as instance:
        run = Pipeline(root, instance)
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, ["2018-04-R"])
        result = dg.materialize(
            [silver_dbt_models],
            partition_key="2018-04-R",
            instance=instance,
            resources=run.resources(),
            raise_on_error=False,
        )
        _failed_with(result, "sector_sum_matches_lap_time")
        assert result.get_asset_materialization_events() == []  # nothing for a sensor to follow
        gold = dg.materialize(
            [gold_dbt_models, gold_export], instance=instance, resources=run.resources()
        )
        assert gold.success  # gold rebuilt from the silver that was kept
    assert not pending_audit(root.warehouse_file)
    after = _state(root)
    assert {k: v for k, v in after.items() if k.startswith("silver.")} == {
        k: v for k, v in before.items() if k.startswith("silver.")
    }
    assert after == before or {k for k in after if after[k] != before.get(k)} <= {
        "snapshots.snap_sessions"  # its dbt_updated_at is the run's clock
    }


def test_a_gold_build_that_fails_its_tests_keeps_gold_and_the_export(pipeline, tmp_path):
    root = copy_root(pipeline.root, tmp_path / "root")
    export_gold(root, wait_seconds=5.0)
    with duckdb.connect(str(root.warehouse_file)) as con:
        corrupt(con, "duplicate a lap")  # silver gone bad: fact_laps' test fails
    before, exported = _state(root), _export_files(root)
    generation = current_generation(root)

    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [gold_dbt_models, gold_export],
            instance=instance,
            resources=Pipeline(root, instance).resources(),
            raise_on_error=False,
        )
    _failed_with(result, "fact_laps_key_rules")
    assert result.get_asset_materialization_events() == []  # the export never ran
    assert _state(root) == before  # gold and the snapshots exactly as they were
    assert not pending_audit(root.warehouse_file)
    assert current_generation(root).name == generation.name
    assert _export_files(root) == exported  # what the dashboard reads, byte for byte
