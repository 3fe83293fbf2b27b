"""FastF1 bronze: one session load per partition, one bronze table per FastF1 table."""

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from f1_lakehouse.lib.bronze import DATA_FILE, BronzeWrite, partition_dir, write_partition
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.fastf1.parallel import loaded_sessions, worker_count
from f1_lakehouse.lib.fastf1.tables import (
    FASTF1_TABLES,
    Extracted,
    SessionNotPublished,
    ensure_published,
    extract_tables,
)
from f1_lakehouse.lib.local_faults import local_fault
from f1_lakehouse.lib.partitions import (
    context_session_keys,
    failing_fast_on_local_faults,
    not_retryable,
    session_partitions,
)
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import DataRoot, fastf1_workers, source_mode
from f1_lakehouse.lib.warm_up import warming_up

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
    "official_results": "The official classification (Jolpica, through FastF1's Ergast interface).",
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
    backfill_policy=dg.BackfillPolicy.single_run(),
    retry_policy=dg.RetryPolicy(max_retries=3, delay=30, backoff=dg.Backoff.EXPONENTIAL),
)
def fastf1_session_tables(context: dg.AssetExecutionContext, data_root: DataRootResource):
    """Load each session once and land each selected table; absent tables land empty and say
    why. A backfill of many sessions is one run (one process, FastF1 imported once)."""
    with failing_fast_on_local_faults():
        yield from _land_sessions(context, data_root.root())


def _land_sessions(
    context: dg.AssetExecutionContext, root: DataRoot
) -> Iterator[dg.MaterializeResult]:
    mode = source_mode()
    selected = {k.path[-1] for k in context.selected_asset_keys}
    rows: dict[str, dict[str, int]] = {table: {} for table in selected}
    paths: dict[str, str] = {}
    missing: dict[str, dict[str, str]] = {table: {} for table in selected}
    keys = context_session_keys(context)
    workers = worker_count(mode, len(keys), fastf1_workers())
    if workers:
        context.log.info(
            f"FastF1: {len(keys)} session(s) load in {workers} worker process(es); this "
            "process meanwhile warms up the run's later steps"
        )
    telemetry = bool(selected & TELEMETRY_TABLES)
    with (
        loaded_sessions(keys, mode, root, telemetry, workers, extract_tables) as sessions,
        warming_up(context, root) if workers else nullcontext(),
    ):
        for position, (key, loaded) in enumerate(sessions, start=1):
            try:
                tables, seconds = loaded()
            except fastf1_source.SessionNotInSchedule as exc:
                raise not_retryable(exc) from exc
            try:
                ensure_published(key, tables)
            except SessionNotPublished as exc:
                if mode != "replay":
                    raise  # live: not published yet; the retry policy tries again later
                # Replay: the recording will never appear, and another source may cover the
                # session (2024-18-R is OpenF1's): land the tables empty, saying why, so a run
                # of every asset for the session goes on (previous rows are kept, as in an
                # outage).
                context.log.warning(f"{exc}; its FastF1 tables land empty")
            for table in selected:
                write, note = land(root.bronze, key, table, tables[table])
                rows[table][str(key)] = write.row_count
                paths[table] = str(write.path)
                if note:
                    missing[table][str(key)] = note
                    context.log.warning(f"{key} {table}: {note}")
            laps = rows.get("laps", {}).get(str(key))
            context.log.info(
                f"FastF1 {key} ({position} of {len(keys)}): {len(selected)} tables"
                + (f", {laps} laps" if laps is not None else "")
                + f", loaded in {seconds:.1f} s"
            )
    for table in sorted(selected):
        yield dg.MaterializeResult(
            asset_key=bronze_key(table),
            metadata=_metadata(rows[table], paths[table], missing[table]),
        )


def land(
    bronze: Path, key: SessionKey, table: str, extracted: Extracted
) -> tuple[BronzeWrite, str]:
    """Write a table; when the source lacks it but an earlier run landed rows, keep those (an
    outage must not erase data) and say so."""
    target = partition_dir(bronze, "fastf1", table, key) / DATA_FILE
    note = extracted.missing or ""
    if extracted.missing and target.exists():
        try:
            kept = pq.ParquetFile(target).metadata.num_rows
        except (pa.ArrowInvalid, OSError) as exc:
            if local_fault(exc, target):
                raise local_fault(exc, target) from exc
            # Unreadable (torn by a crash, damaged on the disk): nothing in it to keep.
            kept, note = 0, f"{note}; replaced the previous partition, which was corrupt ({exc})"
        if kept:
            note = f"{extracted.missing}; kept the previous partition ({kept} rows)"
            return BronzeWrite(target, kept), note
    return write_partition(bronze, "fastf1", table, key, extracted.table), note


def _metadata(rows: dict[str, int], path: str, missing: dict[str, str]) -> dict[str, Any]:
    """Row count and path for one session; per-session counts when a run covers several."""
    metadata: dict[str, Any] = {
        "dagster/row_count": sum(rows.values()),
        "path": dg.MetadataValue.path(path if len(rows) == 1 else path.split("/season=")[0]),
        "missing": "; ".join(f"{k}: {v}" if len(rows) > 1 else v for k, v in missing.items()),
    }
    if len(rows) > 1:
        metadata["rows_by_session"] = dg.MetadataValue.json(rows)
    return metadata
