"""The asset check that says, in the Dagster UI, whether gold agrees with the official results.

It reads `gold.classification_reconciliation` where the dbt target built it: the DuckDB file,
or on Spark the process's Spark session. A target whose tables this process cannot read
(Databricks), or a Spark build without that model yet, is not evaluated: the check says so
(a warning), it never reports a verdict from another engine's tables."""

import dagster as dg
import duckdb

from f1_lakehouse.defs.dbt.assets import DBT_POOL
from f1_lakehouse.lib.dbt import reconciliation
from f1_lakehouse.lib.dbt.engine import engine_of, resolve_target
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import dbt_target

LEADERBOARD = dg.AssetKey(["gold", "session_leaderboard"])
RECONCILIATION = dg.AssetKey(["gold", "classification_reconciliation"])


def _rows(data_root: DataRootResource) -> list[tuple] | str:
    """The reconciliation rows, or why they cannot be read on this target (the one the
    definitions were loaded for, F1_LAKEHOUSE_DBT_TARGET)."""
    target = resolve_target(dbt_target())
    engine = engine_of(target)
    if engine == "duckdb":
        with duckdb.connect(str(data_root.root().warehouse_file), read_only=True) as con:
            return con.execute(reconciliation.QUERY).fetchall()
    if engine == "spark":
        from f1_lakehouse.lib.dbt.on_spark import spark_query, stop_spark

        try:
            rows = spark_query(data_root.root(), reconciliation.QUERY)
        finally:
            stop_spark()
        if rows is not None:
            return rows
        return f"gold.classification_reconciliation is not built on target {target!r} yet"
    return f"this process cannot read the tables of target {target!r} ({engine})"


@dg.asset_check(
    asset=LEADERBOARD,
    name=reconciliation.CHECK_NAME,
    additional_deps=[RECONCILIATION],
    description=(
        "Per session, the leaderboard against the official classification FastF1 reads from "
        "Jolpica: positions, laps, status class, points, grid, race time and gap, qualifying "
        "segment times and fastest laps; the differing drivers and fields are in the metadata."
    ),
    pool=DBT_POOL,
)
def classification_matches_official(data_root: DataRootResource) -> dg.AssetCheckResult:
    rows = _rows(data_root)
    if isinstance(rows, str):
        dg.get_dagster_logger().warning(f"classification check not evaluated: {rows}")
        return dg.AssetCheckResult(
            asset_key=LEADERBOARD,
            check_name=reconciliation.CHECK_NAME,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"Not evaluated: {rows}.",
        )
    return reconciliation.check_result(LEADERBOARD, reconciliation.verdicts(rows))
