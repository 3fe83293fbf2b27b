"""Silver (incremental, one session partition per run), then snapshots and gold from dbt.

Snapshots are unpartitioned and read every session in silver, like gold; they run in the gold
step, just before the marts that read them (dim_drivers). One step keeps the order right
wherever gold is refreshed (the automation's gold_refresh_job selects the gold step's keys): a
separate snapshot step could leave gold built on a stale, or on a fresh root a missing, snapshot.

Each step is write-audit-publish (f1_lakehouse/lib/dbt/wap.py): if any model, constraint or test
fails, what the step changed is restored before it lets go of the warehouse, and the step
reports no materialisation (only the failed checks), so nothing downstream (gold, the
gold-after-silver sensor, the export) ever builds on rows that failed their tests.

The engine is the dbt target's (F1_LAKEHOUSE_DBT_TARGET, lib/dbt/engine.py). Write-audit-publish
backs up DuckDB tables, so on Spark and Databricks it is skipped (the step says so in its log):
there a failed step still reports no materialisation, but the tables it wrote stay as dbt left
them (silver's insert_overwrite only ever replaces the run's sessions). The steps queue in the
engine's pool (`duckdb` or `spark`), one writer at a time.
"""

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext

import dagster as dg

from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.engine import engine_pool, reads_duckdb_warehouse, resolve_target
from f1_lakehouse.lib.dbt.in_process import InProcessDbt, parsed_manifest
from f1_lakehouse.lib.dbt.selection import GOLD_SELECT, SILVER_SELECT
from f1_lakehouse.lib.dbt.step_assets import dbt_step_assets
from f1_lakehouse.lib.dbt.wap import audited, recover
from f1_lakehouse.lib.partitions import session_partitions
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import DataRoot, dbt_target
from f1_lakehouse.lib.warm_up import register_warm_up

DUCKDB_POOL = "duckdb"
# The pool of the dbt steps: the engine of the target the definitions were loaded for.
DBT_POOL = engine_pool(resolve_target(dbt_target()))


def _audited_build(
    context: dg.AssetExecutionContext,
    dbt: InProcessDbt,
    data_root: DataRootResource,
    schemas: Sequence[str],
    args: Sequence[str],
    session_keys: Sequence[str] = (),
    reads_bronze: bool = False,
) -> Iterator[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult]:
    """`dbt.build` under write-audit-publish (DuckDB only): its events are held back until dbt
    has passed. dbt gets the run's data root as a var (never through the process environment)."""
    root = data_root.root()
    target = dbt.resolved_target()
    if engine_pool(target) != DBT_POOL:
        context.log.warning(
            f"dbt target {target!r} is not the engine the definitions were loaded for (pool "
            f"{DBT_POOL!r}): set F1_LAKEHOUSE_DBT_TARGET={target} so its writers share a pool"
        )
    guard: AbstractContextManager[None]
    if reads_duckdb_warehouse(target):
        if recover(root.warehouse_file):
            context.log.warning("restored the warehouse left un-audited by a killed dbt step")
        guard = audited(root.warehouse_file, schemas, session_keys)
    else:
        context.log.info(
            f"write-audit-publish skipped: it backs up DuckDB tables and target {target!r} "
            "builds elsewhere; a failed step reports no materialisation but keeps what dbt wrote"
        )
        guard = nullcontext()
    events: list[dg.Output | dg.AssetMaterialization | dg.AssetCheckResult] = []
    try:
        with guard:
            events.extend(dbt.build(context, args, root, reads_bronze=reads_bronze))
    except Exception:
        restored = "restored to their previous state" if reads_duckdb_warehouse(target) else ""
        context.log.error(f"dbt failed on {target}: {', '.join(schemas)} {restored}".strip())
        yield from (e for e in events if isinstance(e, dg.AssetCheckResult))
        raise
    yield from events


@dbt_step_assets(
    select=SILVER_SELECT,
    partitions_def=session_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=DBT_POOL,
    name="silver_dbt_models",
)
def silver_dbt_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbt, data_root: DataRootResource
):
    """Rebuild the run's sessions in every silver model (delete + append, so re-runs are exact)."""
    keys = list(context.partition_keys)
    yield from _audited_build(
        context, dbt, data_root, ["silver"], build_args(keys), keys, reads_bronze=True
    )


@dbt_step_assets(
    select=GOLD_SELECT,
    pool=DBT_POOL,
    name="gold_dbt_models",
)
def gold_dbt_models(
    context: dg.AssetExecutionContext, dbt: InProcessDbt, data_root: DataRootResource
):
    """Snapshot driver and session history, then rebuild gold whole from silver and the
    snapshots: correct across sessions first. A snapshot re-run makes no version unless a
    tracked column changed."""
    yield from _audited_build(context, dbt, data_root, ["snapshots", "gold"], build_args())


def parse_dbt_project(root: DataRoot) -> None:
    """What both dbt steps start with: dbt's parse of the project for the run's data root and
    the settings' target (the steps find it done when it ran during the FastF1 step's wait)."""
    parsed_manifest(root=root)


register_warm_up(silver_dbt_models.op.name, parse_dbt_project)
register_warm_up(gold_dbt_models.op.name, parse_dbt_project)
