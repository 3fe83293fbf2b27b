"""The asset check that says, in the Dagster UI, whether gold agrees with the official results."""

import dagster as dg
import duckdb

from f1_lakehouse.lib.dbt import reconciliation
from f1_lakehouse.lib.resources import DataRootResource

LEADERBOARD = dg.AssetKey(["gold", "session_leaderboard"])
RECONCILIATION = dg.AssetKey(["gold", "classification_reconciliation"])


@dg.asset_check(
    asset=LEADERBOARD,
    name=reconciliation.CHECK_NAME,
    additional_deps=[RECONCILIATION],
    description=(
        "Per session, the leaderboard against the official classification FastF1 reads from "
        "Jolpica: positions, laps, status class, points, grid, race time and gap, qualifying "
        "segment times and fastest laps; the differing drivers and fields are in the metadata."
    ),
    pool="duckdb",
)
def classification_matches_official(data_root: DataRootResource) -> dg.AssetCheckResult:
    with duckdb.connect(str(data_root.root().warehouse_file), read_only=True) as con:
        rows = con.execute(reconciliation.QUERY).fetchall()
    return reconciliation.check_result(LEADERBOARD, reconciliation.verdicts(rows))
