"""Gold → Parquet generations: complete before they go live, swapped atomically, and readable
while a materialisation holds the warehouse."""

import os
import time
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from f1_lakehouse.cli import main as cli_main
from f1_lakehouse.dashboard import export as export_mod
from f1_lakehouse.dashboard.datasets import EXPORT_NAMES, EXPORTS, ExportDataset
from f1_lakehouse.dashboard.export import (
    EXIT_SKIPPED,
    POINTER,
    ExportError,
    WarehouseBusy,
    current_generation,
    export_gold,
)
from f1_lakehouse.dashboard.store import DashboardStore
from f1_lakehouse.definitions import defs
from f1_lakehouse.defs.dashboard.assets import GOLD_EXPORT_KEY, gold_export
from f1_lakehouse.lib.dbt.exposures import (
    API_EXPOSURE,
    DASHBOARD_EXPOSURE,
    DBT_MANIFEST,
    exposed_models,
    exposure_models,
    layer_models,
    load_manifest,
)
from f1_lakehouse.lib.dbt.project import dbt_project
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import SettingsError
from f1_lakehouse_tests.dashboard.conftest import hold_warehouse


@pytest.fixture
def empty_warehouse(data_root):
    """A warehouse file with no silver or gold yet (a fresh data root)."""
    duckdb.connect(str(data_root.warehouse_file)).close()
    return data_root


def _parquet_rows(path: Path) -> int:
    with duckdb.connect() as con:
        return con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchone()[0]


def test_export_writes_one_complete_generation(exported, pipeline):
    assert current_generation(pipeline.root).name == exported.name
    assert set(exported.rows) == set(EXPORT_NAMES)
    for name, rows in exported.rows.items():
        assert _parquet_rows(exported.dataset(name)) == rows, name
    (laps,) = pipeline.query("select count(*) from gold.fact_laps")[0]
    assert exported.rows["laps"] == laps > 0
    (sessions,) = pipeline.query("select count(*) from silver.silver_sessions")[0]
    assert exported.rows["sessions"] == sessions >= 7
    leftovers = [p.name for p in exported.path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_reexport_swaps_the_pointer_and_old_readers_keep_working(exported, pipeline):
    old = DashboardStore.load(exported.path)
    newer = export_gold(pipeline.root)
    assert newer.name != exported.name
    assert current_generation(pipeline.root).name == newer.name
    assert (pipeline.root.warehouse / "exports" / POINTER).read_text().strip() == newer.name
    # The superseded generation stays on disk for a while, and a loaded store never needs it.
    assert exported.path.exists()
    assert old.headline("2018-04-R").p1_abbreviation == "HAM"
    old.close()


def test_a_failed_export_leaves_the_live_generation_alone(empty_warehouse):
    first = export_gold(empty_warehouse)
    broken = (*EXPORTS, ExportDataset("broken", "select * from no_such_table", (), "select 1"))
    with pytest.raises(duckdb.CatalogException):
        export_gold(empty_warehouse, datasets=broken)
    assert current_generation(empty_warehouse).name == first.name
    exports = empty_warehouse.warehouse / "exports"
    assert not [p for p in exports.iterdir() if p.name.startswith(".tmp-")]


def test_missing_marts_export_empty_typed_datasets(empty_warehouse):
    generation = export_gold(empty_warehouse)
    assert set(generation.rows.values()) == {0}
    assert "gold.fact_laps" in generation.manifest["datasets"]["laps"]["missing_tables"]
    store = DashboardStore.load(generation.path)
    assert store.is_empty
    assert store.top_laps("2018-04-R").columns.tolist()[:5] == [
        "rank",
        "abbreviation",
        "team_name",
        "lap_number",
        "lap_time_ms",
    ]


def test_no_warehouse_is_a_clear_error(data_root, capsys):
    with pytest.raises(ExportError, match="no warehouse"):
        export_gold(data_root)
    assert current_generation(data_root) is None
    assert DashboardStore.open(data_root) is None


@pytest.mark.parametrize("keep", [0, 1, 3])
def test_old_generations_are_pruned_as_the_setting_says(empty_warehouse, monkeypatch, keep):
    monkeypatch.setattr(export_mod, "PRUNE_AFTER_SECONDS", 0.0)
    monkeypatch.setenv("F1_LAKEHOUSE_EXPORT_KEEP", str(keep))
    names = [export_gold(empty_warehouse).name for _ in range(5)]
    kept = sorted(p.name for p in (empty_warehouse.warehouse / "exports").glob("gen-*"))
    assert kept == sorted(names[-1 - keep :])


def test_a_bad_keep_setting_is_a_clear_error(empty_warehouse, monkeypatch):
    monkeypatch.setenv("F1_LAKEHOUSE_EXPORT_KEEP", "two")
    with pytest.raises(SettingsError, match="F1_LAKEHOUSE_EXPORT_KEEP='two' is not a whole number"):
        export_gold(empty_warehouse)
    assert current_generation(empty_warehouse) is None


def test_dashboard_keeps_working_while_a_materialisation_holds_the_warehouse(exported, pipeline):
    with hold_warehouse(pipeline.root):
        # The lock is real: even a read-only connection to the warehouse fails at once ...
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(pipeline.root.warehouse_file), read_only=True)
        # ... an export gives up cleanly and leaves the live generation in place ...
        live = current_generation(pipeline.root).name
        started = time.monotonic()
        with pytest.raises(WarehouseBusy):
            export_gold(pipeline.root, wait_seconds=1.0)
        assert time.monotonic() - started < 10
        assert current_generation(pipeline.root).name == live
        # ... and every dashboard query still answers, from a freshly opened store.
        store = DashboardStore.open(pipeline.root)
        headline = store.headline("2018-04-R")
        assert (headline.p1_abbreviation, headline.fastest_abbreviation) == ("HAM", "BOT")
        assert headline.fastest_lap_ms == 105_149
        assert len(store.top_laps("2018-04-R")) == 50
        assert store.kpis("2018-04-R").laps == 848
        for query in (store.lap_distribution, store.positions, store.stints):
            assert not query("2018-04-R").empty
        store.close()
    assert export_gold(pipeline.root).rows["laps"] == exported.rows["laps"]


def test_cli_export(pipeline, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(pipeline.root.path))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli_main(["export"]) == 0
    out = capsys.readouterr().out
    assert "f1-lakehouse export:" in out and "laps" in out and "18 tables published" in out
    live = current_generation(pipeline.root)
    assert live.path.as_posix() in out
    assert live.manifest["gold_run_id"] is None  # no instance named: unknown, not guessed


def test_cli_export_without_warehouse_fails_on_stderr(data_root, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(data_root.path))
    assert cli_main(["export"]) == 1
    captured = capsys.readouterr()
    assert "no warehouse" in captured.err and captured.out == ""


def test_cli_export_skipped_is_not_success(exported, pipeline, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(pipeline.root.path))
    with hold_warehouse(pipeline.root):
        assert cli_main(["export"]) == EXIT_SKIPPED != 0
    captured = capsys.readouterr()
    assert "skipped" in captured.err and captured.out == ""


def test_cli_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli_main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"f1-lakehouse {version('f1_lakehouse')}"


def test_the_manifest_names_tables_schemas_rows_and_the_gold_run(exported, pipeline):
    tables = exported.manifest["tables"]
    leaderboard = tables["session_leaderboard"]
    assert leaderboard["file"] == "gold/session_leaderboard.parquet"
    (rows,) = pipeline.query("select count(*) from gold.session_leaderboard")[0]
    assert leaderboard["rows"] == rows > 0
    assert {"name": "session_id", "type": "VARCHAR"} in leaderboard["columns"]
    assert all(info["layer"] == "gold" for info in tables.values())  # silver is opt-in
    assert exported.manifest["gold_run_id"] is None  # exported outside any Dagster run


def test_published_tables_are_written_in_session_order(exported):
    """So a `session_id = ...` read skips other sessions' row groups by their statistics."""
    several: set[str] = set()
    with duckdb.connect() as con:
        for name, info in exported.tables.items():
            if {"name": "session_id", "type": "VARCHAR"} not in info["columns"]:
                continue
            keys = [
                key
                for (key,) in con.execute(
                    "select session_id from read_parquet(?, file_row_number = true) "
                    "order by file_row_number",
                    [str(exported.table(name))],
                ).fetchall()
            ]
            assert keys == sorted(keys, key=lambda key: (key is None, key)), name
            if len(set(keys)) > 1:
                several.add(name)
    assert {"fact_laps", "session_leaderboard", "dim_sessions"} <= several


def test_silver_is_published_when_the_setting_asks(pipeline, monkeypatch):
    monkeypatch.setenv("F1_LAKEHOUSE_PUBLISH_SILVER", "1")
    generation = export_gold(pipeline.root)
    silver = {n: i for n, i in generation.tables.items() if i["layer"] == "silver"}
    assert "silver_laps" in silver and "silver_sessions" in silver
    (laps,) = pipeline.query("select count(*) from silver.silver_laps")[0]
    assert silver["silver_laps"]["rows"] == laps
    assert generation.table("silver_laps").name == "silver_laps.parquet"


def test_the_export_reads_its_inputs_from_the_dbt_exposures():
    assert dbt_project.manifest_path == DBT_MANIFEST
    manifest = load_manifest()
    dashboard = {m.relation for m in exposure_models(manifest, DASHBOARD_EXPOSURE)}
    # Every table a dashboard dataset reads is declared by the dashboard exposure ...
    assert {t for dataset in EXPORTS for t in dataset.requires} <= dashboard
    # ... the API exposure covers every gold model (add a new model to exposures.yml) ...
    api = set(exposure_models(manifest, API_EXPOSURE))
    assert api == set(layer_models(manifest, "gold"))
    # ... and the export asset hangs off exactly what the exposures name.
    deps = {tuple(dep.asset_key.path) for dep in gold_export.specs_by_key[GOLD_EXPORT_KEY].deps}
    assert deps == {(m.layer, m.name) for m in exposed_models(manifest)}
    with pytest.raises(KeyError, match="no exposure 'notebook'"):
        exposure_models(manifest, "notebook")


def test_gold_export_asset_records_the_gold_run(pipeline):
    result = dg.materialize(
        [gold_export],
        instance=pipeline.instance,
        resources={"data_root": DataRootResource(path=str(pipeline.root.path))},
    )
    assert result.success
    live = current_generation(pipeline.root)
    # The run of gold's newest materialisation (the shared pipeline's warehouse run, unless a
    # test rebuilt gold since).
    newest = pipeline.instance.get_latest_materialization_event(dg.AssetKey(["gold", "fact_laps"]))
    assert live.manifest["gold_run_id"] == newest.run_id
    assert pipeline.instance.get_run_by_id(newest.run_id) is not None
    event = pipeline.instance.get_latest_materialization_event(GOLD_EXPORT_KEY)
    metadata = event.asset_materialization.metadata
    assert metadata["published/fact_laps"].value == live.tables["fact_laps"]["rows"]
    assert metadata["gold_run_id"].value == newest.run_id
    (event,) = result.asset_materializations_for_node("dashboard__gold_export")
    metadata = {k: v.value for k, v in event.metadata.items()}
    assert metadata["generation"] == current_generation(pipeline.root).name
    assert metadata["rows/sessions"] == current_generation(pipeline.root).rows["sessions"]
    assert os.path.isdir(metadata["path"])
    node = defs.resolve_asset_graph().get(gold_export.key)
    assert node.pools == {"duckdb"}
    assert (
        dg.AssetKey(["gold", "driver_session_summary"]) in gold_export.asset_deps[gold_export.key]
    )


def test_gold_export_refuses_a_target_that_builds_outside_duckdb(empty_warehouse, monkeypatch):
    """On Spark the warehouse file holds no current gold: exporting it would publish stale rows."""
    first = export_gold(empty_warehouse)
    monkeypatch.setenv("F1_LAKEHOUSE_DBT_TARGET", "spark")
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [gold_export],
            instance=instance,
            resources={"data_root": DataRootResource(path=str(empty_warehouse.path))},
            raise_on_error=False,
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "dbt target 'spark' builds gold elsewhere" in failure.step_failure_data.error.message
    assert current_generation(empty_warehouse).name == first.name
