"""Silver (incremental, one session partition per run), snapshots and gold from dbt."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from f1_lakehouse.lib.dbt_args import build_args
from f1_lakehouse.lib.dbt_project import dbt_project
from f1_lakehouse.lib.dbt_translator import translator
from f1_lakehouse.lib.partitions import session_partitions
from f1_lakehouse.lib.resources import DataRootResource

DUCKDB_POOL = "duckdb"
# Snapshots and the views they read are unpartitioned: they look at every session in silver.
SNAPSHOT_SELECT = "resource_type:snapshot path:models/intermediate"


def _point_dbt_at(data_root: DataRootResource) -> None:
    """dbt reads the data root from F1_LAKEHOUSE_ROOT (profiles.yml, sources); make it agree
    with the resource the run was given."""
    os.environ["F1_LAKEHOUSE_ROOT"] = str(data_root.root().path)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="path:models/silver",
    dagster_dbt_translator=translator,
    partitions_def=session_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
    name="silver_dbt_models",
)
def silver_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, data_root: DataRootResource
):
    """Rebuild the run's sessions in every silver model (delete + append, so re-runs are exact)."""
    _point_dbt_at(data_root)
    yield from dbt.cli(build_args(context.partition_keys), context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=SNAPSHOT_SELECT,
    dagster_dbt_translator=translator,
    pool=DUCKDB_POOL,
    name="snapshot_dbt_models",
)
def snapshot_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, data_root: DataRootResource
):
    """Driver and session type-2 history: a version only when a tracked column changes."""
    _point_dbt_at(data_root)
    yield from dbt.cli(build_args(), context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select="path:models/gold",
    dagster_dbt_translator=translator,
    pool=DUCKDB_POOL,
    name="gold_dbt_models",
)
def gold_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, data_root: DataRootResource
):
    """Gold is rebuilt whole from silver and the snapshots: correct across sessions first."""
    _point_dbt_at(data_root)
    yield from dbt.cli(build_args(), context=context).stream()
