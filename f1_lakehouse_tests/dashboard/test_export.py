"""Gold → Parquet generations: complete before they go live, swapped atomically, and readable
while a materialisation holds the warehouse."""

import os
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from f1_lakehouse.cli import main as cli_main
from f1_lakehouse.dashboard import export as export_mod
from f1_lakehouse.dashboard.export import (
    POINTER,
    ExportError,
    WarehouseBusy,
    current_generation,
    export_gold,
)
from f1_lakehouse.dashboard.queries import EXPORT_NAMES, EXPORTS, ExportDataset
from f1_lakehouse.dashboard.store import DashboardStore
from f1_lakehouse.definitions import defs
from f1_lakehouse.defs.dashboard.assets import gold_export
from f1_lakehouse.lib.resources import DataRootResource
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


def test_old_generations_are_pruned(empty_warehouse, monkeypatch):
    monkeypatch.setattr(export_mod, "PRUNE_AFTER_SECONDS", 0.0)
    names = [export_gold(empty_warehouse).name for _ in range(5)]
    kept = sorted(p.name for p in (empty_warehouse.warehouse / "exports").glob("gen-*"))
    assert kept == sorted(names[-1 - export_mod.KEEP_PREVIOUS :])


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
    assert cli_main(["export"]) == 0
    out = capsys.readouterr().out
    assert "f1-lakehouse export:" in out and "laps" in out
    assert current_generation(pipeline.root).path.as_posix() in out


def test_cli_export_without_warehouse_fails(data_root, monkeypatch, capsys):
    monkeypatch.setenv("F1_LAKEHOUSE_ROOT", str(data_root.path))
    assert cli_main(["export"]) == 1
    assert "no warehouse" in capsys.readouterr().out


def test_gold_export_asset(pipeline):
    result = dg.materialize(
        [gold_export],
        instance=pipeline.instance,
        resources={"data_root": DataRootResource(path=str(pipeline.root.path))},
    )
    assert result.success
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
