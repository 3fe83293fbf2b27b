"""Gold → Parquet for the dashboard, one consistent generation at a time.

DuckDB allows one process per database file, readers included, so a dashboard that opened
`f1.duckdb` would block materialisations (and be blocked by them). Instead the export copies the
dashboard's datasets out of the warehouse into a new generation folder, then swaps a pointer:

    warehouse/exports/
        CURRENT                    one line: the name of the live generation
        gen-20240922T140501Z-1a2b/ driver_results.parquet laps.parquet ... manifest.json

A generation is complete before `CURRENT` names it (the folder is renamed into place, the pointer
is written to a temporary file and `os.replace`d), so a reader sees either the old or the new
export, never a mix. Older generations are kept for a while so a reader that has just resolved
the pointer can still open its files.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from f1_lakehouse.dashboard.queries import EXPORTS, ExportDataset
from f1_lakehouse.lib.settings import DataRoot

POINTER = "CURRENT"
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"
# Generations kept besides the live one, and how old a superseded one must be before it goes.
KEEP_PREVIOUS = 2
PRUNE_AFTER_SECONDS = 300.0


class ExportError(RuntimeError):
    """The export could not be written (no warehouse, warehouse busy, disk trouble)."""


class WarehouseBusy(ExportError):
    """Another process holds the warehouse (a materialisation is writing it)."""


@dataclass(frozen=True)
class Generation:
    """One complete export: its folder and manifest."""

    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.path.name

    def dataset(self, name: str) -> Path:
        return self.path / f"{name}.parquet"

    @property
    def rows(self) -> dict[str, int]:
        return {name: info["rows"] for name, info in self.manifest["datasets"].items()}


def exports_dir(root: DataRoot) -> Path:
    return root.warehouse / "exports"


def current_generation(root: DataRoot) -> Generation | None:
    """The live generation, or None when nothing has been exported yet."""
    base = exports_dir(root)
    try:
        name = (base / POINTER).read_text().strip()
        manifest = json.loads((base / name / MANIFEST).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
    return Generation(base / name, manifest)


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables"
    ).fetchall()
    return {name for (name,) in rows}


def _copy(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> int:
    quoted = "'" + str(target).replace("'", "''") + "'"  # COPY takes no bound file name
    con.execute(f"copy ({sql}) to {quoted} (format parquet, compression zstd)")
    return con.execute("select count(*) from read_parquet(?)", [str(target)]).fetchone()[0]


def _connect_read_only(warehouse: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(warehouse), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise ExportError(f"cannot open the warehouse {warehouse}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {warehouse} is held by another process (a materialisation "
                    "is writing it); the dashboard keeps showing the previous export"
                ) from exc
            time.sleep(0.5)


def export_gold(
    root: DataRoot,
    datasets: tuple[ExportDataset, ...] = EXPORTS,
    wait_seconds: float = 0.0,
) -> Generation:
    """Export every dataset from the warehouse as a new generation and make it current."""
    warehouse = root.warehouse_file
    if not warehouse.exists():
        raise ExportError(f"no warehouse at {warehouse} yet: materialise a session first")
    base = exports_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC)
    name = f"{GENERATION_PREFIX}{stamp:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:6]}"
    staging = base / f".tmp-{name}"
    staging.mkdir()
    try:
        manifest: dict = {"generation": name, "exported_at": stamp.isoformat(), "datasets": {}}
        with _connect_read_only(warehouse, wait_seconds) as con:
            tables = _existing_tables(con)
            for dataset in datasets:
                missing = [table for table in dataset.requires if table not in tables]
                sql = dataset.empty_sql if missing else dataset.sql
                rows = _copy(con, sql, staging / f"{dataset.name}.parquet")
                manifest["datasets"][dataset.name] = {"rows": rows, "missing_tables": missing}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2))
        final = base / name
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_pointer(base, name)
    _prune(base, keep=name)
    return Generation(final, manifest)


def _swap_pointer(base: Path, name: str) -> None:
    tmp = base / f".{POINTER}.{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, base / POINTER)


def _prune(base: Path, keep: str) -> None:
    """Drop superseded generations beyond the newest few once they are old enough, and staging
    folders a crashed export left behind."""
    now = time.time()
    generations = sorted(
        (p for p in base.iterdir() if p.is_dir() and p.name.startswith(GENERATION_PREFIX)),
        key=lambda p: p.name,
        reverse=True,
    )
    superseded = [p for p in generations if p.name != keep][KEEP_PREVIOUS:]
    stale_staging = [p for p in base.iterdir() if p.name.startswith(".tmp-")]
    for path in [*superseded, *stale_staging]:
        if now - path.stat().st_mtime > PRUNE_AFTER_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def export_cli(root: DataRoot, wait_seconds: float = 0.0) -> int:
    """`f1-lakehouse export`: a busy warehouse is not an error (the previous export stays live)."""
    try:
        generation = export_gold(root, wait_seconds=wait_seconds)
    except WarehouseBusy as exc:
        print(f"f1-lakehouse export: skipped: {exc}")
        return 0
    except ExportError as exc:
        print(f"f1-lakehouse export: {exc}")
        return 1
    rows = ", ".join(f"{name} {count}" for name, count in generation.rows.items())
    print(f"f1-lakehouse export: {generation.path} ({rows})")
    return 0
