"""Benchmark (dbt only): the marginal cost of adding one telemetry session — silver for its key,
then the gold step — when the warehouse already holds N telemetry sessions (N = 1 and 100).

History replicates the real recorded OpenF1 race 2024-18-R (726,675 car_data and 741,694
location rows) under synthetic keys (2090-01-R, 2090-02-R, …) by hard-linking its bronze files;
row contents are unchanged and the session id comes from the hive path. Bronze for 2024-18-R is
landed once through Dagster (replay mode); everything after that is plain `dbt build` with the
selections and arguments the Dagster steps use, timed as whole processes.

    python bench/dbt_scaling.py [--sizes 1,100] [--runs 3] [--project-dir DIR] [--root DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from harness import BIN, Root, machine

from f1_lakehouse.lib.dbt.args import build_args
from f1_lakehouse.lib.dbt.selection import GOLD_SELECT, SILVER_SELECT

SOURCE_KEY = "2024-18-R"
SOURCE_HIVE = "season=2024/round=18/session=R"
DEFAULT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def synthetic_key(index: int) -> str:
    """History keys: 2090-01-R … 2090-20-R, 2091-01-R, … (20 rounds a season)."""
    return f"{2090 + index // 20}-{index % 20 + 1:02d}-R"


def new_key(index: int) -> str:
    """The measured sessions, outside the history's keys."""
    return f"2099-{index + 1:02d}-R"


def replicate(root: Path, key: str) -> None:
    """Hard-link every OpenF1 bronze file of the recorded race under `key`."""
    season, round_, code = key.split("-")
    hive = f"season={season}/round={round_}/session={code}"
    for source in (root / "bronze" / "openf1").glob(f"*/{SOURCE_HIVE}/*.parquet"):
        target = Path(str(source).replace(SOURCE_HIVE, hive))
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(source, target)


class Dbt:
    """`dbt` over one data root, with its own target and log paths (never the shared ones)."""

    def __init__(self, root: Path, project_dir: Path) -> None:
        self.root = root
        self.project_dir = project_dir
        self.work = root / "dbt_bench"
        self.env = {
            **os.environ,
            "F1_LAKEHOUSE_ROOT": str(root),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        self.env.pop("F1_LAKEHOUSE_DBT_TARGET", None)

    def build(
        self, select: str, keys: list[str] | None = None
    ) -> tuple[float, float, dict[str, float]]:
        """Whole-process wall and CPU time of one `dbt build` (CPU is the steadier figure on a
        shared machine), and each node's own time."""
        target = self.work / "target"
        command = [
            str(BIN / "dbt"), *build_args(keys), "--select", select,
            "--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir),
            "--target-path", str(target), "--log-path", str(self.work / "logs"),
        ]  # fmt: skip
        started, cpu_before = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, env=self.env, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-4000:]}")
        results = json.loads((target / "run_results.json").read_text())["results"]
        return wall, cpu, {r["unique_id"]: r["execution_time"] for r in results}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def land_source(root: Root) -> None:
    """The recorded race's OpenF1 bronze, through the Dagster bronze assets (replay)."""
    root.register([SOURCE_KEY])
    root.materialize("group:bronze_openf1", SOURCE_KEY)


def add_history(dbt: Dbt, keys: list[str]) -> None:
    """Silver for many keys in one run (a single-run backfill does the same), then gold once."""
    for key in keys:
        replicate(dbt.root, key)
    started = time.perf_counter()
    for start in range(0, len(keys), 25):  # keeps each run's bronze file list short
        dbt.build(SILVER_SELECT, keys[start : start + 25])
    dbt.build(GOLD_SELECT)
    print(f"  (history +{len(keys)} sessions built in {time.perf_counter() - started:.0f} s)")


def telemetry_sessions(root: Path) -> int:
    import duckdb

    with duckdb.connect(str(root / "warehouse" / "f1.duckdb"), read_only=True) as con:
        return con.execute(
            "select count(distinct session_id) from silver.silver_car_data"
        ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project-dir", type=Path, default=DEFAULT_PROJECT)
    parser.add_argument(
        "--root", type=Path, help="a data root with 2024-18-R bronze already landed"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data root for inspection")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    print(f"machine: {machine()}")
    print(f"dbt project: {args.project_dir}")

    if args.root:
        root_path, owned = args.root, False
        shutil.rmtree(root_path / "warehouse", ignore_errors=True)
        (root_path / "warehouse").mkdir()
        for hive in (root_path / "bronze").glob("*/*/season=209*"):
            shutil.rmtree(hive)
    else:
        root = Root()
        land_source(root)
        root_path, owned = root.path, True
    dbt = Dbt(root_path, args.project_dir)
    try:
        dbt.build(SILVER_SELECT, [SOURCE_KEY])
        dbt.build(GOLD_SELECT)
        history = [SOURCE_KEY]
        measured = 0
        totals: dict[int, float] = {}
        cpus: dict[int, float] = {}
        for size in sizes:
            wanted = size - telemetry_sessions(root_path)
            if wanted > 0:
                start = len(history) - 1
                extra = [synthetic_key(i) for i in range(start, start + wanted)]
                add_history(dbt, extra)
                history += extra
            held = telemetry_sessions(root_path)
            silver_s, gold_s, total_s, cpu_s, nodes = [], [], [], [], {}
            for _ in range(args.runs):
                key = new_key(measured)
                measured += 1
                replicate(root_path, key)
                silver, silver_cpu, silver_nodes = dbt.build(SILVER_SELECT, [key])
                gold, gold_cpu, gold_nodes = dbt.build(GOLD_SELECT)
                silver_s.append(silver)
                gold_s.append(gold)
                total_s.append(silver + gold)
                cpu_s.append(silver_cpu + gold_cpu)
                nodes = {**silver_nodes, **gold_nodes}
            totals[size] = statistics.median(total_s)
            cpus[size] = statistics.median(cpu_s)
            runs = ", ".join(f"{t:.1f}" for t in total_s)
            print(
                f"N = {held:>3}: add one telemetry session: silver {statistics.median(silver_s):5.1f} s"
                f" + gold {statistics.median(gold_s):5.1f} s = {totals[size]:5.1f} s wall median"
                f"  (runs: {runs}), CPU {cpus[size]:5.1f} s"
                f"  [load average {os.getloadavg()[1]:.1f}]",
                flush=True,
            )
            slowest = sorted(nodes.items(), key=lambda item: -item[1])[:6]
            print(
                "    slowest nodes: "
                + ", ".join(f"{n.split('.')[-1]} {t:.1f} s" for n, t in slowest)
            )
        if len(totals) > 1:
            first, last = min(totals), max(totals)
            print(
                f"t(N={last}) / t(N={first}) = {totals[last] / totals[first]:.2f} wall, "
                f"{cpus[last] / cpus[first]:.2f} CPU   target ≤ 1.3"
            )
    finally:
        if args.keep or not owned:
            print(f"data root kept at {root_path}")
        else:
            shutil.rmtree(root_path, ignore_errors=True)


if __name__ == "__main__":
    main()
