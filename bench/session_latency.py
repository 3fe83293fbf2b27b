"""Benchmark: one session bronze → gold, whole process, from a fresh data root (replay mode).

    python bench/session_latency.py [--runs 3]

Prints the median of N runs of `dagster asset materialize` (orchestration included) and the
peak RSS, for 2018-04-R (FastF1, no telemetry) and 2024-18-R (OpenF1 with telemetry), where the
median run's time went (from its own log), and what importing the definitions alone costs: the
floor every such process pays before any work.
"""

from __future__ import annotations

import argparse
import sys

from harness import (
    FASTF1_TO_GOLD,
    OPENF1_TO_GOLD,
    Measurement,
    Root,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    result, samples = median_of(args.runs, import_definitions)
    report("python -c 'import f1_lakehouse.definitions' (the floor)", result, samples)
    result, samples = median_of(args.runs, lambda: one_session(FASTF1_TO_GOLD, "2018-04-R"))
    report("2018-04-R FastF1 bronze → gold (no telemetry)", result, samples, "≤ 7 s")
    report_breakdown(samples)
    result, samples = median_of(args.runs, lambda: one_session(OPENF1_TO_GOLD, "2024-18-R"))
    report("2024-18-R OpenF1 bronze → gold (with telemetry)", result, samples, "≤ 15 s, ≤ 1 GB")
    report_breakdown(samples)


if __name__ == "__main__":
    main()
