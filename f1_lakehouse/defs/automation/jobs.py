"""The jobs the automation launches: a session's bronze → silver, the gold refresh, the calendar."""

from collections.abc import Iterable

import dagster as dg

from f1_lakehouse.defs.calendar.assets import calendar
from f1_lakehouse.defs.dashboard.assets import GOLD_EXPORT_KEY
from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables
from f1_lakehouse.defs.openf1.assets import openf1_assets
from f1_lakehouse.lib.automation.race_weekend import FASTF1, OPENF1
from f1_lakehouse.lib.partitions import session_partitions

FASTF1_KEYS: tuple[dg.AssetKey, ...] = tuple(sorted(fastf1_session_tables.keys))
OPENF1_KEYS: tuple[dg.AssetKey, ...] = tuple(sorted(k for a in openf1_assets for k in a.keys))
SILVER_KEYS: tuple[dg.AssetKey, ...] = tuple(sorted(silver_dbt_models.keys))
GOLD_KEYS: tuple[dg.AssetKey, ...] = tuple(sorted(gold_dbt_models.keys))
# What each source's run lands: its bronze, then silver (silver conforms FastF1 and OpenF1).
SOURCE_ASSET_KEYS: dict[str, tuple[dg.AssetKey, ...]] = {
    FASTF1: FASTF1_KEYS + SILVER_KEYS,
    OPENF1: OPENF1_KEYS + SILVER_KEYS,
}
CALENDAR_OP = calendar.op.name
TAG_PREFIX = "f1_lakehouse"

session_job = dg.define_asset_job(
    "session_job",
    selection=dg.AssetSelection.assets(*FASTF1_KEYS, *OPENF1_KEYS, *SILVER_KEYS),
    partitions_def=session_partitions,
    description="One session: FastF1 and OpenF1 bronze, then silver. Sensor and schedule runs "
    "select the sources that have published; gold follows via gold_after_silver_sensor.",
)

gold_refresh_job = dg.define_asset_job(
    "gold_refresh_job",
    selection=dg.AssetSelection.assets(*GOLD_KEYS, GOLD_EXPORT_KEY),
    description="Rebuild the cross-session gold tables from silver, then the dashboard's export.",
)

calendar_sync_job = dg.define_asset_job(
    "calendar_sync_job",
    selection=dg.AssetSelection.assets(calendar.key),
    description="Refresh the calendar and register new session partitions (drop cancelled "
    "ones). Launch it on demand with config `seasons: [YYYY]`.",
)


def session_asset_keys(sources: Iterable[str]) -> list[dg.AssetKey]:
    """The assets a session run materialises for the given sources."""
    keys = [key for source in sources for key in SOURCE_ASSET_KEYS[source]]
    return list(dict.fromkeys(keys))  # silver once, after the bronze of every source


def calendar_run_config(seasons: Iterable[int]) -> dict:
    return {"ops": {CALENDAR_OP: {"config": {"seasons": sorted(set(seasons))}}}}
