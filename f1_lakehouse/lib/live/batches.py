"""Live micro-batches of one bronze partition, and the cursor they carry.

A batch is one atomic Parquet file written by the bronze writer beside the partition's data
file. The upper edge of the window it answers is stored in the file's own schema metadata: a
poll that dies before its batch is renamed into place leaves no batch and no cursor, one that
dies after leaves both, so the next poll never asks for a window twice nor skips one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from f1_lakehouse.lib.bronze import (
    LIVE_BATCH_GLOB,
    LIVE_BATCH_PREFIX,
    PartitionKey,
    open_partition,
    partition_dir,
)

UNTIL_KEY = b"f1_lakehouse.live.until"
# The last window of a session is open above: everything after the cursor.
OPEN_ABOVE = "end"


class LiveBatchError(RuntimeError):
    """A micro-batch on disk cannot be read as one (names the file)."""


@dataclass(frozen=True)
class Batch:
    """One micro-batch on disk: its sequence number and the window edge it was fetched up to
    (None: the session's last, open-ended window)."""

    path: Path
    sequence: int
    until: datetime | None


def batches(bronze_root: Path, source: str, table: str, key: PartitionKey) -> list[Batch]:
    """The partition's micro-batches, oldest first."""
    folder = partition_dir(bronze_root, source, table, key)
    found = []
    for path in sorted(folder.glob(LIVE_BATCH_GLOB)):
        sequence = int(path.stem.removeprefix(LIVE_BATCH_PREFIX))
        found.append(Batch(path, sequence, _until(path)))
    return found


def cursor(bronze_root: Path, source: str, table: str, key: PartitionKey) -> Batch | None:
    """The newest micro-batch (its `until` is where the next window starts), if any."""
    found = batches(bronze_root, source, table, key)
    return found[-1] if found else None


def write_batch(
    bronze_root: Path,
    source: str,
    table: str,
    key: PartitionKey,
    data: pa.Table,
    until: datetime | None,
) -> Batch:
    """Land one window's rows as the next micro-batch, its cursor inside the file."""
    newest = cursor(bronze_root, source, table, key)
    sequence = newest.sequence + 1 if newest else 1
    edge = OPEN_ABOVE if until is None else until.astimezone(UTC).isoformat()
    metadata = {**(data.schema.metadata or {}), UNTIL_KEY: edge.encode()}
    data = data.replace_schema_metadata(metadata)
    name = f"{LIVE_BATCH_PREFIX}{sequence:06d}.parquet"
    with open_partition(bronze_root, source, table, key, data.schema, file_name=name) as stream:
        stream.write(data)
    return Batch(partition_dir(bronze_root, source, table, key) / name, sequence, until)


def read_batches(found: list[Batch], schema: pa.Schema) -> pa.Table:
    """The rows of micro-batches, in the order they landed, on the bronze schema."""
    tables = [pq.ParquetFile(b.path).read().replace_schema_metadata(None) for b in found]
    if not tables:
        return schema.empty_table()
    return pa.concat_tables(tables).cast(schema)


def _until(path: Path) -> datetime | None:
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowInvalid) as exc:
        raise LiveBatchError(f"live micro-batch {path} is unreadable: {exc}") from exc
    raw = metadata.get(UNTIL_KEY)
    if raw is None:
        raise LiveBatchError(f"live micro-batch {path} carries no cursor ({UNTIL_KEY.decode()})")
    text = raw.decode()
    return None if text == OPEN_ABOVE else datetime.fromisoformat(text)
