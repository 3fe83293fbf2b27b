"""The partition range of a season (or of a list of sessions) for a one-run CLI backfill.

`dagster asset materialize --partition-range A...B` runs a range of dynamic partitions in their
registration order as one run (the FastF1 and silver assets have single-run backfill policies).
The calendar registers a season's sessions together, so a season is one range; this prints it,
or says why the sessions are not one range. `make backfill` uses it.

    python -m f1_lakehouse.defs.automation.backfill --season 2023       -> 2023-01-FP1...2023-22-R
    python -m f1_lakehouse.defs.automation.backfill --sessions 2018-04-R,2023-04-S
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import dagster as dg

from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.session_keys import InvalidSessionKey, SessionKey


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--season", type=int)
    group.add_argument("--sessions", help="comma- or space-separated session keys")
    args = parser.parse_args(argv)
    try:
        with dg.DagsterInstance.get() as instance:
            if args.season is not None:
                print(season_range(instance, args.season))
            else:
                print(sessions_range(instance, args.sessions.replace(",", " ").split()))
    except (NotOneRange, InvalidSessionKey) as exc:
        print(f"backfill: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
