"""`make live-demo`: follow the recorded 2024 Singapore race live, offline, at a speed-up.

The replay server releases only what OpenF1 had published by a simulated clock that starts
five minutes before lights out and runs `LIVE_SPEED` times faster than the wall clock; the live
job (the same assets the sensor launches) polls, rebuilds silver and gold for the session and
publishes, poll after poll, then compacts the partition after the flag. Each poll prints the
top of the running order as the dashboard's live view shows it.

`make live-demo` starts the clock (F1_LAKEHOUSE_NOW, _CLOCK_SPEED, _CLOCK_STARTED,
_REPLAY_PACE: see README, "Live sessions") and runs `python -m f1_lakehouse.live_demo`.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd

from f1_lakehouse.dashboard.live import shown_order, snapshot
from f1_lakehouse.definitions import defs
from f1_lakehouse.defs.live.jobs import LIVE_PARTITION_TAG
from f1_lakehouse.defs.openf1.live import LIVE_TAG
from f1_lakehouse.lib import clock
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.settings import data_root, replay_at_pace

SESSION = "2024-18-R"
LIGHTS_OUT = datetime(2024, 9, 22, 12, 0, tzinfo=UTC)
FOLLOW_FROM = LIGHTS_OUT - timedelta(minutes=5)
FLAG = LIGHTS_OUT + timedelta(hours=2, minutes=15)  # the calendar's end: 2 h and a margin
# Each poll prints one line; the runs' own step logs stay in the Dagster UI.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
NO_CLOCK = (
    "the live demo needs the simulated clock: run it with `make live-demo` (it sets "
    "F1_LAKEHOUSE_REPLAY_PACE=1, F1_LAKEHOUSE_NOW, F1_LAKEHOUSE_CLOCK_SPEED and "
    "F1_LAKEHOUSE_CLOCK_STARTED)"
)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m f1_lakehouse.live_demo").parse_args(argv)
    if clock.simulated() is None or not replay_at_pace():
        print(NO_CLOCK, file=sys.stderr)
        return 2
    root = data_root()
    job = defs.resolve_job_def("live_session_job")
    with dg.DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, [SESSION])
        polls = 0
        while True:
            moment = clock.now()  # what this run's windows reach (OpenF1 as of then)
            mode = "poll" if moment < FLAG else "compact"
            started = time.perf_counter()
            result = job.execute_in_process(
                partition_key=SESSION,
                instance=instance,
                tags={LIVE_TAG: mode, LIVE_PARTITION_TAG: SESSION},
                run_config=QUIET,
                raise_on_error=False,
            )
            if not result.success:
                print(f"live {mode} run {result.run_id} failed", file=sys.stderr)
                return 1
            shot = snapshot(root, SESSION)
            top = "" if shot is None else _top(shown_order(shot.running_order))
            print(
                f"{mode} at {moment:%H:%M:%S} (simulated): "
                f"{time.perf_counter() - started:.1f} s · {top}",
                flush=True,
            )
            if mode == "compact":
                break
            polls += 1
    print(f"followed {SESSION} live in {polls} poll{'s' if polls != 1 else ''}, then compacted it")
    return 0


def _top(order: pd.DataFrame) -> str:
    rows = order.head(3)
    return ", ".join(
        f"P{int(r.position)} {r.abbreviation} ({r.laps_completed} laps) {r.gap}".strip()
        for r in rows.itertuples()
    )


if __name__ == "__main__":
    sys.exit(main())
