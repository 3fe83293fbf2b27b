"""The dbt project, on its own so `dagster-dbt project prepare-and-package` can import it alone."""

from __future__ import annotations

from dagster_dbt import DbtProject

from f1_lakehouse.lib.settings import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
