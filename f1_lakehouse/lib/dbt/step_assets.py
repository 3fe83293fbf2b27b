"""`@dbt_step_assets`: dagster-dbt's `@dbt_assets`, with one `dbt_tests` check per model.

The asset specs (keys, groups, lineage onto bronze, the manifest in metadata) come from
dagster-dbt's own `build_dbt_specs`, exactly as `@dbt_assets` builds them; only the check specs
differ (see `checks`). The selection tags are the ones `@dbt_assets` sets, so dagster-dbt's
helpers keep working on these definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dagster as dg
from dagster_dbt.asset_utils import (
    DAGSTER_DBT_SELECT_METADATA_KEY,
    DBT_DEFAULT_EXCLUDE,
    DBT_DEFAULT_SELECTOR,
    build_dbt_specs,
)
from dagster_dbt.dbt_manifest import validate_manifest

from f1_lakehouse.lib.dbt.checks import model_check_specs
from f1_lakehouse.lib.dbt.project import dbt_project
from f1_lakehouse.lib.dbt.translator import translator


def dbt_step_assets(
    *,
    select: str,
    name: str,
    partitions_def: dg.PartitionsDefinition | None = None,
    backfill_policy: dg.BackfillPolicy | None = None,
    pool: str | None = None,
) -> Callable[[Callable[..., Any]], dg.AssetsDefinition]:
    """The dbt nodes `select` picks, as one subsettable multi-asset (one Dagster step)."""
    manifest = validate_manifest(dbt_project.manifest_path)
    specs, test_checks = build_dbt_specs(
        translator=translator,
        manifest=manifest,
        select=select,
        exclude=DBT_DEFAULT_EXCLUDE,
        selector=DBT_DEFAULT_SELECTOR,
        io_manager_key=None,
        project=dbt_project,
    )
    return dg.multi_asset(
        name=name,
        specs=specs,
        check_specs=model_check_specs(test_checks),
        can_subset=True,
        partitions_def=partitions_def,
        backfill_policy=backfill_policy,
        op_tags={DAGSTER_DBT_SELECT_METADATA_KEY: select},
        pool=pool,
    )
