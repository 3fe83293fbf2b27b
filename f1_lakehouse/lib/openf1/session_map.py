"""Map a session partition key (`2024-18-R`) to OpenF1's meeting and session.

OpenF1 has no round numbers. The round is placed on the calendar with the bundled Ergast/Jolpica
race table (season, round -> Grand Prix name and race date); the OpenF1 meeting of that year is
the one whose dates contain the race date (or, failing that, whose name matches). Seasons the
table does not cover fall back to OpenF1's own calendar order (testing and cancelled meetings
excluded). The session is then picked by name, with OpenF1's sprint naming resolved by time
order: it has called the sprint-qualifying session "Sprint Shootout" and "Sprint Qualifying",
and 2023 sprints themselves "Sprint Qualifying" in places, so on a weekend with two sprint
sessions the earlier is SQ and the later S.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from f1_lakehouse.lib.openf1.dates import parse_openf1_date
from f1_lakehouse.lib.session_keys import SessionKey, session_code
from f1_lakehouse.lib.settings import BUNDLED_DATA

Fetch = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]
RACES_CSV = BUNDLED_DATA / "ergast_csv" / "races.csv.gz"
# A meeting without date_end (2023-2024 responses) is taken to span its first day + 3 days.
_MEETING_SPAN = timedelta(days=3)


class SessionMappingError(LookupError):
    """A partition key that has no OpenF1 session."""


class MeetingNotListed(SessionMappingError):
    """OpenF1 lists no meeting for the key's season and round (in replay: not recorded)."""


@dataclass(frozen=True)
class ScheduledRace:
    """One championship round as the race table lists it."""

    season: int
    round: int
    name: str
    race_date: date


@dataclass(frozen=True)
class ResolvedSession:
    """The OpenF1 records behind one partition key."""

    key: SessionKey
    meeting: dict[str, Any]
    session: dict[str, Any]

    @property
    def meeting_key(self) -> int:
        return int(self.meeting["meeting_key"])

    @property
    def session_key(self) -> int:
        return int(self.session["session_key"])

    @property
    def date_start(self) -> datetime | None:
        return _date(self.session.get("date_start"))

    @property
    def date_end(self) -> datetime | None:
        return _date(self.session.get("date_end"))

    def describe(self) -> str:
        return (
            f"{self.key} = OpenF1 session {self.session_key} ({self.session.get('session_name')}) "
            f"of meeting {self.meeting_key} ({self.meeting.get('meeting_name')})"
        )


@cache
def _race_table(path: Path) -> dict[tuple[int, int], ScheduledRace]:
    if not path.exists():
        return {}
    table: dict[tuple[int, int], ScheduledRace] = {}
    with gzip.open(path, "rt", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                race = ScheduledRace(
                    int(row["year"]),
                    int(row["round"]),
                    row["name"],
                    date.fromisoformat(row["date"]),
                )
            except (KeyError, ValueError):
                continue  # ragged or \N rows carry no usable date
            table[(race.season, race.round)] = race
    return table


def scheduled_race(season: int, round_: int, path: Path = RACES_CSV) -> ScheduledRace | None:
    """The bundled race table's entry for a round, if it covers it."""
    return _race_table(path).get((season, round_))


def resolve_session(
    fetch: Fetch,
    key: SessionKey,
    calendar: Callable[[int, int], ScheduledRace | None] = scheduled_race,
) -> ResolvedSession:
    """Find the OpenF1 meeting and session of a partition key, or fail saying why."""
    meetings = fetch("meetings", {"year": key.season})
    if not meetings:
        raise MeetingNotListed(f"{key}: OpenF1 lists no meetings for {key.season}")
    meeting = _pick_meeting(key, meetings, calendar(key.season, key.round))
    sessions = fetch("sessions", {"meeting_key": meeting["meeting_key"]})
    return ResolvedSession(key, meeting, _pick_session(key, meeting, sessions))


def _pick_meeting(
    key: SessionKey, meetings: Sequence[dict[str, Any]], race: ScheduledRace | None
) -> dict[str, Any]:
    listed = "; ".join(
        f"{m.get('meeting_name')} ({m.get('meeting_key')}, {str(m.get('date_start'))[:10]})"
        for m in sorted(meetings, key=lambda m: str(m.get("date_start")))
    )
    if race is not None:
        by_date = [m for m in meetings if _meeting_contains(m, race.race_date)]
        by_name = [m for m in meetings if _norm(m.get("meeting_name")) == _norm(race.name)]
        found = by_date if len(by_date) == 1 else by_name
        if len(found) == 1:
            return found[0]
        raise MeetingNotListed(
            f"{key}: round {key.round} of {key.season} is the {race.name} (race on "
            f"{race.race_date}), but {len(found)} OpenF1 meetings match it; OpenF1 lists: {listed}"
        )
    ordered = sorted(
        (m for m in meetings if not _is_testing(m) and not m.get("is_cancelled")),
        key=lambda m: str(m.get("date_start")),
    )
    if not 1 <= key.round <= len(ordered):
        raise MeetingNotListed(
            f"{key}: the race table has no round {key.round} for {key.season} and OpenF1's "
            f"calendar has {len(ordered)} championship meetings; OpenF1 lists: {listed}"
        )
    return ordered[key.round - 1]


def _pick_session(
    key: SessionKey, meeting: dict[str, Any], sessions: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    coded = session_codes(key.season, sessions)
    found = [s for s, code in coded if code == key.code]
    if len(found) == 1:
        return found[0]
    listed = ", ".join(
        f"{code or '?'} = {s.get('session_name')} ({s.get('session_key')})" for s, code in coded
    )
    problem = "has no" if not found else f"has {len(found)} sessions for"
    raise SessionMappingError(
        f"{key}: OpenF1 meeting {meeting.get('meeting_key')} ({meeting.get('meeting_name')}) "
        f"{problem} session code {key.code}; its sessions: {listed or 'none'}"
    )


def session_codes(
    season: int, sessions: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], str | None]]:
    """Each OpenF1 session with its partition code (None for testing days and the like)."""
    live = [s for s in sessions if not s.get("is_cancelled")]
    sprintish = sorted(
        (s for s in live if "sprint" in _norm(s.get("session_name"))),
        key=lambda s: str(s.get("date_start")),
    )
    codes: dict[int, str | None] = {}
    if len(sprintish) == 2:  # 2023 on: sprint qualifying first, then the sprint
        codes[id(sprintish[0])], codes[id(sprintish[1])] = "SQ", "S"
    elif len(sprintish) == 1 and season <= 2022:
        codes[id(sprintish[0])] = "S"
    out = []
    for s in sorted(live, key=lambda s: str(s.get("date_start"))):
        code = codes.get(id(s)) if id(s) in codes else session_code(season, s.get("session_name"))
        out.append((s, code))
    return out


def _meeting_contains(meeting: dict[str, Any], day: date) -> bool:
    start = _date(meeting.get("date_start"))
    if start is None:
        return False
    end = _date(meeting.get("date_end")) or start + _MEETING_SPAN
    return start.date() <= day <= end.date()


def _is_testing(meeting: dict[str, Any]) -> bool:
    return "test" in _norm(meeting.get("meeting_name"))


def _date(value: Any) -> datetime | None:
    return parse_openf1_date(value) if isinstance(value, str) and value else None


def _norm(value: Any) -> str:
    return " ".join(str(value or "").split()).lower()
