"""Silver (incremental, one session partition per run), then snapshots and gold from dbt.

Snapshots are unpartitioned and read every session in silver, like gold; they run in the gold
step, just before the marts that read them (dim_drivers). One step keeps the order right
wherever gold is refreshed (the automation's gold_refresh_job selects the gold step's keys): a
separate snapshot step could leave gold built on a stale, or on a fresh root a missing, snapshot.

Each step is write-audit-publish (f1_lakehouse/lib/dbt/wap.py): if any model, constraint or test
fails, what the step changed is restored before it lets go of the warehouse, and the step
reports no materialisation (only the failed checks), so nothing downstream (gold, the
gold-after-silver sensor, the export) ever builds on rows that failed their tests.
"""

from collections.abc import Iterator, Sequence

import dagster as dg

from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.in_process import InProcessDbt
from f1_lakehouse.lib.dbt.selection import GOLD_SELECT, SILVER_SELECT
from f1_lakehouse.lib.dbt.step_assets import dbt_step_assets
from f1_lakehouse.lib.dbt.wap import audited, recover
from f1_lakehouse.lib.partitions import session_partitions
from f1_lakehouse.lib.resources import DataRootResource

DUCKDB_POOL = "duckdb"


def _audited_build(
    context: dg.AssetExecutionContext,
    dbt: InProcessDbt,
    data_root: DataRootResource,
    schemas: Sequence[str],
    args: Sequence[str],
    session_keys: Sequence[str] = (),
) -> Iterator[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult]:
    """`dbt.build` under write-audit-publish: its events are held back until dbt has passed.
    dbt gets the run's data root as a var (never through the process environment)."""
    root = data_root.root()
    warehouse = root.warehouse_file
    if recover(warehouse):
        context.log.warning("restored the warehouse left un-audited by a killed dbt step")
    events: list[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult] = []
    try:
        with audited(warehouse, schemas, session_keys):
            events.extend(dbt.build(context, args, root))
    except Exception:
        context.log.error(f"dbt failed: {', '.join(schemas)} restored to their previous state")
        yield from (e for e in events if isinstance(e, dg.AssetCheckResult))
        raise
    yield from events


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
    keys = list(context.partition_keys)
    yield from _audited_build(context, dbt, data_root, ["silver"], build_args(keys), keys)


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
    yield from _audited_build(context, dbt, data_root, ["snapshots", "gold"], build_args())
