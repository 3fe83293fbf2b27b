"""Serve recorded OpenF1 responses over real HTTP on 127.0.0.1, with optional fault injection.

`f1-lakehouse openf1-replay --data DIR --port N [faults]` answers `GET /v1/<endpoint>?filters`
from the recordings under DIR (layout: data/replay/openf1/, see PROVENANCE.md §3) with OpenF1's
filter semantics: `field=value` (repeated = OR), `field>=value`, `>`, `<=`, `<`, dates compared
as instants. The client under test therefore runs unchanged, sockets and all.

Recording layout per meeting folder: `meetings.json.gz`, `sessions.json.gz` and one folder per
session (`race_9606/`) holding `<endpoint>.json.gz`, `<endpoint>_by_driver/*.json.gz` (preferred
over the flat file when both exist: the flat laps file lacks lap 1) and
`<endpoint>/driver_number=N.parquet` (telemetry; the dates the recording lost are repaired
with the PROVENANCE rule). Answers are compact JSON, as the live API (FastAPI) writes them.

Like the public API, it refuses telemetry asked for without a session, a driver or a time
bound (HTTP 500, "too much data": br-g/openf1#96) and answers a query that would run past the
API's timeout with HTTP 408 (its query API's answer; rows over `max_rows` stand for "too long").
With a `RateBudget` (`--rate-per-second 3 --rate-per-minute 30`, the public budget) it answers
429 "Rate exceeded" with a Retry-After to any request over it, so a client's live-equivalent
pace (and the requests it would lose) can be measured on loopback.

Faults are deterministic: whether the n-th request for a URL fails is a hash of (seed, URL, n),
so a run is reproducible whatever the timing. `--max-consecutive` caps the failures in a row
for one URL, so a client with more attempts than that must always get through.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import socket
import sys
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from f1_lakehouse.lib.live.pace import SessionClock, date_filter, release
from f1_lakehouse.lib.openf1.dates import (
    DateParseError,
    parse_openf1_date,
    repair_missing_dates,
)
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS
from f1_lakehouse.lib.settings import BUNDLED_DATA

DEFAULT_DATA = BUNDLED_DATA / "replay" / "openf1"
HOST = "127.0.0.1"
API_PREFIX = "/v1/"
FAULT_KINDS = ("429", "500", "502", "503", "slow", "truncate", "short", "drop")
DEFAULT_FAULTS = ("429", "500", "503", "truncate", "short", "drop")
_FILTER_RE = re.compile(r"(?P<field>[A-Za-z_][A-Za-z0-9_]*)(?P<op>>=|<=|=|>|<)(?P<value>.*)")
_SESSION_DIR_RE = re.compile(r".*_(?P<session_key>\d+)")
_DRIVER_FILE_RE = re.compile(r"driver_number=(?P<driver>\d+)\.(?:json\.gz|parquet)")

Filter = tuple[str, str, str]
Piece = bytes | pa.Buffer  # a part of a response body, sent as is


class ReplayDataError(ValueError):
    """The recordings folder is missing or malformed."""


class ResultTooLarge(Exception):
    """Like OpenF1, refuse queries that would return too much data (HTTP 500)."""


class QueryTimedOut(Exception):
    """A query too big to answer within the public API's timeout (HTTP 408)."""


@dataclass
class RateBudget:
    """The public API's request budget, enforced: over it, a request gets 429 + Retry-After.

    Refused requests do not count against the budget (the client is told to wait)."""

    per_second: int = 3
    per_minute: int = 30
    clock: Any = time.monotonic
    accepted: list[float] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.per_second < 1 or self.per_minute < 1:
            raise ValueError(
                f"rate budget must be positive: {self.per_second}/s, {self.per_minute}/min"
            )

    def admit(self) -> float:
        """0 if this request fits the budget (it is counted), else the seconds to wait."""
        with self.lock:
            now = self.clock()
            self.accepted = [t for t in self.accepted if t > now - 60.0]
            last_second = [t for t in self.accepted if t > now - 1.0]
            waits = [0.0]
            if len(last_second) >= self.per_second:
                waits.append(last_second[-self.per_second] + 1.0 - now)
            if len(self.accepted) >= self.per_minute:
                waits.append(self.accepted[-self.per_minute] + 60.0 - now)
            wait = max(waits)
            if wait > 0:
                self.refused += 1
                return wait
            self.accepted.append(now)
            return 0.0


# --- recordings -------------------------------------------------------------------------------


@dataclass
class _TelemetryFile:
    path: Path
    session_key: int
    driver_number: int


class ReplayData:
    """The recorded responses under one folder, loaded lazily and served with OpenF1 filters."""

    def __init__(
        self,
        root: Path,
        *,
        cache_files: int = 4,
        max_rows: int = 250_000,
        clock: SessionClock | None = None,
    ) -> None:
        root = Path(root)
        self.clock = clock
        if not root.is_dir():
            raise ReplayDataError(f"OpenF1 recordings folder {root} does not exist")
        self.root = root
        self.max_rows = max_rows
        self._json_files: dict[str, list[Path]] = {}
        self._telemetry: dict[str, list[_TelemetryFile]] = {}
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._tables: OrderedDict[Path, pa.Table] = OrderedDict()
        # At pace every poll asks for all drivers' telemetry: keep every file, not a few.
        self._cache_files = cache_files if clock is None else max(cache_files, 64)
        self._lock = threading.Lock()
        self.repaired_dates = 0
        self._discover()
        if not self._json_files and not self._telemetry:
            raise ReplayDataError(f"no OpenF1 recordings (*.json.gz, *.parquet) under {root}")

    @property
    def endpoints(self) -> set[str]:
        return set(self._json_files) | set(self._telemetry)

    def _discover(self) -> None:
        for meeting in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(meeting.glob("*.json.gz")):
                self._json_files.setdefault(_stem(path), []).append(path)
            for session in sorted(p for p in meeting.iterdir() if p.is_dir()):
                match = _SESSION_DIR_RE.fullmatch(session.name)
                if match:
                    self._discover_session(session, int(match["session_key"]))

    def _discover_session(self, folder: Path, session_key: int) -> None:
        by_driver = {p.name.removesuffix("_by_driver") for p in folder.glob("*_by_driver")}
        for path in sorted(folder.glob("*.json.gz")):
            if _stem(path) not in by_driver:
                self._json_files.setdefault(_stem(path), []).append(path)
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            files = sorted(sub.iterdir(), key=_driver_order)
            if sub.name.endswith("_by_driver"):
                endpoint = sub.name.removesuffix("_by_driver")
                self._json_files.setdefault(endpoint, []).extend(
                    f for f in files if f.name.endswith(".json.gz")
                )
                continue
            for f in files:
                match = _DRIVER_FILE_RE.fullmatch(f.name)
                if match and f.suffix == ".parquet":
                    self._telemetry.setdefault(sub.name, []).append(
                        _TelemetryFile(f, session_key, int(match["driver"]))
                    )

    def query(self, endpoint: str, filters: Sequence[Filter]) -> list[dict[str, Any]]:
        """Rows of an endpoint matching OpenF1-style filters (empty for unrecorded endpoints)."""
        return json.loads(self.query_json(endpoint, filters)[1])

    def query_json(self, endpoint: str, filters: Sequence[Filter]) -> tuple[int, bytes]:
        """The same, as (row count, JSON body) ready to send."""
        count, pieces = self.query_pieces(endpoint, filters)
        return count, b"".join(pieces)

    def query_pieces(self, endpoint: str, filters: Sequence[Filter]) -> tuple[int, list[Piece]]:
        """(row count, JSON body in pieces): telemetry rows go out straight from Arrow's memory."""
        if endpoint in self._telemetry:
            fields = {name for name, _, _ in filters}
            if not {"session_key", "driver_number"} <= fields and "date" not in fields:
                raise ResultTooLarge("way too much data at once: filter by session and driver")
            if self.clock is not None and not self._session_over(filters):
                filters = [*filters, date_filter(self.clock.now())]
            parts = [p for p in self._query_telemetry(endpoint, filters) if len(p)]
            pieces: list[Piece] = [b"["]
            for index, part in enumerate(parts):
                pieces += [b","] if index else []
                pieces.append(_joined_rows(part))
            return sum(len(p) for p in parts), [*pieces, b"]"]
        rows = [row for row in self._json_rows(endpoint) if _row_matches(row, filters)]
        if self.clock is not None:
            rows = self._released(endpoint, rows, filters)
        if len(rows) > self.max_rows:
            raise ResultTooLarge(f"{len(rows)} rows")
        return len(rows), [_dumps(rows)]

    def _released(
        self, endpoint: str, rows: list[dict[str, Any]], filters: Sequence[Filter]
    ) -> list[dict[str, Any]]:
        """Replay at pace: what OpenF1 had published by the simulated clock's now."""
        assert self.clock is not None
        laps = self._session_rows("laps", filters) if endpoint == "stints" else ()
        return release(endpoint, rows, self.clock.now(), self._session_end(filters), laps)

    def _session_rows(self, endpoint: str, filters: Sequence[Filter]) -> list[dict[str, Any]]:
        keys = [f for f in filters if f[0] == "session_key"]
        return [row for row in self._json_rows(endpoint) if _row_matches(row, keys)]

    def _session_end(self, filters: Sequence[Filter]) -> datetime | None:
        ends = [
            _as_instant(str(s.get("date_end"))) for s in self._session_rows("sessions", filters)
        ]
        known = [end for end in ends if end is not None]
        return max(known) if known else None

    def _session_over(self, filters: Sequence[Filter]) -> bool:
        end = self._session_end(filters)
        return self.clock is not None and end is not None and self.clock.now() >= end

    def _json_rows(self, endpoint: str) -> list[dict[str, Any]]:
        with self._lock:
            if endpoint not in self._rows:
                rows: list[dict[str, Any]] = []
                for path in self._json_files.get(endpoint, []):
                    with gzip.open(path, "rt", encoding="utf-8") as handle:
                        data = json.load(handle)
                    if not isinstance(data, list):
                        raise ReplayDataError(f"{path} is not a JSON list of records")
                    rows.extend(data)
                self._rows[endpoint] = rows
            return self._rows[endpoint]

    def _query_telemetry(self, endpoint: str, filters: Sequence[Filter]) -> list[pa.Array]:
        wanted = {
            name: {v for f, op, v in filters if f == name and op == "="}
            for name in ("session_key", "driver_number")
        }
        files = [
            f
            for f in self._telemetry[endpoint]
            if (not wanted["session_key"] or str(f.session_key) in wanted["session_key"])
            and (not wanted["driver_number"] or str(f.driver_number) in wanted["driver_number"])
        ]
        parts: list[pa.Array] = []
        total = 0
        for f in files:
            table = self._table(f.path)
            part = _select(table["_json"], _table_mask(table, filters))
            total += len(part)
            if total > self.max_rows:
                raise QueryTimedOut(f"more than {self.max_rows} rows")
            parts += part.chunks
        return parts

    def _table(self, path: Path) -> pa.Table:
        """A telemetry file as served: dates repaired and formatted, plus an `_ts` filter key."""
        with self._lock:
            if path in self._tables:
                self._tables.move_to_end(path)
                return self._tables[path]
        with pq.ParquetFile(path) as parquet:  # not read_table: it imports pyarrow.dataset (0.3 s)
            table = parquet.read()
        if "date" in table.column_names:
            dates, repaired = repair_missing_dates(table["date"])
            micros = _round_to_micros(dates)
            index = table.column_names.index("date")
            table = table.set_column(index, "date", format_openf1_dates(micros))
            table = table.append_column("_ts", micros.cast(pa.int64()))
        else:
            repaired = 0
        table = table.replace_schema_metadata(None)
        table = table.append_column("_json", _json_objects(table.drop_columns(["_ts"])))
        with self._lock:
            self.repaired_dates += repaired if path not in self._tables else 0
            self._tables[path] = table
            while len(self._tables) > self._cache_files:
                self._tables.popitem(last=False)
        return table


def _json_objects(table: pa.Table) -> pa.ChunkedArray | pa.Array:
    """Each row as a JSON object followed by `,` (bytes), built column-wise by Arrow: serving
    1.5 M telemetry rows through `to_pylist` + `json.dumps` would make the replay, not the
    client, the bottleneck. Strings go through `json.dumps` (escaping); numbers through Arrow's
    cast; null -> null. The trailing separator lets a response be one slice of the buffer.
    A column with one value throughout (the session, meeting and driver keys of a file) is
    written once into the text between the others, not once per row."""
    pieces: list[Any] = []
    literal = "{"  # the text before the next column's values
    for name in table.column_names:
        column = table[name]
        literal += _dumps(name).decode() + ":"
        closing = ""
        if pa.types.is_string(column.type):
            if _needs_escaping(column):
                values = [None if v is None else _dumps(v).decode() for v in column.to_pylist()]
                text = pa.array(values, type=pa.string())
            elif column.null_count == 0:  # dates: the quotes join the literals around them
                text, literal, closing = column, literal + '"', '"'
            else:
                text = pc.binary_join_element_wise('"', column, '"', "")
        elif _is_constant_int(column):
            literal += pc.cast(column.slice(0, 1), pa.string())[0].as_py() + ","
            continue
        elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
            text = pc.cast(column, pa.string())
        else:
            raise ReplayDataError(f"cannot serve telemetry column {name!r} of type {column.type}")
        pieces += [literal, pc.fill_null(text, "null") if text.null_count else text]
        literal = closing + ","
    ending = literal.removesuffix(",") + "},"
    if not pieces:
        return pa.array([ending.encode()] * table.num_rows, type=pa.binary())
    return pc.cast(pc.binary_join_element_wise(*pieces, ending, ""), pa.binary())


def _is_constant_int(column: pa.ChunkedArray | pa.Array) -> bool:
    if not pa.types.is_integer(column.type) or len(column) == 0 or column.null_count:
        return False
    bounds = pc.min_max(column)
    return bool(bounds["min"] == bounds["max"])


def _needs_escaping(column: pa.ChunkedArray | pa.Array) -> bool:
    """Whether any string holds `"`, `\\` or a control character (bytes < 0x20)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        _, offsets, values = chunk.buffers()
        if values is None:
            continue
        bounds = np.frombuffer(offsets, dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        data = np.frombuffer(values, dtype=np.uint8)[bounds[0] : bounds[1]]
        if ((data < 0x20) | (data == ord('"')) | (data == ord("\\"))).any():
            return True
    return False


def _select(rows: pa.ChunkedArray, mask: pa.Array | None) -> pa.ChunkedArray:
    """The rows a mask keeps; a time window of a date-ordered file is a slice (no copy)."""
    if mask is None:
        return rows
    hits = pc.indices_nonzero(mask)
    if len(hits) == 0:
        return rows.slice(0, 0)
    first, last = hits[0].as_py(), hits[len(hits) - 1].as_py()
    if last - first + 1 == len(hits):
        return rows.slice(first, len(hits))
    return rows.filter(mask)


def _joined_rows(rows: pa.Array) -> pa.Buffer:
    """Rows of `_json_objects` as `row,row,row`: a view of Arrow's value buffer, no Python
    object per row (a slice or filter result keeps its values contiguous)."""
    _, offsets, values = rows.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int32)[[rows.offset, rows.offset + len(rows)]]
    start, end = int(bounds[0]), int(bounds[1])
    return values.slice(start, end - start - len(b","))


def format_openf1_dates(micros: pa.Array) -> pa.Array:
    """Vectorised `format_openf1_date`: ISO with `+00:00`, `.ffffff` dropped when it is 0.

    Arrow's cast of a naive timestamp prints `YYYY-MM-DD HH:MM:SS.ffffff`; `strftime` would do
    the same ~8x slower (it resolves the time zone per value)."""
    naive = micros.cast(pa.int64()).cast(pa.timestamp("us"))
    text = pc.replace_substring(pc.cast(naive, pa.string()), " ", "T", max_replacements=1)
    text = pc.replace_substring(text, ".000000", "")  # the only "." is the fraction's
    return pc.binary_join_element_wise(text, "+00:00", "")


def _round_to_micros(dates: pa.Array) -> pa.Array:
    """OpenF1 dates have microsecond precision; the recorded parquet carries float noise in
    the nanoseconds (up to ~128 ns), so round to the nearest microsecond rather than truncate."""
    nanos = pc.cast(dates, pa.timestamp("ns", tz="UTC")).cast(pa.int64())
    micros = pc.divide(pc.add(nanos, 500), 1000)  # integer division: dates are after 1970
    return micros.cast(pa.timestamp("us", tz="UTC"))


def _dumps(value: Any) -> bytes:
    """JSON as OpenF1 (FastAPI) writes it: compact, UTF-8 unescaped."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _stem(path: Path) -> str:
    return path.name.removesuffix(".json.gz")


def _driver_order(path: Path) -> tuple[int, str]:
    match = _DRIVER_FILE_RE.fullmatch(path.name)
    return (int(match["driver"]) if match else 1 << 30, path.name)


# --- filters ----------------------------------------------------------------------------------


def parse_filters(query: str) -> list[Filter]:
    """Decode `date%3E=T&driver_number=1` -> [("date", ">=", T), ("driver_number", "=", 1)].

    OpenF1 reads the raw query, so `date%3CT` (no `=`) is the filter `date < T`.
    """
    filters: list[Filter] = []
    for part in query.split("&"):
        if not part:
            continue
        match = _FILTER_RE.fullmatch(unquote(part))
        if match is None:
            raise ValueError(f"cannot read filter {unquote(part)!r}")
        filters.append((match["field"], match["op"], match["value"]))
    return filters


def _as_instant(value: str) -> datetime | None:
    try:
        return parse_openf1_date(value)
    except DateParseError:
        return None


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == ">=":
        return bool(left >= right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left < right)


def _coerce_like(row_value: Any, text: str) -> tuple[Any, Any] | None:
    """Row value and filter value made comparable, or None when they cannot be compared."""
    if isinstance(row_value, bool):
        return row_value, text.strip().lower() == "true"
    if isinstance(row_value, int | float):
        try:
            return row_value, float(text)
        except ValueError:
            return None
    if isinstance(row_value, str):
        left, right = _as_instant(row_value), _as_instant(text)
        if left is not None and right is not None and "-" in text:
            return left, right
        return row_value, text
    return None


def _row_matches(row: dict[str, Any], filters: Sequence[Filter]) -> bool:
    equal: dict[str, bool] = {}
    for name, op, text in filters:
        pair = _coerce_like(row.get(name), text)
        ok = pair is not None and _compare(pair[0], op, pair[1])
        if op == "=":
            equal[name] = equal.get(name, False) or ok  # repeated equal filters are ORed
        elif not ok:
            return False
    return all(equal.values())


def _table_mask(table: pa.Table, filters: Sequence[Filter]) -> pa.Array | None:
    """The same filter semantics, vectorised over a telemetry table."""
    mask: pa.Array | None = None
    equal: dict[str, pa.Array] = {}
    for name, op, text in filters:
        if name == "date":
            instant = _as_instant(text)
            if instant is None:
                raise ValueError(f"cannot read date filter {text!r}")
            column = table["_ts"]
            value: Any = int(instant.timestamp() * 1_000_000)
        elif name in table.column_names:
            column = table[name]
            numeric = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
            try:
                value = float(text) if numeric else text
            except ValueError:
                value = None
        else:
            value = None
        if value is None:
            cond = pa.array([False] * table.num_rows)
        else:
            cond = _vector_compare(column, op, value)
        cond = pc.fill_null(cond, False)
        if op == "=":
            equal[name] = pc.or_(equal[name], cond) if name in equal else cond
        else:
            mask = cond if mask is None else pc.and_(mask, cond)
    for cond in equal.values():
        mask = cond if mask is None else pc.and_(mask, cond)
    return mask


def _vector_compare(column: Any, op: str, value: Any) -> Any:
    functions = {
        "=": pc.equal,
        ">=": pc.greater_equal,
        "<=": pc.less_equal,
        ">": pc.greater,
        "<": pc.less,
    }
    return functions[op](column, value)


# --- faults -----------------------------------------------------------------------------------


@dataclass
class FaultPlan:
    """Which requests fail, and how. Deterministic: see the module docstring."""

    fail_rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_FAULTS
    seed: int = 0
    retry_after: float = 1.0
    slow_seconds: float = 2.0
    burst: int = 3
    max_consecutive: int = 3
    always_fail: frozenset[str] = frozenset()
    empty: str = "404"

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {', '.join(FAULT_KINDS)}")
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ValueError(f"fail rate {self.fail_rate} must be between 0 and 1")
        if self.empty not in ("404", "list"):
            raise ValueError(f"empty must be '404' or 'list', not {self.empty!r}")


@dataclass
class FaultState:
    """Per-server bookkeeping of the fault plan (request counts per URL, current 429 burst)."""

    plan: FaultPlan
    served: Counter[str] = field(default_factory=Counter)
    consecutive: Counter[str] = field(default_factory=Counter)
    injected: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    burst_left: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def decide(self, endpoint: str, url: str) -> str | None:
        """The fault for this request, or None to serve it normally."""
        plan = self.plan
        with self.lock:
            self.requests += 1
            n = self.served[url]
            self.served[url] += 1
            fault: str | None = None
            if endpoint in plan.always_fail:
                fault = "500"
            elif self.consecutive[url] >= plan.max_consecutive or not plan.kinds:
                fault = None
            elif self.burst_left > 0:
                self.burst_left -= 1
                fault = "429"
            elif _unit_hash(plan.seed, url, n, "rate") < plan.fail_rate:
                pick = int(_unit_hash(plan.seed, url, n, "kind") * len(plan.kinds))
                fault = plan.kinds[min(pick, len(plan.kinds) - 1)]
                if fault == "429":
                    self.burst_left = max(0, plan.burst - 1)
            self.consecutive[url] = self.consecutive[url] + 1 if fault else 0
            if fault:
                self.injected[fault] += 1
            return fault


def _unit_hash(seed: int, url: str, n: int, salt: str) -> float:
    digest = hashlib.sha256(f"{seed}|{salt}|{url}|{n}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# --- HTTP -------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ReplayHTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle + delayed ACK
        # stall every keep-alive response by ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            sys.stderr.write(f"openf1-replay: {format % args}\n")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if not parts.path.startswith(API_PREFIX):
            self._send(404, {"detail": "Not Found"})
            return
        endpoint = parts.path[len(API_PREFIX) :].strip("/")
        data = self.server.data
        if endpoint not in data.endpoints and endpoint not in ENDPOINTS:
            self._send(404, {"detail": "Not Found"})
            return
        budget = self.server.budget
        wait = budget.admit() if budget is not None else 0.0
        if wait > 0:
            retry_after = {"Retry-After": f"{max(1, math.ceil(wait))}"}
            self._send(429, {"message": "Rate exceeded"}, headers=retry_after)
            return
        fault = self.server.faults.decide(endpoint, f"{endpoint}?{parts.query}")
        if fault == "drop":
            self.close_connection = True  # no response at all: the client sees a reset
            return
        if fault in ("429", "500", "502", "503"):
            self._send_fault(int(fault))
            return
        if fault == "slow":
            time.sleep(self.server.faults.plan.slow_seconds)
        try:
            count, body = data.query_pieces(endpoint, parse_filters(parts.query))
        except ResultTooLarge as exc:
            self._send(500, {"detail": f"Internal Server Error: result too large ({exc})"})
            return
        except QueryTimedOut as exc:
            self._send(408, {"detail": f"Request timed out ({exc})"})
            return
        except ValueError as exc:
            self._send(422, {"detail": str(exc)})
            return
        if not count and self.server.faults.plan.empty == "404":
            self._send(404, {"detail": "No results found."})
            return
        self._send(200, body, fault=fault)

    def _send_fault(self, status: int) -> None:
        plan = self.server.faults.plan
        if status == 429:
            headers = {"Retry-After": f"{plan.retry_after:g}"}
            self._send(429, {"message": "Rate exceeded"}, headers=headers)
        else:
            self._send(status, {"detail": f"injected HTTP {status}"})

    def _send(
        self,
        status: int,
        payload: dict[str, Any] | list[Piece],
        *,
        headers: dict[str, str] | None = None,
        fault: str | None = None,
    ) -> None:
        pieces = payload if isinstance(payload, list) else [_dumps(payload)]
        length = sum(len(piece) for piece in pieces)
        if fault in ("truncate", "short"):
            pieces = [b"".join(pieces)[: max(1, length // 2)]]
        if fault == "truncate":
            length = len(pieces[0])  # an honest length for a dishonest body: only JSON fails
        elif fault == "short":
            self.close_connection = True  # promise the full length, then hang up
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(length))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            for piece in pieces:
                self.wfile.write(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. timed out on a slow reply)


class _ReplayHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        port: int,
        data: ReplayData,
        faults: FaultState,
        verbose: bool,
        budget: RateBudget | None = None,
    ) -> None:
        self.data = data
        self.faults = faults
        self.budget = budget
        self.verbose = verbose
        super().__init__((HOST, port), _Handler)


class ReplayServer:
    """The replay server on 127.0.0.1, run in a background thread (`with ReplayServer(...)`)."""

    def __init__(
        self,
        data_dir: Path | str = DEFAULT_DATA,
        *,
        port: int = 0,
        faults: FaultPlan | None = None,
        verbose: bool = False,
        budget: RateBudget | None = None,
        clock: SessionClock | None = None,
    ) -> None:
        self.data = ReplayData(Path(data_dir), clock=clock)
        self.faults = FaultState(faults or FaultPlan())
        self.budget = budget
        self._httpd = _ReplayHTTPServer(port, self.data, self.faults, verbose, budget)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def start(self) -> ReplayServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() returns promptly
            name="openf1-replay",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="f1-lakehouse openf1-replay",
        description="Serve recorded OpenF1 responses on 127.0.0.1 (optionally with faults).",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="recordings folder")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0 = any free port)")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of faulty requests")
    parser.add_argument(
        "--faults",
        default=",".join(DEFAULT_FAULTS),
        help=f"comma-separated fault kinds among {','.join(FAULT_KINDS)}",
    )
    parser.add_argument("--seed", type=int, default=0, help="fault schedule seed")
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After of a 429, s")
    parser.add_argument("--burst", type=int, default=3, help="429s in a row once one is sent")
    parser.add_argument("--slow-seconds", type=float, default=2.0, help="delay of a slow reply")
    parser.add_argument(
        "--max-consecutive", type=int, default=3, help="most faults in a row for one URL"
    )
    parser.add_argument(
        "--always-fail",
        action="append",
        default=[],
        metavar="ENDPOINT",
        help="answer HTTP 500 to every request for ENDPOINT (repeatable)",
    )
    parser.add_argument(
        "--empty",
        choices=("404", "list"),
        default="404",
        help='empty results as 404 "No results found." (current API) or as []',
    )
    parser.add_argument(
        "--rate-per-second", type=int, default=0, help="enforce a budget (public API: 3)"
    )
    parser.add_argument(
        "--rate-per-minute", type=int, default=0, help="enforce a budget (public API: 30)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def plan_from_args(args: argparse.Namespace) -> FaultPlan:
    return FaultPlan(
        fail_rate=args.fail_rate,
        kinds=tuple(k.strip() for k in args.faults.split(",") if k.strip()),
        seed=args.seed,
        retry_after=args.retry_after,
        slow_seconds=args.slow_seconds,
        burst=args.burst,
        max_consecutive=args.max_consecutive,
        always_fail=frozenset(args.always_fail),
        empty=args.empty,
    )


def budget_from_args(args: argparse.Namespace) -> RateBudget | None:
    """A budget when either rate is given (the other defaults to the public API's)."""
    if not args.rate_per_second and not args.rate_per_minute:
        return None
    return RateBudget(args.rate_per_second or 3, args.rate_per_minute or 30)


def main(argv: list[str]) -> int:
    """Entry point of `f1-lakehouse openf1-replay` (a leading `--` separator is ignored)."""
    args = build_parser().parse_args(argv[1:] if argv[:1] == ["--"] else argv)
    try:
        plan = plan_from_args(args)
        budget = budget_from_args(args)
        server = ReplayServer(
            args.data, port=args.port, faults=plan, verbose=args.verbose, budget=budget
        )
    except (ReplayDataError, ValueError, OSError) as exc:
        print(f"f1-lakehouse openf1-replay: {exc}", file=sys.stderr)
        return 2
    print(f"OpenF1 replay of {args.data} at {server.base_url}", flush=True)
    print(f"  export F1_LAKEHOUSE_OPENF1_URL={server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
