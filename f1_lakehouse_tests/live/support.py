"""Helpers of the live tests: the recorded race's moments and what the partition holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from f1_lakehouse.lib.live.batches import batches, read_batches
from f1_lakehouse.lib.live.endpoints import STREAMED
from f1_lakehouse.lib.openf1.schemas import bronze_schema
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse_tests.openf1.support import PARTITION, bronze_file

KEY = SessionKey.parse(PARTITION)
START = datetime(2024, 9, 22, 12, 0, tzinfo=UTC)  # lights out at 20:00 local (OpenF1 sessions)
END = datetime(2024, 9, 22, 14, 0, tzinfo=UTC)
AFTER_THE_END = END + timedelta(minutes=30)


def batch_table(root: Path, endpoint: str) -> pa.Table:
    return pq.read_table(bronze_file(root, endpoint)).cast(bronze_schema(endpoint))


def live_rows(root: Path, endpoint: str) -> pa.Table:
    """What the live partition holds now: micro-batches, or the replaced file."""
    if endpoint in STREAMED:
        return read_batches(
            batches(root / "bronze", "openf1", endpoint, KEY), bronze_schema(endpoint)
        )
    return batch_table(root, endpoint)


def recorded_before(batch: pa.Table, moment: datetime) -> pa.Table:
    """The recording's rows stamped before `moment`: what a live poll up to then must hold."""
    return batch.filter(pc.fill_null(pc.less(batch["date"], pa.scalar(moment)), False))
