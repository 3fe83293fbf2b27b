"""Silver (incremental, one session partition per run), then snapshots and gold from dbt.

Snapshots are unpartitioned and read every session in silver, like gold; they run in the gold
step, just before the marts that read them (dim_drivers). One step keeps the order right
wherever gold is refreshed (the automation's gold_refresh_job selects the gold step's keys): a
separate snapshot step could leave gold built on a stale, or on a fresh root a missing, snapshot.
"""

import os

import dagster as dg

from f1_lakehouse.lib.dbt_args import build_args
from f1_lakehouse.lib.dbt_in_process import InProcessDbt
from f1_lakehouse.lib.dbt_selection import GOLD_SELECT, SILVER_SELECT
from f1_lakehouse.lib.dbt_step_assets import dbt_step_assets
from f1_lakehouse.lib.partitions import session_partitions
from f1_lakehouse.lib.resources import DataRootResource

DUCKDB_POOL = "duckdb"


def _point_dbt_at(data_root: DataRootResource) -> None:
    """dbt reads the data root from F1_LAKEHOUSE_ROOT (profiles.yml, sources); make it agree
    with the resource the run was given."""
    os.environ["F1_LAKEHOUSE_ROOT"] = str(data_root.root().path)


@dbt_step_assets(
    select=SILVER_SELECT,
    partitions_def=session_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DUCKDB_POOL,
    name="silver_dbt_models",
)
def silver_dbt_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbt, data_root: DataRootResource
):
    """Rebuild the run's sessions in every silver model (delete + append, so re-runs are exact)."""
    _point_dbt_at(data_root)
    yield from dbt.build(context, build_args(context.partition_keys))


@dbt_step_assets(
    select=GOLD_SELECT,
    pool=DUCKDB_POOL,
    name="gold_dbt_models",
)
def gold_dbt_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbt, data_root: DataRootResource
):
    """Snapshot driver and session history, then rebuild gold whole from silver and the
    snapshots: correct across sessions first. A snapshot re-run makes no version unless a
    tracked column changed."""
    _point_dbt_at(data_root)
    yield from dbt.build(context, build_args())
