"""Benchmark: the marginal cost of adding session N+1 when the warehouse already holds N sessions
with telemetry (N = 1, 10, 50, 100), then the dashboard's gold query latency at the largest N.

History is built by REPLICATING the real recorded OpenF1 race 2024-18-R (car_data 726,675 and
location 741,694 rows) under distinct SYNTHETIC partition keys (seasons 2090+); row contents are
unchanged (the bronze files are hard links). Bronze for a synthetic key cannot be fetched (no
recording), so the measured step is silver → snapshots → gold for the new partition, via
`dagster asset materialize`, whole process.

    python bench/history_scaling.py [--sizes 1,10,50,100] [--runs 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from harness import (
    OPENF1_TO_GOLD,
    SILVER_TO_GOLD,
    Measurement,
    Root,
    machine,
    median_of,
    query_latency,
    report,
)

SOURCE_KEY = "2024-18-R"
SOURCE_HIVE = "season=2024/round=18/session=R"
P95_TARGET_MS = 100.0


def synthetic_key(index: int) -> str:
    """Distinct, valid, obviously synthetic keys: 2090-01-R, 2090-02-R, … 20 rounds a season."""
    return f"{2090 + index // 20}-{index % 20 + 1:02d}-R"


def replicate(root: Root, key: str) -> None:
    """Hard-link every OpenF1 bronze partition of the recorded race under `key`."""
    season, round_, code = key.split("-")
    hive = f"season={season}/round={round_}/session={code}"
    for source in (root.path / "bronze" / "openf1").glob(f"*/{SOURCE_HIVE}/data.parquet"):
        target = Path(str(source).replace(SOURCE_HIVE, hive))
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source, target)


def build_history(root: Root, keys: list[str]) -> None:
    """Land the synthetic sessions' silver (one single-run range) and gold once."""
    for key in keys:
        replicate(root, key)
    root.register(keys)
    started = time.perf_counter()
    # Silver has a single-run backfill policy: the whole range is one run; gold follows once.
    root.run(
        [*_dagster(), "--select", "group:silver", "--partition-range", f"{keys[0]}...{keys[-1]}"]
    )
    root.run([*_dagster(), "--select", "group:gold"])
    print(
        f"  (built {len(keys)} more sessions of history in {time.perf_counter() - started:.0f} s)",
        flush=True,
    )


def _dagster() -> list[str]:
    from harness import DAGSTER

    return list(DAGSTER)


def gold_query_latency(root: Root, repeats: int = 30) -> None:
    """p50/p95 of every dashboard query over the exported gold (what the page runs)."""
    os.environ.update({k: v for k, v in root.env.items() if k.startswith(("F1_", "DAGSTER"))})
    from f1_lakehouse.dashboard.export import export_gold
    from f1_lakehouse.dashboard.store import DashboardStore
    from f1_lakehouse.lib.settings import DataRoot

    data_root = DataRoot(root.path)
    export_gold(data_root)
    store = DashboardStore.open(data_root)
    assert store is not None, "no export"
    session = SOURCE_KEY
    season, round_ = 2024, 18
    drivers = store.speed_trace_drivers(session)
    pair = list(drivers.iloc[:2, 0]) if len(drivers) >= 2 else ["1", "4"]
    queries = {
        "kpis": lambda: store.kpis(session),
        "headline": lambda: store.headline(session),
        "top_laps": lambda: store.top_laps(session),
        "classification": lambda: store.classification(session),
        "team_summary": lambda: store.team_summary(season, round_),
        "lap_distribution": lambda: store.lap_distribution(session),
        "positions": lambda: store.positions(session),
        "stints": lambda: store.stints(session),
        "speed_trace": lambda: store.speed_trace(session, str(pair[0]), str(pair[1])),
    }
    query_latency("gold query", queries, repeats, P95_TARGET_MS)
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,10,50,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the data root for inspection")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    print(f"machine: {machine()}")
    print(
        f"history: real recorded race {SOURCE_KEY} replicated under synthetic keys "
        f"({synthetic_key(0)}, {synthetic_key(1)}, …); row contents unchanged"
    )
    with Root(keep=args.keep) as root:
        root.register([SOURCE_KEY])
        root.materialize(OPENF1_TO_GOLD, SOURCE_KEY)  # the real race: 1 session of history
        held, synthetic = 1, 0  # sessions in the warehouse; synthetic history keys used
        times: dict[int, Measurement] = {}
        for position, size in enumerate(sizes):
            if size > held:
                keys = [synthetic_key(i) for i in range(synthetic, synthetic + size - held)]
                build_history(root, keys)
                synthetic += len(keys)
                held = size
            new_key = f"2099-{position + 1:02d}-R"  # outside the history's keys
            replicate(root, new_key)
            root.register([new_key])
            # The first run adds the session; the re-runs replace it whole (the same work).
            result, samples = median_of(
                args.runs, lambda k=new_key: root.materialize(SILVER_TO_GOLD, k)
            )
            held += 1  # it stays: the next size counts it as history
            times[size] = result
            report(f"add session N+1 with telemetry, N = {size}", result, samples)
        if len(times) > 1:
            first, last = min(times), max(times)
            ratio = times[last].wall_s / times[first].wall_s
            print(f"t(N={last}) / t(N={first}) = {ratio:.2f}   target ≤ 1.3", flush=True)
        gold_query_latency(root)


if __name__ == "__main__":
    main()
