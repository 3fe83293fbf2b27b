"""Which engine a dbt target builds on, and what follows from that for Dagster: dbt's
`--target` argument, the per-target parse state, the concurrency pool, the asset kinds.

Pure functions (no dbt, no Spark) so they are tested on their own. The targets are the outputs
of dbt_project/profiles.yml (f1_lakehouse_tests/dbt/test_engine.py keeps the two equal).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Engine = Literal["duckdb", "spark", "databricks"]

DEFAULT_TARGET = "dev"
TARGET_ENGINES: dict[str, Engine] = {
    "dev": "duckdb",
    "stage": "duckdb",
    "prod": "duckdb",
    "spark": "spark",
    "databricks": "databricks",
    "databricks_stage": "databricks",
    "databricks_prod": "databricks",
}
# One pool per engine, each admitting one writer at a time (dagster.yaml: default_limit 1).
# DuckDB: one writer per warehouse file. Spark (local): dbt-spark runs one thread, and its
# embedded Derby metastore admits one process at a time. Databricks: a cluster takes
# concurrent writers, but a Delta table's concurrent overwrites conflict; one at a time too.
ENGINE_POOLS: dict[Engine, str] = {"duckdb": "duckdb", "spark": "spark", "databricks": "databricks"}


class UnknownTargetError(ValueError):
    """The dbt target is not one of the profile's outputs."""


def resolve_target(raw: str) -> str:
    """The target to build on: `raw` (F1_LAKEHOUSE_DBT_TARGET), "" meaning the default (dev).

    Validated before it names a folder or reaches dbt."""
    target = raw.strip() or DEFAULT_TARGET
    if target not in TARGET_ENGINES:
        raise UnknownTargetError(
            f"F1_LAKEHOUSE_DBT_TARGET={raw!r} is not a dbt target of dbt_project/profiles.yml; "
            f"use one of {', '.join(TARGET_ENGINES)}"
        )
    return target


def engine_of(target: str) -> Engine:
    """The engine a (resolved) target builds on."""
    return TARGET_ENGINES[resolve_target(target)]


def target_args(target: str) -> list[str]:
    """dbt's `--target` for the target: explicit, so dbt never falls back on the environment."""
    return ["--target", resolve_target(target)]


def parse_state_dir(cache: Path, target: str) -> Path:
    """Where dbt's parse state for one target lives, under the root's dbt cache.

    Parse-time config depends on the target (`incremental_strategy` reads `target.type`), and
    dbt re-parses everything when the profile changes: one state per target, so a Spark run
    neither reuses DuckDB's parse nor overwrites it."""
    return cache / resolve_target(target)


def engine_pool(target: str) -> str:
    """The Dagster pool the target's dbt steps (and its warehouse readers) queue in."""
    return ENGINE_POOLS[engine_of(target)]


def engine_kinds(target: str) -> set[str]:
    """The kinds Dagster shows on the dbt assets: the engine they are built on."""
    return {engine_of(target)}


def reads_duckdb_warehouse(target: str) -> bool:
    """Whether the lakehouse's DuckDB file holds what this target builds: the Python around dbt
    that queries it (write-audit-publish, row counts, the reconciliation check, the export)
    only runs then; on another engine it would read stale or missing tables."""
    return engine_of(target) == "duckdb"
