import dagster as dg

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.lib.dbt_in_process import InProcessDbt

defs = dg.Definitions(
    assets=[silver_dbt_models, gold_dbt_models],
    resources={"dbt": InProcessDbt()},
)
