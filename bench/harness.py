"""Shared plumbing for the benchmarks: fresh data roots, whole-process timing and peak RSS.

Each measured command runs as a child process; `os.wait4` returns that child's resource usage,
whose `ru_maxrss` is the peak RSS of the child and every descendant it waited for (dbt runs in a
grandchild), so the figure covers the whole materialisation.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DAGSTER = [str(BIN / "dagster"), "asset", "materialize", "-m", "f1_lakehouse.definitions"]
# bronze → gold for one session, as `dagster asset materialize` users run it.
FASTF1_TO_GOLD = "group:bronze_fastf1 or group:silver or group:gold"
OPENF1_TO_GOLD = "group:bronze_openf1 or group:silver or group:gold"
SILVER_TO_GOLD = "group:silver or group:gold"


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_rss_mb: float
    cpu_s: float = 0.0  # user + system of the process tree: steadier than wall on a busy machine


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GiB RAM, Python {sys.version.split()[0]}"


class Root:
    """A fresh data root with its own Dagster instance, in replay mode."""

    def __init__(self, base: Path | None = None) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="f1-bench-", dir=base))
        self.env = {
            **os.environ,
            "F1_LAKEHOUSE_ROOT": str(self.path),
            "F1_LAKEHOUSE_SOURCE": "replay",
            "DAGSTER_HOME": str(self.path / "dagster_home"),
            "DO_NOT_TRACK": "1",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        subprocess.run(
            [str(BIN / "f1-lakehouse"), "init"], env=self.env, check=True, capture_output=True
        )

    def register(self, keys: Sequence[str]) -> None:
        """Add session partitions (what the calendar asset does) without timing it."""
        code = (
            "import sys, dagster as dg; "
            "dg.DagsterInstance.get().add_dynamic_partitions('sessions', sys.argv[1:])"
        )
        subprocess.run([sys.executable, "-c", code, *keys], env=self.env, check=True)

    def run(self, args: Sequence[str]) -> Measurement:
        """Run one command to completion; fail loudly with its output tail if it fails."""
        started = time.perf_counter()
        proc = subprocess.Popen(
            args,
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        output = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{output[-4000:]}")
        return Measurement(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)

    def materialize(self, selection: str, partition: str | None = None) -> Measurement:
        args = [*DAGSTER, "--select", selection]
        return self.run(args + (["--partition", partition] if partition else []))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def median_of(
    runs: int, measure: Callable[[], Measurement]
) -> tuple[Measurement, list[Measurement]]:
    """Median wall time (and the peak RSS of that run's set: the max) of `runs` runs."""
    samples = [measure() for _ in range(runs)]
    wall = statistics.median(s.wall_s for s in samples)
    cpu = statistics.median(s.cpu_s for s in samples)
    return Measurement(wall, max(s.peak_rss_mb for s in samples), cpu), samples


def report(label: str, result: Measurement, samples: list[Measurement], target: str = "") -> None:
    walls = ", ".join(f"{s.wall_s:.1f}" for s in samples)
    line = (
        f"{label:<58} median {result.wall_s:6.1f} s  (runs: {walls})  CPU {result.cpu_s:5.1f} s"
        f"  peak RSS {result.peak_rss_mb:7.0f} MB"
    )
    print(line + (f"   target {target}" if target else ""), flush=True)
