"""When the live sensor polls a session, when it compacts it, and when it waits.

Pure logic: the calendar, the time, the partitions with a live run in flight and the ones
holding micro-batches go in; the runs to request (and why others wait) come out. A session is
followed from `LEAD` before its calendar start to its calendar end (which has a margin); a
partition whose live run is still going gets no second one (run coalescing: a slow poll is
not stacked behind), and after the end, a partition that still holds micro-batches is
compacted, until `GIVE_UP` after the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from f1_lakehouse.lib.automation.race_weekend import CalendarSession
from f1_lakehouse.lib.openf1.coverage import OPENF1_FIRST_SEASON

LEAD = timedelta(minutes=10)
GIVE_UP = timedelta(hours=6)
LiveMode = Literal["poll", "compact"]


@dataclass(frozen=True)
class LiveRequest:
    """One live run to request: poll or compact a session's partition."""

    key: str
    mode: LiveMode
    reason: str


def live_requests(
    sessions: Iterable[CalendarSession],
    now: datetime,
    in_flight: set[str],
    holds_batches: Callable[[str], bool],
) -> tuple[list[LiveRequest], list[str]]:
    """(runs to request, why other sessions in their live window wait)."""
    requests: list[LiveRequest] = []
    waiting: list[str] = []
    for session in sessions:
        key = str(session.key)
        if session.key.season < OPENF1_FIRST_SEASON:
            continue
        start, end = session.start_utc - LEAD, session.end_utc
        if not start <= now < end + GIVE_UP:
            continue
        if key in in_flight:
            waiting.append(f"{key}: a live run is still going (coalesced, not stacked)")
        elif now < end:
            requests.append(LiveRequest(key, "poll", f"{key} runs until {end:%H:%M} UTC"))
        elif holds_batches(key):
            requests.append(LiveRequest(key, "compact", f"{key} ended at {end:%H:%M} UTC"))
    return requests, waiting
