"""The one clock of the automation: UTC now, or a frozen instant from `F1_LAKEHOUSE_NOW`.

Sensors and schedules ask this clock, never `datetime.now()`, so that a daemon in a test (or a
replay of a past race weekend) sees the time the test chose. Dagster's own tick times (a
schedule's `scheduled_execution_time`) are used when there is no frozen instant.
"""

from __future__ import annotations

from datetime import UTC, datetime

from f1_lakehouse.lib.live.pace import SimulatedClock
from f1_lakehouse.lib.settings import NOW_ENV, clock_speed, clock_started, frozen_now_text


class ClockError(ValueError):
    """`F1_LAKEHOUSE_NOW` is not an ISO timestamp."""


def parse_utc(text: str) -> datetime:
    """An ISO timestamp as an aware UTC datetime (naive means UTC; `Z` accepted)."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ClockError(f"{text!r} is not an ISO timestamp, e.g. 2023-04-29T15:10:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def frozen_now() -> datetime | None:
    """The instant `F1_LAKEHOUSE_NOW` freezes the clock at, if set."""
    raw = frozen_now_text()
    if not raw:
        return None
    try:
        return parse_utc(raw)
    except ClockError as exc:
        raise ClockError(f"{NOW_ENV}: {exc}") from None


def simulated() -> SimulatedClock | None:
    """The replay-at-pace clock: `F1_LAKEHOUSE_NOW` advancing `F1_LAKEHOUSE_CLOCK_SPEED` times
    the wall clock since `F1_LAKEHOUSE_CLOCK_STARTED` (None unless a speed is set)."""
    speed = clock_speed()
    frozen = frozen_now()
    if speed is None or frozen is None:
        return None
    return SimulatedClock(frozen, speed, clock_started())


def now(context_time: datetime | None = None) -> datetime:
    """The simulated clock if one runs, else `F1_LAKEHOUSE_NOW` if set, else the evaluation
    time Dagster gave (if any), else UTC now."""
    clock = simulated()
    if clock is not None:
        return clock.now()
    frozen = frozen_now()
    if frozen is not None:
        return frozen
    if context_time is not None:
        return (
            context_time.replace(tzinfo=UTC)
            if context_time.tzinfo is None
            else context_time.astimezone(UTC)
        )
    return datetime.now(UTC)


class SettingsClock:
    """`now()` above as an object, for the replay server at pace (it asks on every request)."""

    def now(self) -> datetime:
        return now()
