"""What leaves the warehouse, from dbt's `exposures:` (dbt_project/models/exposures.yml).

The dashboard and the API are declared as dbt exposures depending on the models they read, so
dbt's lineage (and Dagster's, through the export asset's deps) shows them, and the export
publishes exactly what they declare instead of guessing it from SQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from f1_lakehouse.lib.settings import REPO_ROOT

# dagster-dbt's `dbt_project.manifest_path`, without importing dagster-dbt (seconds) into the
# `f1-lakehouse export` command; a test keeps the two equal.
DBT_MANIFEST = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
DASHBOARD_EXPOSURE = "dashboard"
API_EXPOSURE = "api"
PUBLISHED_LAYERS = ("gold", "silver")


@dataclass(frozen=True, order=True)
class Model:
    """A dbt model by layer (its warehouse schema) and name."""

    layer: str
    name: str

    @property
    def relation(self) -> str:
        return f"{self.layer}.{self.name}"


def load_manifest(path: Path = DBT_MANIFEST) -> dict[str, Any]:
    """dbt's manifest.json (written by `make manifest`)."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"no dbt manifest at {path}: run `make manifest`") from None


def _model(manifest: Mapping[str, Any], unique_id: str) -> Model | None:
    """The model's warehouse schema is its layer (`+schema` per layer folder in
    dbt_project.yml), which is also the first part of its Dagster asset key."""
    node = manifest["nodes"].get(unique_id)
    if node is None or node["resource_type"] != "model" or node["schema"] not in PUBLISHED_LAYERS:
        return None
    return Model(node["schema"], node["name"])


def exposure_models(manifest: Mapping[str, Any], exposure: str) -> tuple[Model, ...]:
    """The models one exposure depends on; a missing exposure is an error, not nothing."""
    for node in manifest.get("exposures", {}).values():
        if node["name"] == exposure:
            models = (_model(manifest, uid) for uid in node["depends_on"]["nodes"])
            return tuple(sorted(m for m in models if m is not None))
    raise KeyError(f"the dbt project declares no exposure {exposure!r} (models/exposures.yml)")


def layer_models(manifest: Mapping[str, Any], layer: str) -> tuple[Model, ...]:
    """Every model of one layer in the project."""
    models = (_model(manifest, uid) for uid in manifest["nodes"])
    return tuple(sorted(m for m in models if m is not None and m.layer == layer))


def exposed_models(manifest: Mapping[str, Any]) -> tuple[Model, ...]:
    """Every model any exposure depends on (the export asset's upstream)."""
    names = [node["name"] for node in manifest.get("exposures", {}).values()]
    return tuple(sorted({m for name in names for m in exposure_models(manifest, name)}))


def published_models(manifest: Mapping[str, Any], with_silver: bool) -> tuple[Model, ...]:
    """What the export publishes as open Parquet: the gold models the exposures read, and with
    `with_silver` every silver model as well."""
    gold = [m for m in exposed_models(manifest) if m.layer == "gold"]
    silver = layer_models(manifest, "silver") if with_silver else ()
    return tuple(sorted({*gold, *silver}))
