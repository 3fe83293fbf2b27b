"""A short, human summary of the gold tables, read from the published export (never the
warehouse file), so it answers while a run writes the warehouse."""

from __future__ import annotations

import sys

from f1_lakehouse.lib.lap_time import format_lap_time
from f1_lakehouse.lib.settings import DataRoot

SUMMARY_SQL = """
select
    d.session_id,
    any_value(d.event_name) as event,
    any_value(d.session_name) as session,
    count(*) as drivers,
    sum(d.laps_recorded) as laps,
    max(d.abbreviation) filter (where d.position = 1) as p1,
    arg_min(d.abbreviation, d.best_lap_ms) as fastest,
    min(d.best_lap_ms) as fastest_ms,
    sum(d.pit_stops) as pit_stops
from driver_session_summary d
group by d.session_id
order by d.session_id
"""


def gold_rows(root: DataRoot) -> list[tuple]:
    """Per-session headline rows from the published gold."""
    from f1_lakehouse.read import connect

    with connect(root) as con:
        return con.execute(SUMMARY_SQL).fetchall()


def print_gold_summary(root: DataRoot) -> int:
    from f1_lakehouse.read import ReadError

    try:
        rows = gold_rows(root)
    except ReadError as exc:
        print(f"f1-lakehouse summary: {exc} (`make demo` does both)", file=sys.stderr)
        return 1
    if not rows:
        print(
            "f1-lakehouse summary: gold is empty: no session has been materialised yet",
            file=sys.stderr,
        )
        return 1
    header = f"{'session':<11} {'event':<26} {'type':<18} {'drv':>3} {'laps':>5} {'P1':<4} {'fastest lap':<16} {'stops':>5}"
    print(header)
    print("-" * len(header))
    for session_id, event, session, drivers, laps, p1, fastest, fastest_ms, stops in rows:
        fastest_txt = f"{fastest or '-'} {format_lap_time(fastest_ms)}" if fastest_ms else "-"
        print(
            f"{session_id:<11} {event[:26]:<26} {session[:18]:<18} {drivers:>3} {_count(laps):>5} "
            f"{p1 or '-':<4} {fastest_txt:<16} {_count(stops):>5}"
        )
    return 0


def _count(value: float | None) -> str:
    """A count as shown: '-' where the sources do not have it (unknown is not 0)."""
    return "-" if value is None else str(int(value))
