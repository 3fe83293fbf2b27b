"""Benchmark: the live-equivalent OpenF1 pull of a race with telemetry (every bronze_openf1
asset of 2024-18-R) at the public API's budget.

The replay server enforces the public budget (3 requests a second, 30 a minute: anything over
gets 429 + Retry-After, as the API answers) and its errors for over-large queries; the run's
client is given the same budget through run config, as it is live. So the wall time is what
the pull costs against the public API, bar the network: requests, waits on the budget, parsing
and writing. Runs `dagster asset materialize`, whole process, on a fresh data root.

    python bench/openf1_live_pull.py [--partition 2024-18-R]
"""

from __future__ import annotations

import argparse
import json

from harness import DAGSTER, Root, breakdown, machine

from f1_lakehouse.lib.openf1.replay import RateBudget, ReplayServer
from f1_lakehouse.lib.openf1.resource import PUBLIC_BUDGET

REQUESTS_TARGET = 60
SECONDS_TARGET = 120.0


def public_budget_config() -> str:
    per_second, per_window, window = PUBLIC_BUDGET
    openf1 = {
        "requests_per_second": per_second,
        "requests_per_window": per_window,
        "window_seconds": window,
    }
    return json.dumps({"resources": {"openf1": {"config": openf1}}})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partition", default="2024-18-R")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    per_second, per_window, window = PUBLIC_BUDGET
    budget = RateBudget(per_second=int(per_second), per_minute=per_window)
    with ReplayServer(budget=budget) as server, Root() as root:
        root.env["F1_LAKEHOUSE_OPENF1_URL"] = server.base_url
        root.register([args.partition])
        command = [*DAGSTER, "--select", "group:bronze_openf1", "--partition", args.partition]
        result = root.run([*command, "--config-json", public_budget_config()])
        served = server.faults.requests
    print(
        f"OpenF1 pull of {args.partition} at the public budget ({per_second:g}/s, "
        f"{per_window}/{window:g} s), whole process:"
    )
    print(
        f"  requests {served:4d}   target ≤ {REQUESTS_TARGET}   "
        f"({'met' if served <= REQUESTS_TARGET else 'NOT met'}; refused over budget: "
        f"{budget.refused})"
    )
    print(
        f"  wall     {result.wall_s:6.1f} s   target ≤ {SECONDS_TARGET:.0f} s   "
        f"({'met' if result.wall_s <= SECONDS_TARGET else 'NOT met'}; CPU {result.cpu_s:.1f} s, "
        f"peak RSS {result.peak_rss_mb:.0f} MB)"
    )
    for part, seconds in breakdown(result.output, result.wall_s):
        print(f"    {part:<70} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
