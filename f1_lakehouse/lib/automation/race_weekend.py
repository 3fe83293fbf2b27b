"""When a session's data is due, when to give up on it, and the race-weekend sensor's decisions.

Pure logic: the calendar rows, the registered partitions, the time and an availability probe go
in; the runs to request, the reasons for waiting and the next cursor come out. The sensor and
the schedules in `f1_lakehouse/defs/automation` are thin wrappers around it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq

from f1_lakehouse.lib.bronze import DATA_FILE, partition_dir
from f1_lakehouse.lib.clock import parse_utc
from f1_lakehouse.lib.openf1.coverage import OPENF1_FIRST_SEASON
from f1_lakehouse.lib.session_keys import SeasonKey, SessionKey
from f1_lakehouse.lib.settings import give_up_hours, publish_delay_minutes

# How long each kind of session lasts on the calendar, in minutes. A session is "over" at
# start + duration + margin; red flags can run longer, which the availability probe catches
# (FastF1 answers "not finalised" until the session really is).
SESSION_MINUTES: dict[str, int] = {
    "FP1": 60,
    "FP2": 60,
    "FP3": 60,
    "SQ": 45,
    "S": 60,
    "Q": 60,
    "R": 120,
}
END_MARGIN = timedelta(minutes=15)

FASTF1 = "fastf1"
OPENF1 = "openf1"
SOURCES: tuple[str, ...] = (FASTF1, OPENF1)
# Given-up sessions stay in the cursor this long after their give-up time (for the UI), then go.
GIVEN_UP_RETENTION = timedelta(days=7)

CURSOR_VERSION = 1


@dataclass(frozen=True)
class AutomationSettings:
    """Sources publish some minutes after the flag; after `give_up_after` a session that still
    has no data is given up (a correction run or a backfill can still land it later)."""

    publish_delay: timedelta = timedelta(minutes=30)
    give_up_after: timedelta = timedelta(days=3)

    @classmethod
    def from_env(cls) -> AutomationSettings:
        return cls(
            publish_delay=timedelta(minutes=publish_delay_minutes()),
            give_up_after=timedelta(hours=give_up_hours()),
        )


@dataclass(frozen=True)
class CalendarSession:
    """One session of the calendar with when it starts (UTC)."""

    key: SessionKey
    session_name: str
    event_name: str
    start_utc: datetime

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(minutes=SESSION_MINUTES[self.key.code]) + END_MARGIN

    def due_at(self, settings: AutomationSettings) -> datetime:
        """When its data should be published."""
        return self.end_utc + settings.publish_delay

    def give_up_at(self, settings: AutomationSettings) -> datetime:
        return self.end_utc + settings.give_up_after


def expected_sources(key: SessionKey) -> tuple[str, ...]:
    """FastF1 for every session; OpenF1 for the seasons it covers."""
    return SOURCES if key.season >= OPENF1_FIRST_SEASON else (FASTF1,)


def calendar_path(bronze_root: Path, season: int) -> Path:
    return partition_dir(bronze_root, "fastf1", "calendar", SeasonKey(season)) / DATA_FILE


def load_calendar(
    bronze_root: Path, seasons: Iterable[int]
) -> tuple[list[CalendarSession], list[int]]:
    """The sessions of the seasons whose calendar has landed, and the seasons that have none."""
    sessions: list[CalendarSession] = []
    missing: list[int] = []
    for season in sorted(set(seasons)):
        path = calendar_path(bronze_root, season)
        if not path.exists():
            missing.append(season)
            continue
        columns = ["partition_key", "session_name", "event_name", "session_start_utc"]
        for row in pq.read_table(path, columns=columns).to_pylist():
            start = row["session_start_utc"]
            if start is None:
                continue  # a session without a time cannot be scheduled
            sessions.append(
                CalendarSession(
                    key=SessionKey.parse(row["partition_key"]),
                    session_name=row["session_name"],
                    event_name=row["event_name"],
                    start_utc=parse_utc(start.isoformat()),
                )
            )
    return sorted(sessions, key=lambda s: (s.start_utc, s.key)), missing


def seasons_around(now: datetime, settings: AutomationSettings) -> list[int]:
    """The seasons a session due now could belong to (a give-up window can span New Year)."""
    return sorted({now.year, (now - settings.give_up_after - END_MARGIN - timedelta(hours=3)).year})


@dataclass(frozen=True)
class Availability:
    """Whether a source has a session's data yet, and why not."""

    ready: bool
    reason: str = ""


Probe = Callable[[CalendarSession, str], Availability]


@dataclass
class WeekendCursor:
    """What the sensor has done: sources requested per session, sessions still waiting (with
    the last reason), sources given up. JSON in the sensor cursor; an empty, malformed or older
    cursor reads as empty (run keys still stop duplicates)."""

    requested: dict[str, list[str]] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)
    given_up: dict[str, dict[str, str]] = field(default_factory=dict)
    last_evaluation: str | None = None

    @classmethod
    def from_json(cls, text: str | None) -> WeekendCursor:
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            return cls()
        if not isinstance(data, dict) or data.get("version") != CURSOR_VERSION:
            return cls()
        return cls(
            requested={k: list(v) for k, v in data.get("requested", {}).items()},
            waiting=dict(data.get("waiting", {})),
            given_up={k: dict(v) for k, v in data.get("given_up", {}).items()},
            last_evaluation=data.get("last_evaluation"),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": CURSOR_VERSION,
                "requested": {k: sorted(v) for k, v in sorted(self.requested.items())},
                "waiting": dict(sorted(self.waiting.items())),
                "given_up": {k: dict(sorted(v.items())) for k, v in sorted(self.given_up.items())},
                "last_evaluation": self.last_evaluation,
            },
            sort_keys=True,
        )


@dataclass(frozen=True)
class SessionRun:
    """One run to request: a session's partition, the sources to land, its run key."""

    key: str
    sources: tuple[str, ...]
    run_key: str


@dataclass
class Evaluation:
    runs: list[SessionRun]
    notes: list[str]
    cursor: WeekendCursor

    def skip_reason(self) -> str:
        return "; ".join(self.notes) or "nothing to do"


def run_key_for(key: str, sources: Sequence[str], already_requested: bool) -> str:
    """`KEY:initial` for a session's first run (the one Dagster dedupes across restarts); a
    source that published later gets its own run, `KEY:openf1`."""
    return f"{key}:{'+'.join(sources)}" if already_requested else f"{key}:initial"


def evaluate(
    sessions: Sequence[CalendarSession],
    registered: Iterable[str],
    now: datetime,
    settings: AutomationSettings,
    cursor: WeekendCursor,
    probe: Probe,
) -> Evaluation:
    """Decide one tick of the race-weekend sensor.

    A session is considered from `due_at` (end + publish delay) until `give_up_at`. Each of its
    expected sources is probed until it has data (then requested, once) or the give-up time
    passes (then given up). Sessions no longer registered as partitions (cancelled, dropped by
    the calendar) are never requested and leave the cursor.
    """
    registered = set(registered)
    tick = Evaluation(runs=[], notes=[], cursor=_next_cursor(cursor, now))
    _forget_cancelled(tick, cursor, {str(s.key) for s in sessions}, registered)
    upcoming: CalendarSession | None = None
    for session in sessions:
        if str(session.key) not in registered:
            continue
        if now < session.due_at(settings):
            upcoming = upcoming or session
        elif now >= session.give_up_at(settings):
            _give_up(tick, cursor, session, now, settings)
        else:
            _probe_due(tick, session, settings, probe)
    if not tick.runs and not tick.notes:
        tick.notes.append(_idle_note(upcoming, settings))
    return tick


def _next_cursor(cursor: WeekendCursor, now: datetime) -> WeekendCursor:
    """The cursor this tick starts from: what was requested or given up carries over; who is
    waiting is decided again."""
    return WeekendCursor(
        requested={k: list(v) for k, v in cursor.requested.items()},
        given_up={k: dict(v) for k, v in cursor.given_up.items()},
        last_evaluation=now.isoformat(),
    )


def _forget_cancelled(
    tick: Evaluation, cursor: WeekendCursor, calendar_keys: set[str], registered: set[str]
) -> None:
    """Sessions the calendar or the partitions lost leave the cursor (noted if one waited)."""
    for key in sorted(set(cursor.requested) | set(cursor.waiting) | set(cursor.given_up)):
        if key not in calendar_keys or key not in registered:
            tick.cursor.requested.pop(key, None)
            tick.cursor.given_up.pop(key, None)
            if key in cursor.waiting:
                tick.notes.append(f"{key}: cancelled (no longer in the calendar), not scheduled")


def _give_up(
    tick: Evaluation,
    cursor: WeekendCursor,
    session: CalendarSession,
    now: datetime,
    settings: AutomationSettings,
) -> None:
    """Past its give-up time: the sources still waited for are given up (once), and the
    session leaves the cursor after `GIVEN_UP_RETENTION`."""
    key = str(session.key)
    nxt = tick.cursor
    if key in cursor.waiting:
        pending = _pending(session, nxt)
        nxt.given_up.setdefault(key, {}).update(
            {
                source: f"no data {_hours(settings.give_up_after)} after the session "
                f"ended; last: {cursor.waiting[key]}"
                for source in pending
            }
        )
        tick.notes.append(f"{key}: gave up on {', '.join(pending)} ({cursor.waiting[key]})")
    if now >= session.give_up_at(settings) + GIVEN_UP_RETENTION:
        nxt.given_up.pop(key, None)
    nxt.requested.pop(key, None)


def _probe_due(
    tick: Evaluation, session: CalendarSession, settings: AutomationSettings, probe: Probe
) -> None:
    """A due session: probe each pending source, request the ready ones in one run, note why
    the others wait."""
    key = str(session.key)
    nxt = tick.cursor
    pending = _pending(session, nxt)
    if not pending:
        return
    answers = {source: probe(session, source) for source in pending}
    ready = tuple(s for s in pending if answers[s].ready)
    if ready:
        tick.runs.append(
            SessionRun(key, ready, run_key_for(key, ready, bool(nxt.requested.get(key))))
        )
        nxt.requested[key] = sorted({*nxt.requested.get(key, []), *ready})
    waiting = [f"{s}: {answers[s].reason}" for s in pending if not answers[s].ready]
    if waiting:
        nxt.waiting[key] = "; ".join(waiting)
        tick.notes.append(
            f"{key}: waiting ({nxt.waiting[key]}); gives up at "
            f"{session.give_up_at(settings):%Y-%m-%d %H:%M}Z"
        )


def _idle_note(upcoming: CalendarSession | None, settings: AutomationSettings) -> str:
    """Why a tick did nothing: the next session and when it is due, or that none is known."""
    if upcoming is None:
        return "no session due and none upcoming in the loaded calendars"
    return (
        f"no session due; next: {upcoming.key} due at {upcoming.due_at(settings):%Y-%m-%d %H:%M}Z"
    )


def _pending(session: CalendarSession, cursor: WeekendCursor) -> tuple[str, ...]:
    key = str(session.key)
    done = set(cursor.requested.get(key, [])) | set(cursor.given_up.get(key, {}))
    return tuple(s for s in expected_sources(session.key) if s not in done)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:g} h"


def weekends_to_correct(
    sessions: Sequence[CalendarSession],
    registered: Iterable[str],
    now: datetime,
    settings: AutomationSettings,
    window: timedelta,
) -> list[CalendarSession]:
    """The sessions of every race weekend whose last session became due within `window` before
    `now` (Monday: the weekend just run; Thursday: the same weekend again)."""
    registered = set(registered)
    weekends: dict[tuple[int, int], list[CalendarSession]] = {}
    for session in sessions:
        if str(session.key) in registered:
            weekends.setdefault((session.key.season, session.key.round), []).append(session)
    chosen: list[CalendarSession] = []
    for weekend in weekends.values():
        last_due = max(s.due_at(settings) for s in weekend)
        if now - window < last_due <= now:
            chosen.extend(weekend)
    return sorted(chosen, key=lambda s: (s.start_utc, s.key))
