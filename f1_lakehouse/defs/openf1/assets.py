"""Bronze assets for every documented OpenF1 endpoint, one partition per session.

The small endpoints share one multi-asset step (the session key is resolved once, and one
endpoint failing does not stop the others landing); car_data and location are their own assets
because they are ~0.7 M rows each per race and are streamed per driver and time window.
Every write replaces the partition atomically, so a re-ingested session overwrites cleanly and a
failed endpoint leaves its previous partition untouched.
"""

import time
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa

from f1_lakehouse.defs.openf1.live import (
    FIXED,
    live_compact,
    live_metadata,
    live_mode,
    live_poll,
    waiting_metadata,
    waits_for_the_end,
)
from f1_lakehouse.lib.bronze import (
    DATA_FILE,
    BronzeWrite,
    open_partition,
    partition_dir,
    write_partition,
)
from f1_lakehouse.lib.live.endpoints import STREAMED
from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1Error, OpenF1RequestError
from f1_lakehouse.lib.openf1.coercion import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.coverage import OPENF1_FIRST_SEASON
from f1_lakehouse.lib.openf1.resource import OpenF1Resource
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS, bronze_schema
from f1_lakehouse.lib.openf1.session_map import (
    MeetingNotListed,
    ResolvedSession,
    SessionMappingError,
    resolve_session,
)
from f1_lakehouse.lib.openf1.telemetry import (
    TELEMETRY_ENDPOINTS,
    driver_numbers,
    stream_telemetry,
)
from f1_lakehouse.lib.partitions import (
    context_session_key,
    failing_fast_on_local_faults,
    session_partitions,
)
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse.lib.settings import source_mode
from f1_lakehouse.lib.warm_up import warming_up

SOURCE = "openf1"
GROUP = "bronze_openf1"
KINDS = {"openf1", "parquet"}
POOL = "openf1_api"
SESSION_ENDPOINTS: tuple[str, ...] = tuple(e for e in ENDPOINTS if e not in TELEMETRY_ENDPOINTS)
# Client retries absorb blips; this covers an outage of a few minutes.
DEFAULT_RETRY_POLICY = dg.RetryPolicy(
    max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
NO_ROWS_NOTE = (
    "OpenF1 returned no rows for this session (nothing recorded): an empty partition with the "
    "declared schema was written."
)
_DOCS = "https://openf1.org/#{}"
# OpenF1 publishes sessions from OPENF1_FIRST_SEASON on: older partitions are outside its
# coverage, which is not an error (a `--select '*'` run of a 2018 race must still build FastF1
# bronze → gold).


def _outside_coverage(key: SessionKey) -> dict[str, Any] | None:
    """Metadata for a session OpenF1 cannot have; nothing is written for it."""
    if key.season >= OPENF1_FIRST_SEASON:
        return None
    return {
        "dagster/row_count": 0,
        "note": f"{key}: OpenF1 covers {OPENF1_FIRST_SEASON} onwards; nothing to fetch, "
        "nothing written.",
    }


def asset_key(endpoint: str) -> dg.AssetKey:
    return dg.AssetKey(["bronze", SOURCE, endpoint])


def _spec(endpoint: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        asset_key(endpoint),
        description=f"OpenF1 `{endpoint}` records of one session, as sent, on a declared schema "
        f"(unknown fields in `_extra`). {_DOCS.format(endpoint.replace('_', '-'))}",
        group_name=GROUP,
        kinds=KINDS,
        partitions_def=session_partitions,
        skippable=True,
        metadata={"dagster/column_schema": _table_schema(bronze_schema(endpoint))},
    )


def _table_schema(schema: pa.Schema) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(f.name, str(f.type)) for f in schema])


class NotRecorded(LookupError):
    """Replay: the recordings hold no such OpenF1 session (they never will)."""


def _resolve(client: OpenF1Client, key: SessionKey) -> ResolvedSession:
    """Partition key -> OpenF1 session; an unmappable key fails at once (retrying cannot help).
    In replay a session the recordings lack is not an error: FastF1 may cover it, and a
    `--select '*'` run of it must go on (as for a season before OpenF1's coverage)."""
    try:
        return resolve_session(client.get, key)
    except SessionMappingError as exc:
        if source_mode() == "replay" and isinstance(exc, MeetingNotListed):
            raise NotRecorded(
                f"{exc}: not in the OpenF1 recordings; nothing to fetch, nothing written"
            ) from exc
        raise dg.Failure(description=str(exc), allow_retries=False) from exc


def _not_recorded(exc: NotRecorded) -> dict[str, Any]:
    return {"dagster/row_count": 0, "note": str(exc)}


def _metadata(
    endpoint: str,
    resolved: ResolvedSession,
    path: Path,
    rows: int,
    drift: SchemaDrift,
    client: OpenF1Client,
    requests_before: int,
    retries_before: int,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "dagster/row_count": rows,
        "path": dg.MetadataValue.path(str(path)),
        "openf1_session": resolved.describe(),
        "openf1_session_key": resolved.session_key,
        "openf1_meeting_key": resolved.meeting_key,
        "schema_drift": drift.summary(),
        **{k: dg.MetadataValue.json(v) for k, v in drift.as_metadata().items()},
        "http_requests": client.stats.requests - requests_before,
        "http_retries": client.stats.retry_count - retries_before,
    }
    if rows == 0:
        meta["note"] = NO_ROWS_NOTE
    return meta


def _session_records(
    client: OpenF1Client, endpoint: str, resolved: ResolvedSession
) -> list[dict[str, Any]]:
    """The rows of one endpoint for the partition's session."""
    if endpoint == "meetings":
        return [resolved.meeting]  # the partition's meeting, already fetched to map the key
    if endpoint == "sessions":
        return [resolved.session]
    return client.get(endpoint, {"session_key": resolved.session_key})


def build_session_tables_asset(
    retry_policy: dg.RetryPolicy | None = DEFAULT_RETRY_POLICY,
) -> dg.AssetsDefinition:
    """The multi-asset of every non-telemetry endpoint."""

    @dg.multi_asset(
        name="bronze_openf1_session_tables",
        specs=[_spec(e) for e in SESSION_ENDPOINTS],
        can_subset=True,
        partitions_def=session_partitions,
        retry_policy=retry_policy,
        pool=POOL,
    )
    def bronze_openf1_session_tables(
        context: dg.AssetExecutionContext, openf1: OpenF1Resource, data_root: DataRootResource
    ) -> Iterator[dg.MaterializeResult]:
        key = context_session_key(context)
        selected = [e for e in SESSION_ENDPOINTS if asset_key(e) in context.selected_asset_keys]
        uncovered = _outside_coverage(key)
        if uncovered is not None:
            context.log.info(uncovered["note"])
            for endpoint in selected:
                yield dg.MaterializeResult(asset_key=asset_key(endpoint), metadata=uncovered)
            return
        client = openf1.client
        waited = client.rate_limit_wait_seconds
        try:
            resolved = _resolve(client, key)
        except NotRecorded as exc:
            context.log.warning(str(exc))
            for endpoint in selected:
                yield dg.MaterializeResult(
                    asset_key=asset_key(endpoint), metadata=_not_recorded(exc)
                )
            return
        context.log.info(f"OpenF1: {resolved.describe()}")
        with warming_up(context, data_root.root()):
            yield from _land_session_tables(
                context, client, data_root, key, resolved, selected, waited
            )

    return bronze_openf1_session_tables


def _land_session_tables(
    context: dg.AssetExecutionContext,
    client: OpenF1Client,
    data_root: DataRootResource,
    key: SessionKey,
    resolved: ResolvedSession,
    selected: Sequence[str],
    waited: float,
) -> Iterator[dg.MaterializeResult]:
    """Fetch and land each selected endpoint (`waited`: the client's rate-limit wait before the
    first); raise once at the end for those that failed."""
    failed: dict[str, OpenF1Error] = {}
    mode = live_mode(context)
    for endpoint in selected:
        requests, retries = client.stats.requests, client.stats.retry_count
        if mode is not None and waits_for_the_end(mode, endpoint, data_root.bronze, key):
            yield dg.MaterializeResult(
                asset_key=asset_key(endpoint), metadata=waiting_metadata(endpoint)
            )
            continue
        try:
            if mode == "poll" and endpoint not in FIXED:
                with failing_fast_on_local_faults():
                    polled = live_poll(client, resolved, data_root.bronze, key, endpoint)
                yield dg.MaterializeResult(
                    asset_key=asset_key(endpoint), metadata=live_metadata(mode, polled)
                )
                continue
            records = _session_records(client, endpoint, resolved)
        except OpenF1Error as exc:
            context.log.error(str(exc))
            failed[endpoint] = exc
            continue
        table, drift = coerce_records(endpoint, records)
        with failing_fast_on_local_faults():
            closed = None
            if mode == "compact" and endpoint in STREAMED:  # reports the live batches' gap
                closed = live_compact(client, resolved, data_root.bronze, key, endpoint, table)
                path = partition_dir(data_root.bronze, SOURCE, endpoint, key) / DATA_FILE
                written = BronzeWrite(path, closed.rows)
            else:
                written = write_partition(data_root.bronze, SOURCE, endpoint, key, table)
        if drift.changed:
            context.log.warning(f"OpenF1 {endpoint} schema drift: {drift.summary()}")
        meta = _metadata(
            endpoint,
            resolved,
            written.path,
            written.row_count,
            drift,
            client,
            requests,
            retries,
        )
        meta["rate_limit_wait_seconds"] = round(client.rate_limit_wait_seconds - waited, 2)
        waited = client.rate_limit_wait_seconds
        if closed is not None:
            meta["note"] = closed.note
        yield dg.MaterializeResult(asset_key=asset_key(endpoint), metadata=meta)
    if failed:
        raise _endpoints_failed(key, failed)


def _endpoints_failed(key: SessionKey, failed: dict[str, OpenF1Error]) -> dg.Failure:
    """One clear error for the endpoints that did not land (their old partitions are intact)."""
    lines = [f"- {endpoint}: {exc}" for endpoint, exc in failed.items()]
    retryable = all(_transient(exc) for exc in failed.values())
    return dg.Failure(
        description=f"{key}: OpenF1 endpoint(s) {', '.join(failed)} failed; their previous "
        "bronze partitions are left untouched.\n" + "\n".join(lines),
        allow_retries=retryable,
    )


def _transient(exc: OpenF1Error) -> bool:
    """Worth a Dagster-level retry: the API was down or busy, not our request wrong."""
    if not isinstance(exc, OpenF1RequestError) or exc.last_status is None:
        return True
    return exc.last_status == 429 or exc.last_status >= 500


def build_telemetry_asset(
    endpoint: str, retry_policy: dg.RetryPolicy | None = DEFAULT_RETRY_POLICY
) -> dg.AssetsDefinition:
    """A streamed telemetry asset (car_data or location)."""

    @dg.asset(
        key=asset_key(endpoint),
        description=_spec(endpoint).description,
        group_name=GROUP,
        kinds=KINDS,
        partitions_def=session_partitions,
        retry_policy=retry_policy,
        pool=POOL,
        metadata={"dagster/column_schema": _table_schema(bronze_schema(endpoint))},
    )
    def _telemetry(
        context: dg.AssetExecutionContext, openf1: OpenF1Resource, data_root: DataRootResource
    ) -> dg.MaterializeResult:
        key = context_session_key(context)
        uncovered = _outside_coverage(key)
        if uncovered is not None:
            return dg.MaterializeResult(metadata=uncovered)
        with warming_up(context, data_root.root()):
            return _land_telemetry(context, openf1, data_root, endpoint, key)

    return _telemetry


def _land_telemetry(
    context: dg.AssetExecutionContext,
    openf1: OpenF1Resource,
    data_root: DataRootResource,
    endpoint: str,
    key: SessionKey,
) -> dg.MaterializeResult:
    """Stream one telemetry endpoint of the session into its bronze partition, driver by
    driver (in a live run: follow it instead)."""
    client = openf1.client
    waited = client.rate_limit_wait_seconds
    started = time.perf_counter()
    try:
        resolved = _resolve(client, key)
    except NotRecorded as exc:
        context.log.warning(str(exc))
        return dg.MaterializeResult(metadata=_not_recorded(exc))
    requests, retries = client.stats.requests, client.stats.retry_count
    mode = live_mode(context)
    if mode is not None:
        try:
            with failing_fast_on_local_faults():
                follow = live_poll if mode == "poll" else live_compact
                result = follow(client, resolved, data_root.bronze, key, endpoint)
        except OpenF1Error as exc:
            raise _endpoints_failed(key, {endpoint: exc}) from exc
        return dg.MaterializeResult(metadata=live_metadata(mode, result))
    record_path = client.stats.record_path_bodies
    minutes = openf1.telemetry_window_minutes
    step = timedelta(minutes=minutes) if minutes > 0 else None
    schema = bronze_schema(endpoint)

    def progress(position: int, of: int, driver: int, rows: int, wait: float) -> None:
        context.log.info(
            f"OpenF1 {endpoint} {key}: driver {driver} ({position} of {of}): {rows:,} rows, "
            f"{wait:.1f} s waited on the rate limit, {time.perf_counter() - started:.1f} s in"
        )

    try:
        drivers = driver_numbers(client, resolved.session_key)
        with (
            failing_fast_on_local_faults(),
            open_partition(data_root.bronze, SOURCE, endpoint, key, schema) as stream,
        ):
            report = stream_telemetry(
                client, endpoint, resolved, drivers, stream, step, progress=progress
            )
    except OpenF1Error as exc:
        raise _endpoints_failed(key, {endpoint: exc}) from exc
    if report.drift.changed:
        context.log.warning(f"OpenF1 {endpoint} schema drift: {report.drift.summary()}")
    path = partition_dir(data_root.bronze, SOURCE, endpoint, key) / DATA_FILE
    meta = _metadata(
        endpoint, resolved, path, stream.row_count, report.drift, client, requests, retries
    )
    meta["drivers"] = len(drivers)
    # Bodies that were not plain JSON lists of declared fields, so went through Python dicts.
    meta["record_path_bodies"] = client.stats.record_path_bodies - record_path
    meta["requests_per_driver"] = report.windows // max(1, len(drivers))
    meta["timed_out_requests_split"] = report.splits
    meta["rate_limit_wait_seconds"] = round(client.rate_limit_wait_seconds - waited, 2)
    per_driver = {str(driver): rows for driver, rows in report.rows_per_driver.items()}
    meta["rows_per_driver"] = dg.MetadataValue.json(per_driver)
    if not drivers:
        meta["note"] = NO_ROWS_NOTE + " OpenF1 lists no drivers for this session."
    context.log.info(f"OpenF1 {endpoint}: {stream.row_count} rows for {len(drivers)} drivers")
    return dg.MaterializeResult(metadata=meta)


def build_openf1_assets(
    retry_policy: dg.RetryPolicy | None = DEFAULT_RETRY_POLICY,
) -> list[dg.AssetsDefinition]:
    """All OpenF1 bronze assets (tests build them without the Dagster-level retry delay)."""
    return [
        build_session_tables_asset(retry_policy),
        *(build_telemetry_asset(e, retry_policy) for e in TELEMETRY_ENDPOINTS),
    ]


openf1_assets: Sequence[dg.AssetsDefinition] = build_openf1_assets()
