import dagster as dg

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.defs.dbt.reconciliation import classification_matches_official
from f1_lakehouse.lib.dbt.in_process import InProcessDbt

defs = dg.Definitions(
    assets=[silver_dbt_models, gold_dbt_models],
    asset_checks=[classification_matches_official],
    resources={"dbt": InProcessDbt()},
)
