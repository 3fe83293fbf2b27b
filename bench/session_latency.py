"""Benchmark: one session bronze → gold, whole process, from a fresh data root (replay mode).

    python bench/session_latency.py [--runs 3]

Prints the median of N runs of `dagster asset materialize` (orchestration included) and the
peak RSS, for 2018-04-R (FastF1, no telemetry) and 2024-18-R (OpenF1 with telemetry), where the
median run's time went (from its own log), and what importing the definitions alone costs (a
process of its own: what every run pays before any work). For 2018-04-R it then sums the parts
the run cannot go below without changing the libraries underneath (that import, the FastF1 step:
FastF1's import and `Session.load` in the step's worker, and dbt's own time executing the nodes)
and says how much lies beyond them (the Dagster CLI, run creation and events, the dbt steps' own
set-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys

from harness import (
    FASTF1_TO_GOLD,
    OPENF1_TO_GOLD,
    Measurement,
    Root,
    breakdown,
    machine,
    median_of,
    report,
    report_breakdown,
)


def one_session(selection: str, key: str) -> Measurement:
    with Root() as root:
        root.register([key])
        return root.materialize(selection, key)


def import_definitions() -> Measurement:
    with Root() as root:
        return root.run([sys.executable, "-c", "import f1_lakehouse.definitions"])


def floors_s(output: str) -> tuple[float, float]:
    """From a run's log: its FastF1 step, and dbt's own time executing nodes (every dbt step)."""
    parts = breakdown(output, 0.0)
    fastf1 = sum(s for part, s in parts if part == "step fastf1_session_tables")
    return fastf1, sum(s for part, s in parts if "dbt executing" in part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    imported, samples = median_of(args.runs, import_definitions)
    report("python -c 'import f1_lakehouse.definitions' (a floor)", imported, samples)
    result, samples = median_of(args.runs, lambda: one_session(FASTF1_TO_GOLD, "2018-04-R"))
    report("2018-04-R FastF1 bronze → gold (no telemetry)", result, samples, "≤ 7 s")
    report_breakdown(samples)
    per_run = [floors_s(s.output) for s in samples]
    fastf1_s = statistics.median(fastf1 for fastf1, _ in per_run)
    dbt_s = statistics.median(dbt for _, dbt in per_run)
    floors = imported.wall_s + fastf1_s + dbt_s
    print(
        f"    the floors summed: definitions {imported.wall_s:.1f} s + FastF1 step "
        f"{fastf1_s:.1f} s + dbt executing {dbt_s:.1f} s = {floors:.1f} s; beyond them "
        f"{result.wall_s - floors:.1f} s (target for the run ≤ 7 s)",
        flush=True,
    )
    result, samples = median_of(args.runs, lambda: one_session(OPENF1_TO_GOLD, "2024-18-R"))
    report("2024-18-R OpenF1 bronze → gold (with telemetry)", result, samples, "≤ 15 s, ≤ 1 GB")
    report_breakdown(samples)


if __name__ == "__main__":
    main()
