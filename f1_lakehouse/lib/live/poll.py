"""One live poll of a session, and its compaction at the end.

`poll` fetches each streamed endpoint's next window `[cursor, until)` and each replaced
endpoint whole; `compact` closes the session: the last, open-ended window of telemetry is
appended and the micro-batches become the partition's one data file; the other streamed
endpoints are answered whole once more (one request each) and that answer is written, so the
compacted partition is the file a batch load writes even if a row arrived late; how far the
live batches were from it is reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from f1_lakehouse.lib.bronze import write_partition
from f1_lakehouse.lib.live.batches import batches, cursor, read_batches, write_batch
from f1_lakehouse.lib.live.endpoints import REPLACED, STREAMED, TELEMETRY
from f1_lakehouse.lib.openf1.client import OpenF1Client
from f1_lakehouse.lib.openf1.coercion import SchemaDrift
from f1_lakehouse.lib.openf1.schemas import bronze_schema
from f1_lakehouse.lib.openf1.session_map import ResolvedSession
from f1_lakehouse.lib.openf1.telemetry import driver_numbers, window_params
from f1_lakehouse.lib.session_keys import SessionKey

SOURCE = "openf1"
# A telemetry window longer than this (the first one, or after a long outage) is asked per
# driver, as the batch load does: session-wide it would be too much data at once.
WIDE_TELEMETRY_WINDOW = timedelta(minutes=5)


@dataclass
class EndpointPoll:
    """What one endpoint's poll landed."""

    endpoint: str
    rows: int
    after: datetime | None = None
    until: datetime | None = None
    requests: int = 0
    drift: SchemaDrift | None = None
    note: str = ""
    seconds: float = 0.0


@dataclass
class PollReport:
    """One poll (or the compaction) of a session, for the run's metadata."""

    key: SessionKey
    until: datetime | None
    endpoints: list[EndpointPoll] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(e.rows for e in self.endpoints)

    def as_metadata(self) -> dict[str, Any]:
        return {
            e.endpoint: {
                "rows": e.rows,
                "after": e.after.isoformat() if e.after else None,
                "until": e.until.isoformat() if e.until else None,
                "requests": e.requests,
                "seconds": round(e.seconds, 2),
                **({"note": e.note} if e.note else {}),
            }
            for e in self.endpoints
        }


def poll(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    until: datetime,
) -> PollReport:
    """Land every live endpoint's rows up to `until` (exclusive)."""
    report = PollReport(key, until.astimezone(UTC))
    for endpoint in (*STREAMED, *REPLACED):
        report.endpoints.append(poll_endpoint(client, session, bronze_root, key, endpoint, until))
    return report


def poll_endpoint(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
    until: datetime,
) -> EndpointPoll:
    """One endpoint's share of a poll: its next window, or (replaced endpoints) all of it."""
    started = time.perf_counter()
    if endpoint in STREAMED:
        result = _poll_window(client, session, bronze_root, key, endpoint, until.astimezone(UTC))
    elif endpoint in REPLACED:
        result = _replace(client, session, bronze_root, key, endpoint)
    else:
        raise ValueError(f"{endpoint!r} is not followed live (it is loaded at the end)")
    result.seconds = time.perf_counter() - started
    return result


def compact(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
) -> PollReport:
    """Close the session: every live endpoint becomes its one bronze file."""
    report = PollReport(key, None)
    for endpoint in (*STREAMED, *REPLACED):
        report.endpoints.append(compact_endpoint(client, session, bronze_root, key, endpoint))
    return report


def compact_endpoint(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
    whole: pa.Table | None = None,
) -> EndpointPoll:
    """Close one endpoint: telemetry gets its last, open-ended window and its micro-batches
    become the partition's file; any other endpoint is written from one whole answer (the
    batch load's: `whole`, else fetched here), reporting how far its live batches were from it.
    """
    started = time.perf_counter()
    if endpoint in TELEMETRY:
        result = _compact_telemetry(client, session, bronze_root, key, endpoint)
    else:
        requests = 0
        if whole is None:
            whole, _ = client.get_table(endpoint, {"session_key": session.session_key})
            requests = 1
        live = read_batches(batches(bronze_root, SOURCE, endpoint, key), bronze_schema(endpoint))
        write_partition(bronze_root, SOURCE, endpoint, key, whole)
        note = "written from the whole answer"
        if endpoint in STREAMED:
            missed, extra = multiset_difference(whole, live)
            note += f"; live batches held {live.num_rows} rows, missed {missed}, extra {extra}"
        result = EndpointPoll(endpoint, whole.num_rows, requests=requests, note=note)
    result.seconds = time.perf_counter() - started
    return result


def _poll_window(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
    until: datetime | None,
) -> EndpointPoll:
    newest = cursor(bronze_root, SOURCE, endpoint, key)
    if newest is not None and newest.until is None:
        return EndpointPoll(endpoint, 0, note="closed: the last window has landed")
    after = newest.until if newest is not None else None
    if after is not None and until is not None and until <= after:
        return EndpointPoll(endpoint, 0, after, until, note="nothing new: window is empty")
    table, drift, requests = _fetch_window(client, session, endpoint, after, until)
    if table.num_rows:  # an empty window writes nothing: the next one starts at the same edge
        write_batch(bronze_root, SOURCE, endpoint, key, table, until)
    return EndpointPoll(endpoint, table.num_rows, after, until, requests, drift)


def _fetch_window(
    client: OpenF1Client,
    session: ResolvedSession,
    endpoint: str,
    after: datetime | None,
    until: datetime | None,
) -> tuple[pa.Table, SchemaDrift, int]:
    window = (after, until)
    if endpoint in TELEMETRY and _wide(after, until):
        parts, drift = [], SchemaDrift(endpoint)
        drivers = driver_numbers(client, session.session_key)
        for driver in drivers:
            part, part_drift = client.get_table(
                endpoint, window_params(session.session_key, driver, window)
            )
            drift.merge(part_drift)
            parts.append(part)
        table = pa.concat_tables(parts) if parts else bronze_schema(endpoint).empty_table()
        return table, drift, len(drivers)
    table, drift = client.get_table(endpoint, window_params(session.session_key, None, window))
    return table, drift, 1


def _wide(after: datetime | None, until: datetime | None) -> bool:
    return after is None or until is None or until - after > WIDE_TELEMETRY_WINDOW


def _replace(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
) -> EndpointPoll:
    table, drift = client.get_table(endpoint, {"session_key": session.session_key})
    write_partition(bronze_root, SOURCE, endpoint, key, table)
    return EndpointPoll(endpoint, table.num_rows, requests=1, drift=drift, note="replaced whole")


def _compact_telemetry(
    client: OpenF1Client,
    session: ResolvedSession,
    bronze_root: Path,
    key: SessionKey,
    endpoint: str,
) -> EndpointPoll:
    last = _poll_window(client, session, bronze_root, key, endpoint, None)
    found = batches(bronze_root, SOURCE, endpoint, key)
    rows = read_batches(found, bronze_schema(endpoint))
    # The batch load's order: driver by driver, each in time order.
    rows = rows.take(pc.sort_indices(rows, [("driver_number", "ascending"), ("date", "ascending")]))
    write_partition(bronze_root, SOURCE, endpoint, key, rows)
    note = f"{len(found)} micro-batches compacted"
    return EndpointPoll(endpoint, rows.num_rows, last.after, None, last.requests, note=note)


def multiset_difference(expected: pa.Table, got: pa.Table) -> tuple[int, int]:
    """(rows of `expected` missing from `got`, rows of `got` not in `expected`), as multisets
    (DuckDB's EXCEPT ALL over the Arrow tables: telemetry is ~0.7 M rows)."""
    with duckdb.connect() as con:
        con.register("expected_rows", expected)
        con.register("got_rows", got)
        counts = con.execute(
            "select (select count(*) from (from expected_rows except all from got_rows)),"
            " (select count(*) from (from got_rows except all from expected_rows))"
        ).fetchall()
        return int(counts[0][0]), int(counts[0][1])
