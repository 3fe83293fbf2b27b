"""Replay at real pace: a simulated session clock, and what OpenF1 had published by then.

`SimulatedClock` runs a recorded session's time `speed` times faster than the wall clock from
the instant it was started; every process that is given the same start (the replay server and
the live poller) reads the same simulated now. `release` keeps of an endpoint's recorded rows
those OpenF1 would have served at that instant:

* rows stamped with `date`: those dated before now;
* laps: a driver's laps up to the last one completed (start + duration before now); a lap with
  no start or duration is released with the next completed lap (OpenF1 leaves lap 1's start
  empty);
* stints: those started by the driver's lap in progress, their last lap capped at it;
* results, grid and standings: only once the session has ended;
* meetings, sessions and drivers: always (they are published before the session).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from f1_lakehouse.lib.openf1.dates import DateParseError, parse_openf1_date

ALWAYS = frozenset({"meetings", "sessions", "drivers"})
AT_END = frozenset(
    {"session_result", "starting_grid", "championship_drivers", "championship_teams"}
)


class SessionClock(Protocol):
    """What the replay server asks for the simulated now (a test may step it by hand)."""

    def now(self) -> datetime: ...


@dataclass
class SteppedClock:
    """A simulated now that moves only when told to (tests, and polls at chosen moments)."""

    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class SimulatedClock:
    """Session time from `at_start`, advancing `speed` times the wall clock since `started`."""

    at_start: datetime
    speed: float = 1.0
    started: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError(f"clock speed must be positive, got {self.speed}")
        if self.at_start.tzinfo is None:
            raise ValueError("the simulated start must be an aware (UTC) instant")

    def now(self) -> datetime:
        elapsed = (time.time() - self.started) * self.speed
        return self.at_start.astimezone(UTC) + timedelta(seconds=elapsed)


def release(
    endpoint: str,
    rows: Sequence[dict[str, Any]],
    now: datetime,
    session_end: datetime | None,
    laps: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The rows of one endpoint OpenF1 had published at `now` (see the module docstring);
    stints are released against the session's recorded `laps`."""
    ended = session_end is not None and now >= session_end
    if endpoint in ALWAYS or ended:
        return list(rows)
    if endpoint in AT_END:
        return []
    if endpoint == "laps":
        return released_laps(rows, now)
    if endpoint == "stints":
        return released_stints(rows, laps_done(laps, now))
    return [row for row in rows if _before(row.get("date"), now)]


def released_laps(rows: Sequence[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    done = laps_done(rows, now)
    return [r for r in rows if (r.get("lap_number") or 0) <= done.get(r.get("driver_number"), 0)]


def laps_done(rows: Sequence[dict[str, Any]], now: datetime) -> dict[Any, int]:
    """Per driver, the number of the last lap completed before `now`."""
    done: dict[Any, int] = {}
    for row in rows:
        start, duration = instant(row.get("date_start")), row.get("lap_duration")
        if start is None or duration is None:
            continue
        if start + timedelta(seconds=float(duration)) < now:
            driver, number = row.get("driver_number"), int(row.get("lap_number") or 0)
            done[driver] = max(done.get(driver, 0), number)
    return done


def released_stints(rows: Sequence[dict[str, Any]], done: dict[Any, int]) -> list[dict[str, Any]]:
    """Stints begun by each driver's lap in progress, their last lap capped at it."""
    out = []
    for row in rows:
        current = done.get(row.get("driver_number"), 0) + 1
        start = row.get("lap_start")
        if start is not None and start <= current:
            end = row.get("lap_end")
            out.append({**row, "lap_end": min(end, current) if end is not None else end})
    return out


def date_filter(now: datetime) -> tuple[str, str, str]:
    """The same rule for rows stamped with `date`, as a replay filter (telemetry is masked
    in Arrow, not row by row)."""
    return ("date", "<", now.astimezone(UTC).replace(tzinfo=None).isoformat())


def _before(value: Any, now: datetime) -> bool:
    when = instant(value)
    return when is not None and when < now


def instant(value: Any) -> datetime | None:
    """An OpenF1 date string as an instant, or None (missing or unreadable)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_openf1_date(value)
    except DateParseError:
        return None
