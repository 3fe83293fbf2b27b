"""The partition range of a season (or of a list of sessions) for a one-run CLI backfill.

`dagster asset materialize --partition-range A...B` runs a range of dynamic partitions in their
registration order as one run (the FastF1 and silver assets have single-run backfill policies).
The calendar registers a season's sessions together, so a season is one range; this prints it,
or says why the sessions are not one range. `make backfill` uses it.

    python -m f1_lakehouse.defs.automation.backfill --season 2023       -> 2023-01-FP1...2023-22-R
    python -m f1_lakehouse.defs.automation.backfill --sessions 2018-04-R,2023-04-S
    python -m f1_lakehouse.defs.automation.backfill --run --season 2023   -> the range run, then gold

With `--run` it also runs the backfill: the range run (FastF1 bronze → silver), then gold, in
this one process. Two `dagster asset materialize` processes would each import Dagster, dbt and
the definitions and parse the dbt project again (~6 s of a 12-session backfill).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import dagster as dg

from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.session_keys import InvalidSessionKey, SessionKey

# What `make backfill` runs: the range (single-run backfill policies), then gold once.
RANGE_SELECTION = "group:bronze_fastf1 or group:silver"
THEN_SELECTION = "group:gold"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


class NotOneRange(ValueError):
    """The sessions asked for are not one contiguous range of registered partitions."""


def contiguous_range(registered: Sequence[str], wanted: Sequence[str]) -> str:
    """`FIRST...LAST` if `wanted` is exactly a contiguous run of `registered` (in its order)."""
    positions = sorted(registered.index(k) for k in set(wanted))
    first, last = positions[0], positions[-1]
    extra = [k for k in registered[first : last + 1] if k not in set(wanted)]
    if extra:
        raise NotOneRange(
            f"{registered[first]}...{registered[last]} would also run {', '.join(extra[:5])}"
            f"{' …' if len(extra) > 5 else ''}: back these sessions up from the UI (one run per "
            "contiguous range) or one range at a time"
        )
    return f"{registered[first]}...{registered[last]}"


def season_range(instance: dg.DagsterInstance, season: int) -> str:
    registered = list(instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME))
    keys = [k for k in registered if k.startswith(f"{season}-")]
    if not keys:
        raise NotOneRange(f"no {season} sessions are registered: materialise the calendar first")
    return contiguous_range(registered, keys)


def sessions_range(instance: dg.DagsterInstance, sessions: Sequence[str]) -> str:
    """Register the sessions that are not partitions yet (together, in the order given), then
    the range covering them."""
    keys = [str(SessionKey.parse(k)) for k in sessions]
    registered = list(instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME))
    new = [k for k in dict.fromkeys(keys) if k not in registered]
    if new:
        instance.add_dynamic_partitions(SESSION_PARTITIONS_NAME, new)
        registered += new
    return contiguous_range(registered, keys)


def run_backfill(
    instance: dg.DagsterInstance, partition_range: str, range_selection: str = RANGE_SELECTION
) -> bool:
    """The range as one run of `range_selection`, then one run of `THEN_SELECTION`, as
    `dagster asset materialize --partition-range` would launch them; False if a run failed."""
    from f1_lakehouse.definitions import defs  # only when running: the range alone stays light

    first, last = partition_range.split("...")
    runs = [
        (range_selection, {RANGE_START_TAG: first, RANGE_END_TAG: last}),
        (THEN_SELECTION, {}),
    ]
    for selection, tags in runs:
        result = dg.materialize(
            list(defs.assets),
            selection=dg.AssetSelection.from_coercible([selection]),
            resources=dict(defs.resources),
            instance=instance,
            tags=tags,
            raise_on_error=False,
        )
        if not result.success:
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--season", type=int)
    group.add_argument("--sessions", help="comma- or space-separated session keys")
    parser.add_argument("--run", action="store_true", help="run the backfill, then gold")
    parser.add_argument(
        "--range-select", default=RANGE_SELECTION, help="what the range run selects (--run)"
    )
    args = parser.parse_args(argv)
    try:
        with dg.DagsterInstance.get() as instance:
            if args.season is not None:
                partition_range = season_range(instance, args.season)
            else:
                partition_range = sessions_range(instance, args.sessions.replace(",", " ").split())
            if not args.run:
                print(partition_range)
                return 0
            print(f"== backfill {partition_range}: FastF1 bronze → silver in one run, then gold")
            sys.stdout.flush()
            return 0 if run_backfill(instance, partition_range, args.range_select) else 1
    except (NotOneRange, InvalidSessionKey) as exc:
        print(f"backfill: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
