"""Telemetry at scale: car_data and location fetched per driver and time window, streamed out.

A race is ~1.5 M rows for the two endpoints; OpenF1 answers an unfiltered car_data query with a
500 and long windows with timeouts. So each request is one driver and one half-open window
`[lo, hi)`, and the windows tile the whole time line: the first is open below and the last open
above, so rows before or after the expected span are still fetched, and no row can fall into two
windows. Each driver's windows are written as one Parquet row group before the next driver is
fetched, so peak memory is one driver's rows, however long the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Protocol

import pyarrow as pa

from f1_lakehouse.lib.openf1.client import OpenF1Client
from f1_lakehouse.lib.openf1.schemas import SchemaDrift, coerce_records
from f1_lakehouse.lib.openf1.session_map import ResolvedSession

TELEMETRY_ENDPOINTS: tuple[str, ...] = ("car_data", "location")
# Cars run (and OpenF1 records) for about an hour before a race start; the open-ended first
# and last windows catch anything outside these margins anyway.
LEAD = timedelta(hours=1)
LAG = timedelta(hours=1)

Window = tuple[datetime | None, datetime | None]


class BatchSink(Protocol):
    """Where streamed batches go (`bronze.BronzeStream`)."""

    def write(self, data: pa.Table | pa.RecordBatch) -> None: ...


@dataclass
class TelemetryReport:
    """What one telemetry download did, for asset metadata."""

    endpoint: str
    drift: SchemaDrift
    rows_per_driver: dict[int, int] = field(default_factory=dict)
    windows: int = 0

    @property
    def rows(self) -> int:
        return sum(self.rows_per_driver.values())


def time_windows(
    start: datetime | None,
    end: datetime | None,
    step: timedelta,
    lead: timedelta = LEAD,
    lag: timedelta = LAG,
) -> list[Window]:
    """Half-open windows tiling the whole time line around [start - lead, end + lag)."""
    if start is None:
        return [(None, None)]  # no schedule: one unfiltered request per driver
    if step <= timedelta(0):
        raise ValueError(f"telemetry window must be positive, got {step}")
    lo = start - lead
    hi = max(end or start, start) + lag
    edges = [lo]
    while edges[-1] < hi:
        edges.append(edges[-1] + step)
    return [(None, edges[0]), *pairwise(edges), (edges[-1], None)]


def window_params(session_key: int, driver: int, window: Window) -> list[tuple[str, object]]:
    """Query filters of one driver-window request (dates as naive UTC, as OpenF1 documents)."""
    params: list[tuple[str, object]] = [("session_key", session_key), ("driver_number", driver)]
    lo, hi = window
    if lo is not None:
        params.append(("date>=", _naive_utc(lo)))
    if hi is not None:
        params.append(("date<", _naive_utc(hi)))
    return params


def driver_numbers(client: OpenF1Client, session_key: int) -> list[int]:
    """The session's driver numbers, from OpenF1's drivers endpoint."""
    rows = client.get("drivers", {"session_key": session_key})
    return sorted({int(r["driver_number"]) for r in rows if r.get("driver_number") is not None})


def stream_telemetry(
    client: OpenF1Client,
    endpoint: str,
    session: ResolvedSession,
    drivers: list[int],
    sink: BatchSink,
    step: timedelta = timedelta(minutes=30),
) -> TelemetryReport:
    """Fetch one telemetry endpoint for every driver and write it to `sink`, driver by driver."""
    if endpoint not in TELEMETRY_ENDPOINTS:
        raise ValueError(f"{endpoint!r} is not a telemetry endpoint ({TELEMETRY_ENDPOINTS})")
    windows = time_windows(session.date_start, session.date_end, step)
    report = TelemetryReport(endpoint, SchemaDrift(endpoint))
    for driver, table in _driver_tables(client, endpoint, session, drivers, windows, report):
        sink.write(table)
        report.rows_per_driver[driver] = table.num_rows
    return report


def _driver_tables(
    client: OpenF1Client,
    endpoint: str,
    session: ResolvedSession,
    drivers: list[int],
    windows: list[Window],
    report: TelemetryReport,
) -> Iterator[tuple[int, pa.Table]]:
    for driver in drivers:
        parts: list[pa.Table] = []
        for window in windows:
            records = client.get(endpoint, window_params(session.session_key, driver, window))
            report.windows += 1
            if records:
                table, drift = coerce_records(endpoint, records)
                report.drift.merge(drift)
                parts.append(table)
        if parts:
            yield driver, pa.concat_tables(parts).combine_chunks()
        else:
            report.rows_per_driver[driver] = 0


def _naive_utc(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()
