"""Telemetry at scale: car_data and location fetched per driver and time window, streamed out.

A race is ~1.5 M rows for the two endpoints; OpenF1 answers an unfiltered car_data query with a
500 and long windows with timeouts. So each request is one driver and one half-open window
`[lo, hi)`, and the windows tile the whole time line: the first is open below and the last open
above, so rows before or after the expected span are still fetched, and no row can fall into two
windows. Each driver's windows are written as one Parquet row group before the next driver is
fetched, so peak memory is one driver's rows, however long the session.

Requests are issued in that order with `IN_FLIGHT` of them running at once, so one response is
parsed (Arrow, off the GIL) while the server prepares the next; the rate limiter still paces
every request, so the live API sees the same budget.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Protocol, TypeVar

import pyarrow as pa

from f1_lakehouse.lib.openf1.client import OpenF1Client
from f1_lakehouse.lib.openf1.schemas import SchemaDrift
from f1_lakehouse.lib.openf1.session_map import ResolvedSession

TELEMETRY_ENDPOINTS: tuple[str, ...] = ("car_data", "location")
# Cars run (and OpenF1 records) for about an hour before a race start; the open-ended first
# and last windows catch anything outside these margins anyway.
LEAD = timedelta(hours=1)
LAG = timedelta(hours=1)

# Two requests at once: enough to overlap parsing with the next response on two cores.
IN_FLIGHT = 2

Window = tuple[datetime | None, datetime | None]
A = TypeVar("A")
R = TypeVar("R")


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
    in_flight: int = IN_FLIGHT,
) -> TelemetryReport:
    """Fetch one telemetry endpoint for every driver and write it to `sink`, driver by driver."""
    if endpoint not in TELEMETRY_ENDPOINTS:
        raise ValueError(f"{endpoint!r} is not a telemetry endpoint ({TELEMETRY_ENDPOINTS})")
    windows = time_windows(session.date_start, session.date_end, step)
    report = TelemetryReport(endpoint, SchemaDrift(endpoint))
    tables = _driver_tables(client, endpoint, session, drivers, windows, report, in_flight)
    for driver, table in tables:
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
    in_flight: int,
) -> Iterator[tuple[int, pa.Table]]:
    def fetch(params: list[tuple[str, object]]) -> tuple[pa.Table, SchemaDrift]:
        return client.get_table(endpoint, params)

    queries = (window_params(session.session_key, d, w) for d in drivers for w in windows)
    with closing(ordered_map(fetch, queries, in_flight)) as responses:
        for driver in drivers:
            parts: list[pa.Table] = []
            for _ in windows:
                table, drift = next(responses)
                report.windows += 1
                if table.num_rows:
                    report.drift.merge(drift)
                    parts.append(table)
            if parts:
                yield driver, pa.concat_tables(parts).combine_chunks()
            else:
                report.rows_per_driver[driver] = 0


def ordered_map(fn: Callable[[A], R], items: Iterable[A], in_flight: int) -> Iterator[R]:
    """`map(fn, items)` with up to `in_flight` calls running in threads; results in order.

    At most `in_flight` results exist at a time, so memory stays bounded. On an error the
    calls already started finish (none is abandoned mid-request) before it propagates.
    """
    if in_flight < 1:
        raise ValueError(f"in_flight must be at least 1, got {in_flight}")
    with ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="openf1") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) == in_flight:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _naive_utc(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat()
