"""Telemetry at scale: car_data and location fetched per driver, streamed out.

A race is ~1.5 M rows for the two endpoints. OpenF1 refuses an unfiltered car_data query
("way too much data at once", HTTP 500: br-g/openf1#96) and limits every query to a 10 s
timeout, advising to break a query that takes longer into smaller ones (openf1.org, FAQ "Is
there a query timeout?"; its query API answers 408 past its timeout). Its documented car_data
example is one driver over a whole session, so by default each request is one driver's whole
session (~37 k rows for a race): 20 requests per endpoint, 40 for a race, where 30-minute
windows took ~400 (13 minutes at the public 30 requests a minute). A request that times out
all the same (408) is split in two half windows, again if need be, down to `MIN_WINDOW`.
With `step` set, windows of that length tile the whole time line instead: the first is open
below and the last open above, so rows before or after the expected span are still fetched,
and no row can fall into two windows. Each driver's rows are written as one Parquet row group
before the next driver is fetched, so peak memory is one driver's rows, however long the session.

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

from f1_lakehouse.lib.openf1.client import OpenF1Client, OpenF1RequestError
from f1_lakehouse.lib.openf1.coercion import SchemaDrift
from f1_lakehouse.lib.openf1.schemas import bronze_schema
from f1_lakehouse.lib.openf1.session_map import ResolvedSession

TELEMETRY_ENDPOINTS: tuple[str, ...] = ("car_data", "location")
# Cars run (and OpenF1 records) for about an hour before a race start; the open-ended first
# and last windows catch anything outside these margins anyway.
LEAD = timedelta(hours=1)
LAG = timedelta(hours=1)

# Two requests at once: enough to overlap parsing with the next response on two cores.
IN_FLIGHT = 2
# The status OpenF1's query API answers a query that ran past its timeout.
TIMED_OUT = 408
# A timed-out window is halved down to this length (then the error stands).
MIN_WINDOW = timedelta(minutes=1)
# How a session without a schedule is split when its one request timed out.
UNSCHEDULED = "no session start in OpenF1's sessions answer: a timed-out request cannot be split"

Window = tuple[datetime | None, datetime | None]
# Called after each driver: (position, of, driver, rows, seconds waited on the rate limiter).
Progress = Callable[[int, int, int, int, float], None]
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
    windows: int = 0  # requests that returned rows or nothing (split ones count each half)
    splits: int = 0  # timed-out requests that were split in two

    @property
    def rows(self) -> int:
        return sum(self.rows_per_driver.values())


def time_windows(
    start: datetime | None,
    end: datetime | None,
    step: timedelta | None,
    lead: timedelta = LEAD,
    lag: timedelta = LAG,
) -> list[Window]:
    """Half-open windows tiling the whole time line around [start - lead, end + lag); one
    window, the whole session, when `step` is None."""
    if start is None or step is None:
        return [(None, None)]  # one request per driver for the whole session
    if step <= timedelta(0):
        raise ValueError(f"telemetry window must be positive, got {step}")
    lo = start - lead
    hi = max(end or start, start) + lag
    edges = [lo]
    while edges[-1] < hi:
        edges.append(edges[-1] + step)
    return [(None, edges[0]), *pairwise(edges), (edges[-1], None)]


def window_params(session_key: int, driver: int | None, window: Window) -> list[tuple[str, object]]:
    """Query filters of one window request, for one driver or (None) all of them; dates as
    naive UTC, as OpenF1 documents."""
    params: list[tuple[str, object]] = [("session_key", session_key)]
    if driver is not None:
        params.append(("driver_number", driver))
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


def split_window(window: Window, session: ResolvedSession) -> tuple[Window, Window] | None:
    """Two halves of a window (an open end is closed at the session's span ± LEAD/LAG), or
    None when it cannot be split further."""
    start = session.date_start
    if start is None:
        return None
    lo, hi = window
    lo_edge = lo if lo is not None else start - LEAD
    hi_edge = hi if hi is not None else max(session.date_end or start, start) + LAG
    if hi_edge - lo_edge < 2 * MIN_WINDOW:
        return None
    middle = lo_edge + (hi_edge - lo_edge) / 2
    return (lo, middle), (middle, hi)


def stream_telemetry(
    client: OpenF1Client,
    endpoint: str,
    session: ResolvedSession,
    drivers: list[int],
    sink: BatchSink,
    step: timedelta | None = None,
    in_flight: int = IN_FLIGHT,
    progress: Progress | None = None,
) -> TelemetryReport:
    """Fetch one telemetry endpoint for every driver and write it to `sink`, driver by driver
    (`progress` hears of each driver as it is written)."""
    if endpoint not in TELEMETRY_ENDPOINTS:
        raise ValueError(f"{endpoint!r} is not a telemetry endpoint ({TELEMETRY_ENDPOINTS})")
    windows = time_windows(session.date_start, session.date_end, step)
    report = TelemetryReport(endpoint, SchemaDrift(endpoint))
    tables = _driver_tables(client, endpoint, session, drivers, windows, report, in_flight)
    waited = client.limiter.waited_seconds
    for position, (driver, table) in enumerate(tables, start=1):
        if table.num_rows:
            sink.write(table)
        report.rows_per_driver[driver] = table.num_rows
        if progress is not None:
            now_waited = client.limiter.waited_seconds
            progress(position, len(drivers), driver, table.num_rows, now_waited - waited)
            waited = now_waited
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
    def fetch(query: tuple[int, Window]) -> list[tuple[pa.Table, SchemaDrift]]:
        driver, window = query
        try:
            return [client.get_table(endpoint, window_params(session.session_key, driver, window))]
        except OpenF1RequestError as exc:
            halves = split_window(window, session) if exc.last_status == TIMED_OUT else None
            if halves is None:
                raise
        report.splits += 1
        return [part for half in halves for part in fetch((driver, half))]

    queries = ((d, w) for d in drivers for w in windows)
    with closing(ordered_map(fetch, queries, in_flight)) as responses:
        for driver in drivers:
            parts: list[pa.Table] = []
            for _ in windows:
                for table, drift in next(responses):
                    report.windows += 1
                    if table.num_rows:
                        report.drift.merge(drift)
                        parts.append(table)
            schema = bronze_schema(endpoint)
            yield (
                driver,
                pa.concat_tables(parts).combine_chunks() if parts else schema.empty_table(),
            )


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
