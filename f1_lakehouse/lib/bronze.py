"""The one bronze writer: hive-partitioned Parquet per session, written atomically, replaced whole.

Every source (FastF1, OpenF1) lands through here so that layout, atomicity and overwrite
semantics are identical: `bronze/<source>/<table>/season=YYYY/round=RR/session=CODE/data.parquet`.
A partition is one file, replaced with `os.replace`, so a reader sees the old file or the new
one, never a half-written or doubled partition, and a failed write leaves the old file untouched.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from f1_lakehouse.lib.session_keys import SeasonKey, SessionKey

DATA_FILE = "data.parquet"
_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
PartitionKey = SessionKey | SeasonKey


@dataclass(frozen=True)
class BronzeWrite:
    """What a bronze write produced, for asset metadata."""

    path: Path
    row_count: int


def partition_dir(bronze_root: Path, source: str, table: str, key: PartitionKey) -> Path:
    """The folder of one session's partition of one bronze table."""
    for label, name in (("source", source), ("table", table)):
        if not _NAME_RE.fullmatch(name):
            raise ValueError(f"bronze {label} name {name!r} must match {_NAME_RE.pattern}")
    return bronze_root / source / table / key.hive_path


class BronzeStream:
    """Appends record batches to the temporary file of one partition write."""

    def __init__(self, writer: pq.ParquetWriter) -> None:
        self._writer = writer
        self.row_count = 0

    def write(self, data: pa.Table | pa.RecordBatch) -> None:
        if data.num_rows:
            if isinstance(data, pa.Table):
                self._writer.write_table(data)
            else:
                self._writer.write_batch(data)
            self.row_count += data.num_rows


@contextmanager
def open_partition(
    bronze_root: Path, source: str, table: str, key: PartitionKey, schema: pa.Schema
) -> Iterator[BronzeStream]:
    """Stream batches into a partition; it replaces the old partition only if the block succeeds.

    Batches are written as they come (row groups), so memory stays flat for telemetry.
    """
    folder = partition_dir(bronze_root, source, table, key)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{DATA_FILE}.{uuid.uuid4().hex}.tmp"
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            stream = BronzeStream(writer)
            yield stream
        os.replace(tmp, folder / DATA_FILE)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(folder)


def write_partition(
    bronze_root: Path, source: str, table: str, key: PartitionKey, data: pa.Table
) -> BronzeWrite:
    """Replace one session's partition of a bronze table with `data` (an empty table is kept)."""
    with open_partition(bronze_root, source, table, key, data.schema) as stream:
        stream.write(data)
    return BronzeWrite(partition_dir(bronze_root, source, table, key) / DATA_FILE, data.num_rows)


def read_partition(bronze_root: Path, source: str, table: str, key: PartitionKey) -> pa.Table:
    """Read back one partition (tests, checks)."""
    return pq.read_table(partition_dir(bronze_root, source, table, key) / DATA_FILE)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable: an external SSD can be unplugged right after a run."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
