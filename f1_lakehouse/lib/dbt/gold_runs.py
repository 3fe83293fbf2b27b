"""Which Dagster run last built gold: recorded in each export generation's manifest, so a
reader can tell where the published tables came from."""

from __future__ import annotations

import dagster as dg

from f1_lakehouse.lib.dbt.exposures import Model, exposed_models, load_manifest
from f1_lakehouse.lib.settings import dagster_home_is_set


def gold_keys(models: tuple[Model, ...] | None = None) -> list[dg.AssetKey]:
    if models is None:
        models = exposed_models(load_manifest())
    return [dg.AssetKey([m.layer, m.name]) for m in models if m.layer == "gold"]


def latest_gold_run_id(instance: dg.DagsterInstance) -> str | None:
    """The run of the newest gold materialisation in the instance; None when gold was never
    built through Dagster (dbt by hand): unknown, not guessed."""
    latest: tuple[float, str] | None = None
    for key in gold_keys():
        event = instance.get_latest_materialization_event(key)
        if event is not None and (latest is None or event.timestamp > latest[0]):
            latest = (event.timestamp, event.run_id)
    return latest[1] if latest else None


def gold_run_id_from_home() -> str | None:
    """The same, for `f1-lakehouse export` outside a run: from `$DAGSTER_HOME`'s instance if
    there is one."""
    if not dagster_home_is_set():
        return None
    try:
        with dg.DagsterInstance.get() as instance:
            return latest_gold_run_id(instance)
    except Exception:  # an instance we cannot read only means the run is unknown
        return None
