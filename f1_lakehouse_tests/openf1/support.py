"""Helpers shared by the OpenF1 tests: recorded counts, fault plans, materialize, a virtual clock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
from dagster._core.storage.defs_state.base import set_defs_state_storage

from f1_lakehouse.defs.openf1.assets import build_openf1_assets
from f1_lakehouse.lib.openf1.replay import FaultPlan
from f1_lakehouse.lib.openf1.resource import OpenF1Resource
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.root_setup import init_root, read_marker
from f1_lakehouse.lib.settings import DataRoot

PARTITION = "2024-18-R"
# The recorded counts of the 2024 Singapore GP race (session 9606), PROVENANCE.md section 3.
RECORDED_COUNTS = {
    "drivers": 20,
    "laps": 1179,
    "stints": 43,
    "pit": 23,
    "position": 396,
    "overtakes": 216,
    "weather": 160,
    "car_data": 726_675,
    "location": 741_694,
    "meetings": 1,
    "sessions": 1,
}
NOT_RECORDED = (
    "intervals",
    "race_control",
    "session_result",
    "starting_grid",
    "team_radio",
    "championship_drivers",
    "championship_teams",
)
# A fixed share of requests fails with every kind of fault; the server never fails one URL
# more than twice in a row, the client tries 4 times.
FAULTS = FaultPlan(
    fail_rate=0.25,
    kinds=("429", "500", "502", "503", "truncate", "short", "drop"),
    seed=18,
    retry_after=0.01,
    burst=2,
    max_consecutive=2,
)


def fast_resource(base_url: str, **overrides: object) -> OpenF1Resource:
    """A resource with millisecond backoffs so fault tests are quick."""
    config: dict[str, object] = {
        "base_url": base_url,
        "max_attempts": 4,
        "backoff_base_seconds": 0.001,
        "backoff_max_seconds": 0.01,
        "max_retry_after_seconds": 0.05,
        "timeout_seconds": 10.0,
    }
    config.update(overrides)
    return OpenF1Resource(**config)  # type: ignore[arg-type]


def materialize(
    root: Path,
    openf1: OpenF1Resource,
    selection: list[str] | None = None,
    partition: str = PARTITION,
) -> dg.ExecuteInProcessResult:
    """Materialize OpenF1 assets for one partition (without Dagster-level retry delays), in a
    root initialised first (runs refuse a root `init` never prepared)."""
    if read_marker(DataRoot(root)) is None:
        init_root(DataRoot(root), require_mount=False)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("sessions", [partition])
    assets = build_openf1_assets(retry_policy=None)
    # Resolve definitions against this instance's defs-state storage, not whatever an earlier
    # test module left "current" (module fixtures run before the per-test isolation fixture).
    with set_defs_state_storage(instance.defs_state_storage):
        return dg.materialize(
            assets,
            partition_key=partition,
            instance=instance,
            resources={"openf1": openf1, "data_root": DataRootResource(path=str(root))},
            selection=[dg.AssetKey(["bronze", "openf1", e]) for e in selection]
            if selection
            else None,
            raise_on_error=False,
        )


def bronze_file(root: Path, endpoint: str, partition: str = PARTITION) -> Path:
    season, round_, code = partition.split("-")
    return (
        root
        / "bronze"
        / "openf1"
        / endpoint
        / f"season={season}"
        / f"round={round_}"
        / f"session={code}"
        / "data.parquet"
    )


def bronze_counts(root: Path) -> dict[str, int]:
    return {
        e: pq.ParquetFile(bronze_file(root, e)).metadata.num_rows
        for e in ENDPOINTS
        if bronze_file(root, e).exists()
    }


def materialization_metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    out = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        out[mat.asset_key.path[-1]] = {k: v.value for k, v in mat.metadata.items()}
    return out


@dataclass
class Runs:
    root: Path
    results: list[dg.ExecuteInProcessResult]
    counts: list[dict[str, int]]
    fault_injected: dict[str, int]


class VirtualTime:
    """A clock that only moves when someone sleeps: rate limits and backoffs without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
