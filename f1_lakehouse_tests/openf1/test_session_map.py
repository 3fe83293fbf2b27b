"""Partition key -> OpenF1 session_key, over the recorded meetings/sessions and name rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from f1_lakehouse.lib.openf1.resource import OpenF1Resource
from f1_lakehouse.lib.openf1.session_map import (
    ScheduledRace,
    SessionMappingError,
    resolve_session,
    scheduled_race,
    session_codes,
)
from f1_lakehouse.lib.session_keys import SessionKey
from f1_lakehouse_tests.openf1.support import fast_resource


@pytest.fixture(scope="module")
def openf1(replay_server: Any) -> Any:
    resource: OpenF1Resource = fast_resource(replay_server.base_url)
    with resource.connected() as client:
        yield client


@pytest.mark.parametrize(
    ("key", "session_key", "name"),
    [
        ("2024-18-R", 9606, "Race"),
        ("2024-18-Q", 9602, "Qualifying"),
        ("2024-18-FP1", 9599, "Practice 1"),
        ("2024-18-FP3", 9601, "Practice 3"),
    ],
)
def test_recorded_singapore_sessions(openf1: Any, key: str, session_key: int, name: str) -> None:
    resolved = resolve_session(openf1.get, SessionKey.parse(key))
    assert resolved.session_key == session_key
    assert resolved.meeting_key == 1246
    assert resolved.session["session_name"] == name
    assert resolved.meeting["meeting_name"] == "Singapore Grand Prix"


def test_round_is_placed_by_the_race_table() -> None:
    race = scheduled_race(2024, 18)
    assert race is not None and race.name == "Singapore Grand Prix"
    assert str(race.race_date) == "2024-09-22"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("2024-18-S", "has no session code S; its sessions: FP1 = Practice 1 (9599)"),
        ("2024-18-SQ", "has no session code SQ"),
        ("2024-05-R", "round 5 of 2024 is the Chinese Grand Prix (race on 2024-04-21)"),
        ("2023-18-R", "OpenF1 lists no meetings for 2023"),
    ],
)
def test_unmappable_keys_fail_clearly(openf1: Any, key: str, expected: str) -> None:
    with pytest.raises(SessionMappingError) as info:
        resolve_session(openf1.get, SessionKey.parse(key))
    assert expected in str(info.value)
    assert key in str(info.value)


# --- naming rules, on minimal made-up records (shape only; no real keys or dates) -------------


def _session(key: int, name: str, day: int, **extra: object) -> dict[str, object]:
    return {"session_key": key, "session_name": name, "date_start": f"2099-01-0{day}T10:00:00"} | (
        extra
    )


@pytest.mark.parametrize(
    ("season", "names", "expected"),
    [
        # 2023: "Sprint Shootout" then "Sprint"
        (2023, ["Practice 1", "Qualifying", "Sprint Shootout", "Sprint"], ["FP1", "Q", "SQ", "S"]),
        # 2024 on: "Sprint Qualifying" then "Sprint"
        (
            2024,
            ["Practice 1", "Sprint Qualifying", "Sprint", "Qualifying", "Race"],
            ["FP1", "SQ", "S", "Q", "R"],
        ),
        # OpenF1 has also called a 2023 sprint itself "Sprint Qualifying": time order decides
        (
            2023,
            ["Practice 1", "Qualifying", "Sprint Shootout", "Sprint Qualifying", "Race"],
            ["FP1", "Q", "SQ", "S", "R"],
        ),
        # 2021: one sprint session, "Sprint Qualifying", which was the sprint race
        (
            2021,
            ["Practice 1", "Qualifying", "Practice 2", "Sprint Qualifying", "Race"],
            ["FP1", "Q", "FP2", "S", "R"],
        ),
        (2024, ["Day 1", "Day 2"], [None, None]),
    ],
)
def test_session_codes_follow_openf1_naming(
    season: int, names: list[str], expected: list[str | None]
) -> None:
    sessions = [_session(i + 1, n, i + 1) for i, n in enumerate(names)]
    assert [code for _, code in session_codes(season, sessions)] == expected


def test_cancelled_sessions_are_skipped() -> None:
    sessions = [_session(1, "Race", 1, is_cancelled=True), _session(2, "Race", 2)]
    assert [s["session_key"] for s, _ in session_codes(2099, sessions)] == [2]


class FakeApi:
    """Answers meetings/sessions queries from lists (shape-only records)."""

    def __init__(self, meetings: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> None:
        self.meetings, self.sessions = meetings, sessions

    def get(self, endpoint: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        rows = self.meetings if endpoint == "meetings" else self.sessions
        return [r for r in rows if all(r.get(k) == v for k, v in params.items())]


def _meeting(key: int, name: str, day: str, **extra: object) -> dict[str, object]:
    return {"meeting_key": key, "meeting_name": name, "date_start": day, "year": 2099} | extra


def test_calendar_order_fallback_skips_testing_and_cancelled() -> None:
    api = FakeApi(
        [
            _meeting(3, "Second GP", "2099-03-20T10:00:00"),
            _meeting(1, "Pre-Season Testing", "2099-02-20T10:00:00"),
            _meeting(2, "First GP", "2099-03-01T10:00:00"),
            _meeting(4, "Called Off GP", "2099-03-10T10:00:00", is_cancelled=True),
        ],
        [_session(30, "Race", 1, meeting_key=3)],
    )
    resolved = resolve_session(api.get, SessionKey.parse("2099-02-R"), lambda s, r: None)
    assert (resolved.meeting_key, resolved.session_key) == (3, 30)
    with pytest.raises(SessionMappingError, match="calendar has 2 championship meetings"):
        resolve_session(api.get, SessionKey.parse("2099-03-R"), lambda s, r: None)


def test_meeting_matched_by_name_when_dates_do_not_fit() -> None:
    api = FakeApi(
        [_meeting(7, "Some Grand Prix", "2099-05-01T10:00:00")],
        [_session(70, "Race", 3, meeting_key=7)],
    )
    race = ScheduledRace(2099, 4, "Some  grand prix", date(2099, 6, 1))
    resolved = resolve_session(api.get, SessionKey.parse("2099-04-R"), lambda s, r: race)
    assert resolved.session_key == 70
