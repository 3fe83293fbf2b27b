"""Gold published as one open Parquet generation after the warehouse changes: what the
dashboard, notebooks and the read API read (they never open the warehouse file)."""

import dagster as dg

from f1_lakehouse.dashboard.export import export_gold
from f1_lakehouse.defs.dbt.assets import DUCKDB_POOL
from f1_lakehouse.lib.dbt.engine import reads_duckdb_warehouse, resolve_target
from f1_lakehouse.lib.dbt.exposures import exposed_models, load_manifest
from f1_lakehouse.lib.dbt.gold_runs import latest_gold_run_id
from f1_lakehouse.lib.dbt.wap import pending_audit
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import dbt_target

GOLD_EXPORT_KEY = dg.AssetKey(["dashboard", "gold_export"])


def export_deps() -> list[dg.AssetKey]:
    """The models the dbt exposures (dashboard, API) depend on, as `<layer>/<model>` keys."""
    manifest = load_manifest()
    return [dg.AssetKey([m.layer, m.name]) for m in exposed_models(manifest)]


@dg.asset(
    key=GOLD_EXPORT_KEY,
    deps=export_deps(),
    group_name="dashboard",
    kinds={"duckdb", "parquet"},
    # It reads the warehouse: queue behind the writers instead of failing on DuckDB's file lock.
    pool=DUCKDB_POOL,
    description=(
        "Every gold model the dbt exposures name (and silver with F1_LAKEHOUSE_PUBLISH_SILVER=1) "
        "plus the dashboard's datasets, copied out of the warehouse as one Parquet generation "
        "(warehouse/exports/, swapped in atomically, with a manifest), so the dashboard, "
        "notebooks and the read API never open the DuckDB file."
    ),
)
def gold_export(context: dg.AssetExecutionContext, data_root: DataRootResource):
    target = resolve_target(dbt_target())
    if not reads_duckdb_warehouse(target):
        # The export copies the DuckDB warehouse: on another engine it would publish stale gold.
        raise dg.Failure(
            f"gold_export publishes the DuckDB warehouse, but dbt target {target!r} builds gold "
            "elsewhere; the previous export is kept. Read gold from that engine's tables."
        )
    if pending_audit(data_root.root().warehouse_file):  # a dbt step was killed mid-way
        raise dg.Failure("the last dbt step never finished its audit: re-run gold, then export")
    # A reader outside Dagster (an analyst's notebook) may briefly hold the file: wait for it.
    generation = export_gold(
        data_root.root(),
        wait_seconds=60.0,
        gold_run_id=lambda: latest_gold_run_id(context.instance),
    )
    missing = {
        name: info["missing_tables"]
        for name, info in generation.manifest["datasets"].items()
        if info["missing_tables"]
    }
    run_id = generation.manifest["gold_run_id"]
    return dg.MaterializeResult(
        metadata={
            **({"gold_run_id": run_id} if run_id else {}),  # unknown: absent, never blank
            "generation": generation.name,
            "path": dg.MetadataValue.path(str(generation.path)),
            "published_tables": len(generation.tables),
            **{f"rows/{name}": rows for name, rows in generation.rows.items()},
            **{f"published/{name}": info["rows"] for name, info in generation.tables.items()},
            "exported_empty": dg.MetadataValue.json(missing),
            "not_built_yet": dg.MetadataValue.json(generation.manifest["missing_tables"]),
        }
    )
