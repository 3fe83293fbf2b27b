"""Shared fixtures: temporary data roots, and one replayed pipeline run reused by many tests."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.defs_state.base import set_defs_state_storage

from f1_lakehouse.defs.dbt.assets import gold_dbt_models, silver_dbt_models
from f1_lakehouse.defs.fastf1.assets import fastf1_session_tables
from f1_lakehouse.defs.openf1.assets import build_openf1_assets
from f1_lakehouse.lib.dbt.in_process import InProcessDbt
from f1_lakehouse.lib.openf1.resource import OpenF1Resource
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.root_setup import init_root
from f1_lakehouse.lib.settings import DataRoot

# Recorded FastF1 sessions the end-to-end fixture lands bronze → gold.
PIPELINE_SESSIONS = (
    "2018-04-R",
    "2023-04-Q",
    "2023-04-SQ",
    "2023-04-S",
    "2025-06-S",
    "2023-01-R",
    "2021-14-FP2",
)
# Every other recorded session with official results or qualifying times (checked against the
# Ergast export in f1_lakehouse_tests/dbt): FastF1 loads results without TimingData.
RESULT_SESSIONS = (
    "2020-07-R",
    "2020-08-R",
    "2020-12-R",
    "2021-10-R",
    "2021-21-R",
    "2022-01-R",
    "2022-02-Q",
    "2022-02-R",
    "2023-05-R",
    "2024-05-SQ",
    "2024-10-Q",
    "2025-01-R",
    "2025-04-R",
    "2025-12-R",
)
# The one session recorded by OpenF1 only (laps, stints, pits, positions, weather, telemetry).
OPENF1_SESSIONS = ("2024-18-R",)
WAREHOUSE = (silver_dbt_models, gold_dbt_models)  # gold runs the snapshots first
FASTF1_PIPELINE = (fastf1_session_tables, *WAREHOUSE)

os.environ.setdefault("F1_LAKEHOUSE_SOURCE", "replay")
os.environ.setdefault("DO_NOT_TRACK", "1")


def make_root(path: Path) -> DataRoot:
    root = DataRoot(path)
    init_root(root, require_mount=False)
    return root


def materialize_fastf1(
    root: Path, key: str, raise_on_error: bool = True
) -> dg.ExecuteInProcessResult:
    """The real FastF1 asset (retry policy included) for one session, in a temporary instance."""
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [key])
        return dg.materialize(
            [fastf1_session_tables],
            partition_key=key,
            instance=instance,
            resources={"data_root": DataRootResource(path=str(root))},
            raise_on_error=raise_on_error,
        )


@pytest.fixture
def data_root(tmp_path: Path) -> DataRoot:
    """A fresh, initialised data root for one test."""
    return make_root(tmp_path / "root")


@dataclass
class Pipeline:
    """A data root plus the Dagster instance its runs were recorded in."""

    root: DataRoot
    instance: dg.DagsterInstance
    results: dict[str, dg.ExecuteInProcessResult] = field(default_factory=dict)

    def bronze_metadata(self, key: str, table: str) -> dict[str, object]:
        """Metadata of the bronze FastF1 materialisation of one table in the first run of `key`."""
        events = self.results[key].asset_materializations_for_node("fastf1_session_tables")
        event = next(e for e in events if e.asset_key.path[-1] == table)
        return {name: value.value for name, value in event.metadata.items()}

    def resources(self) -> dict[str, object]:
        return {
            "data_root": DataRootResource(path=str(self.root.path)),
            "dbt": InProcessDbt(),
            "openf1": OpenF1Resource(),
        }

    def materialize(
        self, key: str, assets: Sequence[dg.AssetsDefinition] = FASTF1_PIPELINE
    ) -> dg.ExecuteInProcessResult:
        self.instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [key])
        with self._live_defs_state():
            return dg.materialize(
                list(assets), partition_key=key, instance=self.instance, resources=self.resources()
            )

    def _live_defs_state(self) -> AbstractContextManager[None]:
        """Dagster resolves definitions against a "current" defs-state storage held in a context
        variable; an instance entered and never exited elsewhere in the suite can leave it on a
        disposed instance, and every load then fails. Point it at this pipeline's instance."""
        return set_defs_state_storage(self.instance.defs_state_storage)

    def materialize_range(
        self, keys: Sequence[str], assets: Sequence[dg.AssetsDefinition] = WAREHOUSE
    ) -> dg.ExecuteInProcessResult:
        """One run over several partitions, as a single-run backfill does (one dbt call)."""
        self.instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, list(keys))
        tags = {
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        }
        with self._live_defs_state():
            return dg.materialize(
                list(assets), instance=self.instance, resources=self.resources(), tags=tags
            )

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple]:
        """Read the warehouse and let go of it at once (one writer per DuckDB file)."""
        with duckdb.connect(str(self.root.warehouse_file), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    def counts(self) -> dict[str, int]:
        """Row counts of every silver and gold table and every bronze partition file."""
        tables = self.query(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('silver', 'gold') order by 1"
        )
        result = {name: self.query(f"select count(*) from {name}")[0][0] for (name,) in tables}
        with duckdb.connect() as con:
            for path in sorted(self.root.bronze.rglob("*.parquet")):
                rel = str(path.relative_to(self.root.bronze))
                result[rel] = con.execute(
                    "select count(*) from read_parquet(?)", [str(path)]
                ).fetchone()[0]
        return result


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The recorded sessions materialised bronze → silver → gold once, in replay mode.

    Bronze lands per session (FastF1, and OpenF1 for 2024-18-R); silver then runs once over
    every session as a single-run backfill, and gold (snapshots first) once: one dbt call per
    layer instead of one per session keeps the fixture to about two minutes.
    """
    base = tmp_path_factory.mktemp("pipeline")
    (base / "dagster_home").mkdir()
    with dg.instance_for_test(temp_dir=str(base / "dagster_home")) as instance:
        run = Pipeline(make_root(base / "root"), instance)
        for key in PIPELINE_SESSIONS + RESULT_SESSIONS:
            run.results[key] = run.materialize(key, [fastf1_session_tables])
            assert run.results[key].success, key
        for key in OPENF1_SESSIONS:
            run.results[key] = run.materialize(key, build_openf1_assets(retry_policy=None))
            assert run.results[key].success, key
        keys = PIPELINE_SESSIONS + RESULT_SESSIONS + OPENF1_SESSIONS
        warehouse = run.materialize_range(keys)
        assert warehouse.success
        run.results["warehouse"] = warehouse
        yield run


@pytest.fixture(autouse=True)
def _isolated_defs_state() -> Iterator[None]:
    """Each test starts with no "current" Dagster defs-state storage and leaves none behind: an
    instance a test enters without exiting (seen after the automation schedule tests) would
    otherwise leave a disposed instance there, and every later definitions load fails."""
    with set_defs_state_storage(None):
        yield
