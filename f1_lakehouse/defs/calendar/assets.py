"""The calendar asset: loads each season's schedule through FastF1 and registers its sessions."""

from typing import Any

import dagster as dg
import pyarrow as pa
from pydantic import Field

from f1_lakehouse.defs.calendar.sync import apply_diff, default_seasons, diff_season
from f1_lakehouse.lib.bronze import write_partition
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SeasonKey
from f1_lakehouse.lib.settings import source_mode


class CalendarConfig(dg.Config):
    """Which seasons to refresh; empty means F1_LAKEHOUSE_SEASONS or the current season."""

    seasons: list[int] = Field(default_factory=list)


@dg.asset(
    key=["bronze", "fastf1", "calendar"],
    group_name="calendar",
    kinds={"fastf1", "parquet"},
    retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    description="Each season's sessions from the FastF1 schedule (testing and cancelled "
    "events excluded); registers them as session partitions.",
)
def calendar(
    context: dg.AssetExecutionContext, config: CalendarConfig, data_root: DataRootResource
) -> dg.MaterializeResult:
    root = data_root.root()
    fastf1_source.configure(source_mode(), root)
    seasons = config.seasons or default_seasons()
    registered = context.instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
    summary: dict[str, Any] = {}
    total = 0
    for season in seasons:
        sessions = fastf1_source.schedule_sessions(season, fastf1_source.event_schedule(season))
        write = write_partition(
            root.bronze,
            "fastf1",
            "calendar",
            SeasonKey(season),
            pa.Table.from_pandas(sessions, preserve_index=False),
        )
        keys = sessions["partition_key"].tolist() if len(sessions) else []
        diff = diff_season(season, keys, registered)
        apply_diff(context.instance, diff)
        registered = [k for k in registered if k not in diff.dropped] + diff.added
        total += write.row_count
        summary[f"{season} sessions"] = write.row_count
        summary[f"{season} added"] = len(diff.added)
        if diff.dropped:
            summary[f"{season} dropped (no longer in calendar)"] = ", ".join(diff.dropped)
        context.log.info(
            f"{season}: {write.row_count} sessions, {len(diff.added)} new partitions, "
            f"{len(diff.dropped)} dropped"
        )
    return dg.MaterializeResult(
        metadata={"dagster/row_count": total, "seasons": ", ".join(map(str, seasons)), **summary}
    )
