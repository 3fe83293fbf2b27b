"""How dbt nodes become Dagster assets: keys by layer, groups by layer, sources onto bronze."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from f1_lakehouse.lib.dbt.engine import engine_kinds, resolve_target
from f1_lakehouse.lib.settings import dbt_target

LAYERS = ("silver", "intermediate", "gold")


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """The layer folder a model lives in (models/<layer>/...)."""
    fqn = dbt_resource_props.get("fqn", [])
    return next((part for part in fqn[1:-1] if part in LAYERS), None)


class F1DbtTranslator(DagsterDbtTranslator):
    """Models land as `<layer>/<model>`, snapshots as `snapshots/<name>` (group gold); sources
    keep their `meta.dagster.asset_key` (bronze). Their kind is the engine of the dbt target
    the definitions were loaded for (duckdb, spark, databricks)."""

    def get_asset_spec(self, manifest, unique_id, project) -> dg.AssetSpec:  # type: ignore[no-untyped-def]
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        resource_type = props.get("resource_type")
        layer = layer_of(props) if resource_type == "model" else None
        if resource_type == "snapshot":
            layer = "snapshots"
        if layer is None:
            return spec
        # Snapshots, and the views they read, are built in the gold step: grouped with gold so
        # selecting `group:gold` (the CLI backfill, the UI) refreshes them before the marts.
        group = "gold" if layer in ("intermediate", "snapshots") else layer
        return spec.replace_attributes(
            key=dg.AssetKey([layer, props["name"]]), group_name=group
        ).merge_attributes(kinds=engine_kinds(resolve_target(dbt_target())))


translator = F1DbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
