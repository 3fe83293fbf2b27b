"""Shared plumbing for the benchmarks: fresh data roots, whole-process timing and peak RSS.

Each measured command runs as a child process; `os.wait4` returns that child's resource usage,
whose `ru_maxrss` is the peak RSS of the child and every descendant it waited for (dbt runs in a
grandchild), so the figure covers the whole materialisation. On Linux a child's `ru_maxrss` also
starts at its parent's peak RSS when it was spawned (exec records the old address space's
high-water mark), so a benchmark keeps heavy work of its own (DuckDB queries) out of its own
process until the last command it measures.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
    output: str = field(default="", repr=False, compare=False)


_STEP_RE = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s)\.')
_STEPS_RE = re.compile(r"Finished steps in process \(pid: \d+\) in ([0-9.]+)(ms|s)")
_DBT_RE = re.compile(
    r"Finished running (.*?) in \d+ hours \d+ minutes and [0-9.]+ seconds \(([0-9.]+)s\)"
)


def _seconds(value: str, unit: str) -> float:
    return float(value) / (1000 if unit == "ms" else 1)


def _node_count(summary: str) -> int:
    """dbt's "11 incremental models, 1 project hook, 66 data tests" → 78."""
    return sum(int(n) for n in re.findall(r"\d+", summary))


def breakdown(output: str, wall_s: float) -> list[tuple[str, float]]:
    """Where one `dagster asset materialize` run's wall time went, from its own log lines:
    each step (Dagster's step timer), dbt's own node execution inside the dbt steps, and what
    lies outside the steps (imports, loading the definitions, creating the run and its planned
    events, process exit)."""
    steps = list(_STEP_RE.finditer(output))
    in_steps = _STEPS_RE.search(output)
    inside = (
        _seconds(*in_steps.groups())
        if in_steps
        else sum(_seconds(*step.group(2, 3)) for step in steps)
    )
    parts = [("outside the steps (imports, definitions, run creation, exit)", wall_s - inside)]
    dbt_runs = list(_DBT_RE.finditer(output))
    start = 0
    for step in steps:
        parts.append((f"step {step.group(1)}", _seconds(*step.group(2, 3))))
        # dbt's summary is logged inside its step, before the step's "Finished" line.
        parts += [
            (f"  of which dbt executing {_node_count(run.group(1))} nodes", float(run.group(2)))
            for run in dbt_runs
            if start <= run.start() < step.start()
        ]
        start = step.end()
    return parts


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

    def __init__(self, base: Path | None = None, keep: bool = False) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="f1-bench-", dir=base))
        self.keep = keep  # leave the root behind on exit, for inspection
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
        return Measurement(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, output)

    def materialize(self, selection: str, partition: str | None = None) -> Measurement:
        args = [*DAGSTER, "--select", selection]
        return self.run(args + (["--partition", partition] if partition else []))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> Root:
        return self

    def __exit__(self, *_: object) -> None:
        if self.keep:
            print(f"data root kept at {self.path}", flush=True)
        else:
            self.remove()


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


def report_breakdown(samples: list[Measurement]) -> None:
    """The time breakdown of the run closest to the median."""
    wall = statistics.median(s.wall_s for s in samples)
    middle = min(samples, key=lambda s: abs(s.wall_s - wall))
    for part, seconds in breakdown(middle.output, middle.wall_s):
        print(f"    {part:<70} {seconds:6.2f} s", flush=True)


def query_latency(
    label: str, queries: Mapping[str, Callable[[], object]], repeats: int, target_ms: float
) -> None:
    """Time each query `repeats` times; print p50/p95 per query, then over every sample beside
    the target."""
    every: list[float] = []
    for name, query in queries.items():
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            query()
            samples.append((time.perf_counter() - started) * 1000)
        every += samples
        p50, p95 = statistics.median(samples), statistics.quantiles(samples, n=20)[18]
        print(f"  {label} {name:<24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms", flush=True)
    p50, p95 = statistics.median(every), statistics.quantiles(every, n=20)[18]
    print(
        f"{label}, all ({len(every)} samples){'':<20} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
        f"   target p95 ≤ {target_ms:.0f} ms",
        flush=True,
    )
