import dagster as dg
from dagster_dbt import DbtCliResource

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.lib.dbt_project import dbt_project

defs = dg.Definitions(
    assets=[silver_dbt_models, gold_dbt_models],
    resources={"dbt": DbtCliResource(project_dir=dbt_project)},
)
