"""The dashboard's data over the shared replayed pipeline: one export, reused."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from f1_lakehouse.dashboard.export import Generation, export_gold
from f1_lakehouse.dashboard.store import DashboardStore
from f1_lakehouse.lib.settings import DataRoot

# Holds the warehouse the way a running materialisation does: a read-write connection with an
# open transaction in another process, which takes DuckDB's file lock.
LOCK_HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("begin transaction")
con.execute("select count(*) from information_schema.tables").fetchall()
print("locked", flush=True)
sys.stdin.readline()
"""


@contextlib.contextmanager
def hold_warehouse(root: DataRoot) -> Iterator[None]:
    """The warehouse write-locked by another process for the duration of the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(root.warehouse_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.fixture(scope="session")
def exported(pipeline) -> Generation:
    """The recorded sessions' gold, exported once for the dashboard."""
    return export_gold(pipeline.root)


@pytest.fixture(scope="session")
def store(exported: Generation) -> Iterator[DashboardStore]:
    opened = DashboardStore.load(exported.path)
    yield opened
    opened.close()
