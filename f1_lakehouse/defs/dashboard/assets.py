"""The dashboard's data: gold exported as one Parquet generation after the warehouse changes."""

import json

import dagster as dg

from f1_lakehouse.dashboard.export import export_gold
from f1_lakehouse.dashboard.queries import EXPORTS
from f1_lakehouse.defs.dbt.assets import DUCKDB_POOL
from f1_lakehouse.lib.dbt_project import dbt_project
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.wap import pending_audit

GOLD_EXPORT_KEY = dg.AssetKey(["dashboard", "gold_export"])


def export_deps() -> list[dg.AssetKey]:
    """The dbt models the export reads (`<layer>/<model>` keys), as far as the project has them:
    a dataset whose mart is not built yet is exported empty and hangs off nothing."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    models = {
        f"{node['schema']}.{node['name']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    required = {table for dataset in EXPORTS for table in dataset.requires}
    return [dg.AssetKey(table.split(".", 1)) for table in sorted(required & models)]


@dg.asset(
    key=GOLD_EXPORT_KEY,
    deps=export_deps(),
    group_name="dashboard",
    kinds={"duckdb", "parquet"},
    # It reads the warehouse: queue behind the writers instead of failing on DuckDB's file lock.
    pool=DUCKDB_POOL,
    description=(
        "Gold and silver datasets the dashboard reads, copied out of the warehouse as one Parquet "
        "generation (warehouse/exports/, swapped in atomically), so the dashboard never opens "
        "the DuckDB file."
    ),
)
def gold_export(context: dg.AssetExecutionContext, data_root: DataRootResource):
    if pending_audit(data_root.root().warehouse_file):  # a dbt step was killed mid-way
        raise dg.Failure("the last dbt step never finished its audit: re-run gold, then export")
    # A reader outside Dagster (an analyst's notebook) may briefly hold the file: wait for it.
    generation = export_gold(data_root.root(), wait_seconds=60.0)
    missing = {
        name: info["missing_tables"]
        for name, info in generation.manifest["datasets"].items()
        if info["missing_tables"]
    }
    return dg.MaterializeResult(
        metadata={
            "generation": generation.name,
            "path": dg.MetadataValue.path(str(generation.path)),
            **{f"rows/{name}": rows for name, rows in generation.rows.items()},
            "exported_empty": dg.MetadataValue.json(missing),
        }
    )
