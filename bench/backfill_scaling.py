"""Benchmark: a CLI backfill's cost per session as it grows, t(N)/N for N = 1, 12 and 100.

N = 1 and 12 are `make backfill SESSIONS=...` on a fresh data root: recorded FastF1 sessions
(README, "Backfills"), FastF1 bronze → silver as one range run, then gold, whole process,
manifest check included. N = 100 cannot be recorded sessions (there are 12): it REPLICATES the
12 recorded sessions' FastF1 bronze under SYNTHETIC keys (seasons 2090+, same session codes;
files hard-linked, row contents unchanged) and backfills silver over the range, then gold —
the FastF1 step is not in it (nothing to fetch for a synthetic key), which the output says.
Each figure also shows how much of the wall time lies outside the steps, and CPU time beside wall.

`--batch-ab` measures only the 12-session backfill, alternating fresh-root runs with Dagster's
event batching off (`DAGSTER_EVENT_BATCH_SIZE=0`: every event stored on its own, as before
f1_lakehouse/lib/event_log.py) and on (the Makefile's batch size).

    python bench/backfill_scaling.py [--runs 3] [--replicated 100] [--batch-ab]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

from harness import REPO, Measurement, Root, breakdown, machine

RECORDED = [
    "2018-04-R",
    "2021-14-FP2",
    "2022-02-Q",
    "2022-10-FP1",
    "2023-01-R",
    "2023-04-Q",
    "2023-04-SQ",
    "2023-04-S",
    "2024-05-SQ",
    "2024-10-Q",
    "2024-12-FP1",
    "2025-06-S",
]
TOTAL_TARGET_S = 17.0  # 12 sessions + gold
OUTSIDE_TARGET_S = 5.0


def make_backfill(
    root: Root, sessions: list[str], event_batch_size: str | None = None
) -> Measurement:
    if event_batch_size is not None:  # else the Makefile's (or the caller's environment's)
        root.env["DAGSTER_EVENT_BATCH_SIZE"] = event_batch_size
    return root.run(["make", "-s", "-C", str(REPO), "backfill", f"SESSIONS={' '.join(sessions)}"])


# Dagster writes a step over a minute as "1m23s", which `breakdown` does not read.
_LONG_STEP_RE = re.compile(r'Finished execution of step "([^"]+)" in (\d+)m([0-9.]+)s\.')


def steps_seconds(result: Measurement) -> dict[str, float]:
    steps = {
        part.removeprefix("step "): seconds
        for part, seconds in breakdown(result.output, result.wall_s)
        if part.startswith("step ")
    }
    for step in _LONG_STEP_RE.finditer(result.output):
        steps[step.group(1)] = 60 * int(step.group(2)) + float(step.group(3))
    return steps


def synthetic_keys(count: int) -> list[tuple[str, str]]:
    """(synthetic key, recorded key it copies): 2090-01-R ← 2018-04-R, … 20 rounds a season."""
    pairs = []
    for index in range(count):
        source = RECORDED[index % len(RECORDED)]
        code = source.split("-", 2)[2]
        pairs.append((f"{2090 + index // 20}-{index % 20 + 1:02d}-{code}", source))
    return pairs


def _hive(key: str) -> str:
    season, round_, code = key.split("-", 2)
    return f"season={season}/round={int(round_):02d}/session={code}"


def replicate(root: Root, pairs: list[tuple[str, str]]) -> None:
    fastf1 = root.path / "bronze" / "fastf1"
    for key, source in pairs:
        for file in fastf1.glob(f"*/{_hive(source)}/*.parquet"):
            target = Path(str(file).replace(_hive(source), _hive(key)))
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.link(file, target)


def report(label: str, n: int, samples: list[Measurement], note: str = "") -> float:
    wall = statistics.median(s.wall_s for s in samples)
    middle = min(samples, key=lambda s: abs(s.wall_s - wall))
    runs = ", ".join(f"{s.wall_s:.1f}" for s in samples)
    cpu = ", ".join(f"{s.cpu_s:.1f}" for s in samples)
    outside = ", ".join(f"{s.wall_s - sum(steps_seconds(s).values()):.1f}" for s in samples)
    steps = steps_seconds(middle)
    in_steps = sum(steps.values())
    print(
        f"{label:<44} median {wall:6.1f} s (runs: {runs}; CPU {cpu})  t/N {wall / n:5.2f} s  "
        f"outside steps {middle.wall_s - in_steps:5.1f} s (runs: {outside})  "
        f"peak RSS {middle.peak_rss_mb:.0f} MB {note}",
        flush=True,
    )
    for step, seconds in steps.items():
        print(f"    step {step:<60} {seconds:6.2f} s", flush=True)
    return wall


def batch_ab(runs: int) -> None:
    """The 12-session backfill with event batching off, then on, alternating (fresh roots)."""
    sizes = {"off (DAGSTER_EVENT_BATCH_SIZE=0)": "0", "on (the Makefile's size)": None}
    samples: dict[str, list[Measurement]] = {label: [] for label in sizes}
    for _ in range(runs):
        for label, size in sizes.items():
            with Root() as root:
                samples[label].append(make_backfill(root, RECORDED, size))
    for label, measured in samples.items():
        report(f"12 sessions + gold, batching {label}", 12, measured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--replicated", type=int, default=100)
    parser.add_argument("--batch-ab", action="store_true", help="12 sessions: batching off/on")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.batch_ab:
        batch_ab(args.runs)
        return
    per_session = {}
    for n, sessions in ((1, RECORDED[:1]), (12, RECORDED)):
        samples = []
        for _ in range(args.runs):
            with Root() as root:
                samples.append(make_backfill(root, sessions))
        wall = report(f"make backfill, {n} recorded session(s) + gold", n, samples)
        per_session[n] = wall / n
        if n == 12:
            middle = min(samples, key=lambda s: abs(s.wall_s - wall))
            outside_s = wall - sum(steps_seconds(middle).values())
            print(
                f"    12 sessions + gold {wall:.1f} s   target ≤ {TOTAL_TARGET_S:.0f} s; "
                f"outside the steps {outside_s:.1f} s   target ≤ {OUTSIDE_TARGET_S:.0f} s",
                flush=True,
            )
    if args.replicated:
        pairs = synthetic_keys(args.replicated)
        samples = []
        for _ in range(max(1, args.runs // 3)):
            with Root() as root:
                make_backfill(root, RECORDED)  # the recorded bronze to replicate
                replicate(root, pairs)
                keys = [key for key, _ in pairs]
                command = [
                    sys.executable, "-m", "f1_lakehouse.defs.automation.backfill", "--run",
                    "--range-select", "group:silver", "--sessions", " ".join(keys),
                ]  # fmt: skip
                samples.append(root.run(command))
        wall = report(
            f"backfill, {args.replicated} REPLICATED sessions + gold",
            args.replicated,
            samples,
            "(synthetic keys 2090+: silver → gold, bronze hard-linked, no FastF1 step)",
        )
        per_session[args.replicated] = wall / args.replicated
    ratios = "  ".join(f"t({n})/{n} = {t:.2f} s" for n, t in per_session.items())
    print(f"per-session cost: {ratios}   target: falls as N grows", flush=True)


if __name__ == "__main__":
    main()
