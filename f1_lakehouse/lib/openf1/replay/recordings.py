"""The recorded OpenF1 responses under one folder, found, loaded lazily and queried.

Layout per meeting folder (data/replay/openf1/, see PROVENANCE.md §3): `meetings.json.gz`,
`sessions.json.gz` and one folder per session (`race_9606/`) holding `<endpoint>.json.gz`,
`<endpoint>_by_driver/*.json.gz` (preferred over the flat file when both exist: the flat laps
file lacks lap 1) and `<endpoint>/driver_number=N.parquet` (telemetry; the dates the recording
lost are repaired with the PROVENANCE rule).

Like the public API, telemetry asked for without a session, a driver or a time bound is
refused ("too much data": br-g/openf1#96), and a query that would run past the API's timeout
times out (rows over `max_rows` stand for "too long").
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from f1_lakehouse.lib.live.pace import SessionClock, date_filter, instant, release
from f1_lakehouse.lib.openf1.dates import repair_missing_dates
from f1_lakehouse.lib.openf1.replay.encoding import (
    Piece,
    dumps,
    format_openf1_dates,
    joined_rows,
    json_objects,
    round_to_micros,
)
from f1_lakehouse.lib.openf1.replay.errors import QueryTimedOut, ReplayDataError, ResultTooLarge
from f1_lakehouse.lib.openf1.replay.filters import Filter, row_matches, select_rows, table_mask
from f1_lakehouse.lib.settings import BUNDLED_DATA

DEFAULT_DATA = BUNDLED_DATA / "replay" / "openf1"
_SESSION_DIR_RE = re.compile(r".*_(?P<session_key>\d+)")
_DRIVER_FILE_RE = re.compile(r"driver_number=(?P<driver>\d+)\.(?:json\.gz|parquet)")


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
        self.clock = clock
        root = Path(root)
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
                pieces.append(joined_rows(part))
            return sum(len(p) for p in parts), [*pieces, b"]"]
        rows = [row for row in self._json_rows(endpoint) if row_matches(row, filters)]
        if self.clock is not None:
            rows = self._released(endpoint, rows, filters)
        if len(rows) > self.max_rows:
            raise ResultTooLarge(f"{len(rows)} rows")
        return len(rows), [dumps(rows)]

    def _released(
        self, endpoint: str, rows: list[dict[str, Any]], filters: Sequence[Filter]
    ) -> list[dict[str, Any]]:
        """Replay at pace: what OpenF1 had published by the simulated clock's now."""
        assert self.clock is not None
        laps = self._session_rows("laps", filters) if endpoint == "stints" else ()
        return release(endpoint, rows, self.clock.now(), self._session_end(filters), laps)

    def _session_rows(self, endpoint: str, filters: Sequence[Filter]) -> list[dict[str, Any]]:
        keys = [f for f in filters if f[0] == "session_key"]
        return [row for row in self._json_rows(endpoint) if row_matches(row, keys)]

    def _session_end(self, filters: Sequence[Filter]) -> datetime | None:
        ends = [instant(s.get("date_end")) for s in self._session_rows("sessions", filters)]
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
            part = select_rows(table["_json"], table_mask(table, filters))
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
            micros = round_to_micros(dates)
            index = table.column_names.index("date")
            table = table.set_column(index, "date", format_openf1_dates(micros))
            table = table.append_column("_ts", micros.cast(pa.int64()))
        else:
            repaired = 0
        table = table.replace_schema_metadata(None)
        table = table.append_column("_json", json_objects(table.drop_columns(["_ts"])))
        with self._lock:
            self.repaired_dates += repaired if path not in self._tables else 0
            self._tables[path] = table
            while len(self._tables) > self._cache_files:
                self._tables.popitem(last=False)
        return table


def _stem(path: Path) -> str:
    return path.name.removesuffix(".json.gz")


def _driver_order(path: Path) -> tuple[int, str]:
    match = _DRIVER_FILE_RE.fullmatch(path.name)
    return (int(match["driver"]) if match else 1 << 30, path.name)
