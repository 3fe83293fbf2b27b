"""Gold → open Parquet, one consistent generation at a time: for the dashboard, notebooks
(`f1_lakehouse.read`) and the read API (`f1_lakehouse.api`).

DuckDB allows one process per database file, readers included, so a reader that opened
`f1.duckdb` would block materialisations (and be blocked by them). Instead the export copies out
of the warehouse, into a new generation folder, every gold model the dbt exposures name (and,
with `F1_LAKEHOUSE_PUBLISH_SILVER=1`, every silver model) plus the dashboard's own datasets, then
swaps a pointer:

    warehouse/exports/
        CURRENT                    one line: the name of the live generation
        gen-20240922T140501Z-1a2b/ manifest.json              tables, schemas, rows, gold run
                                   gold/session_leaderboard.parquet ...   published models
                                   silver/silver_laps.parquet ...         (opt-in)
                                   driver_results.parquet laps.parquet   dashboard datasets

A generation is complete before `CURRENT` names it (the folder is renamed into place, the pointer
is written to a temporary file and `os.replace`d), so a reader sees either the old or the new
export, never a mix. Older generations are kept for a while (`F1_LAKEHOUSE_EXPORT_KEEP`) so a
reader that has just resolved the pointer can still open its files.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from f1_lakehouse.dashboard.datasets import EXPORTS, ExportDataset
from f1_lakehouse.lib.dbt.exposures import Model, load_manifest, published_models
from f1_lakehouse.lib.settings import DataRoot, export_keep_generations, publish_silver

POINTER = "CURRENT"
MANIFEST = "manifest.json"
GENERATION_PREFIX = "gen-"
# How old a superseded generation must be before it goes (a reader may have just resolved it).
PRUNE_AFTER_SECONDS = 300.0
# `f1-lakehouse export` exit code when a busy warehouse made it skip (sysexits' EX_TEMPFAIL:
# nothing is wrong, try again later), distinct from success (0) and failure (1).
EXIT_SKIPPED = 75


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
        """Rows per dashboard dataset."""
        return {name: info["rows"] for name, info in self.manifest["datasets"].items()}

    @property
    def tables(self) -> dict[str, dict]:
        """Published models by name: layer, file, rows, columns (name and DuckDB type)."""
        return self.manifest.get("tables", {})

    def table(self, name: str) -> Path:
        return self.path / self.tables[name]["file"]


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


def _tables_with_session_id(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_schema || '.' || table_name from information_schema.columns "
        "where column_name = 'session_id'"
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


def default_tables() -> tuple[Model, ...]:
    """The models the dbt exposures name (and silver, when the setting asks for it)."""
    return published_models(load_manifest(), publish_silver())


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[dict[str, str]]:
    described = con.execute("describe select * from read_parquet(?)", [str(path)]).fetchall()
    return [{"name": row[0], "type": row[1]} for row in described]


def _publish(
    con: duckdb.DuckDBPyConnection, tables: Sequence[Model], present: set[str], staging: Path
) -> tuple[dict[str, dict], list[str]]:
    """Copy each model that exists into `<layer>/<name>.parquet`; name the ones that do not.
    Rows are written in session order, so a reader's `session_id = ...` filter skips the other
    sessions' row groups (by their min/max statistics) instead of reading the whole file."""
    published: dict[str, dict] = {}
    missing: list[str] = []
    by_session = _tables_with_session_id(con)
    for model in tables:
        if model.relation not in present:
            missing.append(model.relation)
            continue
        file = Path(model.layer) / f"{model.name}.parquet"
        (staging / model.layer).mkdir(exist_ok=True)
        # Identifiers come from the dbt manifest and were just found in the warehouse catalog.
        order = " order by session_id" if model.relation in by_session else ""
        sql = f'select * from "{model.layer}"."{model.name}"{order}'
        rows = _copy(con, sql, staging / file)
        published[model.name] = {
            "layer": model.layer,
            "file": file.as_posix(),
            "rows": rows,
            "columns": _columns(con, staging / file),
        }
    return published, missing


def export_gold(
    root: DataRoot,
    datasets: tuple[ExportDataset, ...] = EXPORTS,
    wait_seconds: float = 0.0,
    tables: Sequence[Model] | None = None,
    gold_run_id: Callable[[], str | None] | None = None,
    keep_previous: int | None = None,
) -> Generation:
    """Publish the exposed models and the dashboard's datasets as a new generation and make it
    current. `gold_run_id` is asked while the warehouse is held, so the run it names is the one
    whose gold was copied; unknown stays null."""
    tables = default_tables() if tables is None else tables
    keep_previous = export_keep_generations() if keep_previous is None else keep_previous
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
            present = _existing_tables(con)
            manifest["gold_run_id"] = gold_run_id() if gold_run_id else None
            manifest["tables"], manifest["missing_tables"] = _publish(con, tables, present, staging)
            for dataset in datasets:
                missing = [table for table in dataset.requires if table not in present]
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
    _prune(base, keep=name, keep_previous=keep_previous)
    return Generation(final, manifest)


def _swap_pointer(base: Path, name: str) -> None:
    tmp = base / f".{POINTER}.{uuid.uuid4().hex[:6]}"
    with open(tmp, "w") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, base / POINTER)


def _prune(base: Path, keep: str, keep_previous: int) -> None:
    """Drop superseded generations beyond the newest `keep_previous` once they are old enough,
    and staging folders a crashed export left behind."""
    now = time.time()
    generations = sorted(
        (p for p in base.iterdir() if p.is_dir() and p.name.startswith(GENERATION_PREFIX)),
        key=lambda p: p.name,
        reverse=True,
    )
    superseded = [p for p in generations if p.name != keep][keep_previous:]
    stale_staging = [p for p in base.iterdir() if p.name.startswith(".tmp-")]
    for path in [*superseded, *stale_staging]:
        if now - path.stat().st_mtime > PRUNE_AFTER_SECONDS:
            shutil.rmtree(path, ignore_errors=True)


def export_cli(
    root: DataRoot, wait_seconds: float = 0.0, gold_run_id: Callable[[], str | None] | None = None
) -> int:
    """`f1-lakehouse export`: a busy warehouse is no failure (the previous export stays live)
    but no success either: it exits `EXIT_SKIPPED`, so scripts can tell."""
    try:
        generation = export_gold(root, wait_seconds=wait_seconds, gold_run_id=gold_run_id)
    except WarehouseBusy as exc:
        print(f"f1-lakehouse export: skipped: {exc}", file=sys.stderr)
        return EXIT_SKIPPED
    except (ExportError, FileNotFoundError) as exc:
        print(f"f1-lakehouse export: {exc}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{name} {count}" for name, count in generation.rows.items())
    print(
        f"f1-lakehouse export: {generation.path} ({len(generation.tables)} tables published; "
        f"dashboard: {rows})"
    )
    return 0
