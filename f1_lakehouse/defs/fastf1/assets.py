"""FastF1 bronze: one session load per partition, one bronze table per FastF1 table."""

import dagster as dg

from f1_lakehouse.lib import fastf1_source
from f1_lakehouse.lib.bronze import write_partition
from f1_lakehouse.lib.fastf1_tables import FASTF1_TABLES, extract_tables
from f1_lakehouse.lib.partitions import context_session_key, session_partitions
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.settings import source_mode

TELEMETRY_TABLES = frozenset({"car_data", "position"})
_DESCRIPTIONS = {
    "session_info": "Session identity and timing window (livetiming SessionInfo + calendar).",
    "results": "Classification / results as FastF1 builds them (livetiming + Jolpica).",
    "laps": "Every lap with times in integer ms, deleted flags, tyres, stints, pit in/out.",
    "weather": "Weather samples through the session.",
    "race_control_messages": "Race-control messages (flags, penalties, deleted laps).",
    "track_status": "Track status changes (green, yellow, SC, VSC, red).",
    "session_status": "Session status changes (started, finished, finalised).",
    "car_data": "Car telemetry per driver where the source has it.",
    "position": "Car position (x, y, z) per driver where the source has it.",
}


def bronze_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["bronze", "fastf1", table])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            bronze_key(table),
            description=_DESCRIPTIONS[table],
            kinds={"fastf1", "parquet"},
            group_name="bronze_fastf1",
            partitions_def=session_partitions,
            skippable=True,
        )
        for table in FASTF1_TABLES
    ],
    can_subset=True,
    name="fastf1_session_tables",
    retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def fastf1_session_tables(context: dg.AssetExecutionContext, data_root: DataRootResource):
    """Load the session once and land each selected table; absent tables land empty and say why."""
    key = context_session_key(context)
    root = data_root.root()
    fastf1_source.configure(source_mode(), root)
    selected = {k.path[-1] for k in context.selected_asset_keys}
    session = fastf1_source.load_session(key, telemetry=bool(selected & TELEMETRY_TABLES))
    for table, extracted in extract_tables(session).items():
        if table not in selected:
            continue
        write = write_partition(root.bronze, "fastf1", table, key, extracted.table)
        metadata: dict[str, dg.RawMetadataValue] = {
            "dagster/row_count": write.row_count,
            "path": dg.MetadataValue.path(str(write.path)),
            "missing": extracted.missing or "",
        }
        if extracted.missing:
            context.log.warning(f"{key} {table}: {extracted.missing}")
        yield dg.MaterializeResult(asset_key=bronze_key(table), metadata=metadata)
