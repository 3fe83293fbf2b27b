"""The one bronze writer: hive-partitioned Parquet per session, written atomically, replaced whole.

Every source (FastF1, OpenF1) lands through here so that layout, atomicity and overwrite
semantics are identical: `bronze/<source>/<table>/season=YYYY/round=RR/session=CODE/data.parquet`.
A partition is one file, replaced with `os.replace`, so a reader sees the old file or the new
one, never a half-written or doubled partition, and a failed write leaves the old file untouched.
The temp file is fsynced before the rename and the folder after it, so a power cut keeps either
the old bytes or the new ones; temp files a killed writer left behind go at the next write.
While a session is followed live its partition also holds micro-batches, one atomic file per
poll; the whole-partition write that compacts them removes them.
"""

from __future__ import annotations

import fcntl
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
import pyarrow.parquet as pq

from f1_lakehouse.lib.local_faults import local_fault
from f1_lakehouse.lib.session_keys import SeasonKey, SessionKey

DATA_FILE = "data.parquet"
# A live session's micro-batches (f1_lakehouse.lib.live) sit beside `data.parquet` until the
# session is compacted; a whole-partition write supersedes them, so it removes them.
LIVE_BATCH_PREFIX = "live-"
LIVE_BATCH_GLOB = f"{LIVE_BATCH_PREFIX}*.parquet"
_TMP_GLOB = ".*.parquet.*.tmp"
_FILE_RE = re.compile(rf"{re.escape(DATA_FILE)}|{LIVE_BATCH_PREFIX}[0-9]{{6}}\.parquet")
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
    bronze_root: Path,
    source: str,
    table: str,
    key: PartitionKey,
    schema: pa.Schema,
    *,
    file_name: str = DATA_FILE,
) -> Iterator[BronzeStream]:
    """Stream batches into a partition; it replaces the old partition only if the block succeeds.

    Batches are written as they come (row groups), so memory stays flat for telemetry. With
    `file_name` a live micro-batch is written instead, beside the partition's data file.
    """
    if not _FILE_RE.fullmatch(file_name):
        raise ValueError(f"bronze file name {file_name!r} must match {_FILE_RE.pattern}")
    folder = partition_dir(bronze_root, source, table, key)
    target = folder / file_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(folder)
        tmp = folder / f".{file_name}.{uuid.uuid4().hex}.tmp"
        # Held (locked) while this write lives: a later write tells a live one from a dead one.
        owner = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        _raise_local(exc, target)
    sink = None
    try:
        fcntl.flock(owner, fcntl.LOCK_EX)
        # Our own sink, closed below even when the writer's close fails (a full disk): a
        # leaked descriptor would keep the volume busy.
        sink = pa.OSFile(str(tmp), "wb")
        with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
            stream = BronzeStream(writer)
            yield stream
        sink.close()
        os.fsync(owner)  # the bytes on disk before the rename makes them the partition
        os.replace(tmp, target)
        if file_name == DATA_FILE:
            for batch in folder.glob(LIVE_BATCH_GLOB):
                batch.unlink(missing_ok=True)
    except OSError as exc:
        _raise_local(exc, target)
    finally:
        if sink is not None:
            with suppress(OSError):
                sink.close()
        os.close(owner)
        with suppress(OSError):  # a disk gone read-only: the next write removes it
            tmp.unlink(missing_ok=True)
    _fsync_dir(folder)


def _raise_local(exc: OSError, target: Path) -> NoReturn:
    """A disk fault as a LocalFault naming the partition (pyarrow's write errors name no
    file); the old partition is intact. Anything else as it was."""
    fault = local_fault(exc, target)
    if fault is None:
        raise exc
    raise fault from exc


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Remove temp files of writes that died (SIGKILL, power cut); a live write keeps its own.

    A writer holds a lock on its temp file for as long as it runs and the kernel drops the
    lock with the process, so a temp file whose lock can be taken has no writer left.
    """
    removed = []
    for stale in sorted(folder.glob(_TMP_GLOB)):
        try:
            fd = os.open(stale, os.O_RDONLY)
        except FileNotFoundError:
            continue  # its writer just finished
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live write
        else:
            stale.unlink(missing_ok=True)
            removed.append(stale)
        finally:
            os.close(fd)
    return removed


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
