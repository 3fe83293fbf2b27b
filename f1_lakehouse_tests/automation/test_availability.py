"""The real availability probes against the recordings (replay mode), and the one clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from f1_lakehouse.lib import clock
from f1_lakehouse.lib.automation.availability import source_probe
from f1_lakehouse.lib.automation.race_weekend import CalendarSession
from f1_lakehouse.lib.session_keys import SessionKey


def session(key: str, name: str, event: str) -> CalendarSession:
    return CalendarSession(SessionKey.parse(key), name, event, datetime(2000, 1, 1, tzinfo=UTC))


SPRINT_2023 = session("2023-04-S", "Sprint", "Azerbaijan Grand Prix")
SINGAPORE_2024 = session("2024-18-R", "Race", "Singapore Grand Prix")


def test_fastf1_has_a_recorded_session_and_not_an_unrecorded_one(calendar_root) -> None:  # type: ignore[no-untyped-def]
    with source_probe("replay", calendar_root) as probe:
        started = time.monotonic()
        assert probe(SPRINT_2023, "fastf1").ready
        assert probe(session("2018-04-R", "Race", "Azerbaijan Grand Prix"), "fastf1").ready
        missing = probe(SINGAPORE_2024, "fastf1")
        assert time.monotonic() - started < 5  # a sensor tick stays fast
    assert not missing.ready
    assert missing.reason.startswith("no livetiming data yet (SessionNotAvailableError")


def test_openf1_has_singapore_2024_only(calendar_root) -> None:  # type: ignore[no-untyped-def]
    with source_probe("replay", calendar_root) as probe:
        assert probe(SINGAPORE_2024, "openf1").ready
        sprint = probe(SPRINT_2023, "openf1")
    assert not sprint.ready
    assert "OpenF1 lists no meetings for 2023" in sprint.reason


def test_the_clock_is_frozen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    given = datetime(2024, 1, 1, 12, tzinfo=UTC)
    monkeypatch.delenv(clock.NOW_ENV, raising=False)
    assert clock.now(given) == given
    assert abs((clock.now() - datetime.now(UTC)).total_seconds()) < 5
    monkeypatch.setenv(clock.NOW_ENV, "2023-04-29T15:20:00Z")
    assert clock.now(given) == datetime(2023, 4, 29, 15, 20, tzinfo=UTC)
    monkeypatch.setenv(clock.NOW_ENV, "2023-04-29T17:20:00+02:00")
    assert clock.now() == datetime(2023, 4, 29, 15, 20, tzinfo=UTC)
    monkeypatch.setenv(clock.NOW_ENV, "last tuesday")
    with pytest.raises(clock.ClockError, match="F1_LAKEHOUSE_NOW"):
        clock.now()
