"""Benchmark: one session bronze → gold, whole process, from a fresh data root (replay mode).

    python bench/session_latency.py [--runs 3]

Prints the median of N runs of `dagster asset materialize` (orchestration included) and the
peak RSS, for 2018-04-R (FastF1, no telemetry) and 2024-18-R (OpenF1 with telemetry), where the
median run's time went (from its own log), and the floors under the 2018-04-R figure, each a
whole process of its own: importing the definitions (what every run pays before any work) and
FastF1 loading the session alone (Python, FastF1's import and `Session.load`, no Dagster). With
dbt's own time executing the run's nodes, their sum is what the run cannot go below without
changing those libraries.
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


# FastF1 alone, as the step's worker runs it: the recordings replayed, the session parsed.
LOAD_ONE_SESSION = (
    "import sys; from f1_lakehouse.lib.fastf1 import source; "
    "from f1_lakehouse.lib.session_keys import SessionKey; "
    "from f1_lakehouse.lib.settings import data_root; "
    "source.configure('replay', data_root()); "
    "source.load_session(SessionKey.parse(sys.argv[1]), telemetry=False)"
)


def fastf1_alone(key: str) -> Measurement:
    with Root() as root:
        root.run([sys.executable, "-c", LOAD_ONE_SESSION, key])  # extracts the recordings
        return root.run([sys.executable, "-c", LOAD_ONE_SESSION, key])


def dbt_executing_s(output: str) -> float:
    """dbt's own time executing a run's nodes, every dbt step summed (from the run's log)."""
    return sum(s for part, s in breakdown(output, 0.0) if "dbt executing" in part)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    imported, samples = median_of(args.runs, import_definitions)
    report("python -c 'import f1_lakehouse.definitions' (a floor)", imported, samples)
    loaded, samples = median_of(args.runs, lambda: fastf1_alone("2018-04-R"))
    report("FastF1 alone: import + Session.load 2018-04-R (a floor)", loaded, samples)
    result, samples = median_of(args.runs, lambda: one_session(FASTF1_TO_GOLD, "2018-04-R"))
    report("2018-04-R FastF1 bronze → gold (no telemetry)", result, samples, "≤ 7 s")
    report_breakdown(samples)
    dbt_s = statistics.median(dbt_executing_s(s.output) for s in samples)
    floors = imported.wall_s + loaded.wall_s + dbt_s
    print(
        f"    the floors summed: definitions {imported.wall_s:.1f} s + FastF1 alone "
        f"{loaded.wall_s:.1f} s + dbt executing {dbt_s:.1f} s = {floors:.1f} s "
        f"(the run: {result.wall_s:.1f} s; target ≤ 7 s)",
        flush=True,
    )
    result, samples = median_of(args.runs, lambda: one_session(OPENF1_TO_GOLD, "2024-18-R"))
    report("2024-18-R OpenF1 bronze → gold (with telemetry)", result, samples, "≤ 15 s, ≤ 1 GB")
    report_breakdown(samples)


if __name__ == "__main__":
    main()
