"""The live sensor's decisions: follow a session from before its start to its end, never stack
a second run on one in flight, compact once after the end while micro-batches remain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from f1_lakehouse.lib.automation.race_weekend import CalendarSession
from f1_lakehouse.lib.live.schedule import GIVE_UP, LEAD, live_requests
from f1_lakehouse.lib.session_keys import SessionKey

RACE = CalendarSession(
    SessionKey.parse("2024-18-R"),
    "Race",
    "Singapore Grand Prix",
    datetime(2024, 9, 22, 12, 0, tzinfo=UTC),
)
OLD = CalendarSession(
    SessionKey.parse("2018-04-R"), "Race", "Azerbaijan Grand Prix", RACE.start_utc
)


def _modes(now: datetime, in_flight: frozenset[str] = frozenset(), batches: bool = True):
    requests, waiting = live_requests([RACE, OLD], now, set(in_flight), lambda key: batches)
    return [(r.key, r.mode) for r in requests], waiting


def test_polls_from_before_the_start_to_the_end() -> None:
    assert _modes(RACE.start_utc - LEAD - timedelta(seconds=1))[0] == []
    assert _modes(RACE.start_utc - LEAD)[0] == [("2024-18-R", "poll")]
    assert _modes(RACE.end_utc - timedelta(seconds=1))[0] == [("2024-18-R", "poll")]


def test_a_run_in_flight_is_not_stacked() -> None:
    requests, waiting = _modes(RACE.start_utc, frozenset({"2024-18-R"}))
    assert requests == []
    assert waiting == ["2024-18-R: a live run is still going (coalesced, not stacked)"]


def test_compacts_after_the_end_while_micro_batches_remain() -> None:
    assert _modes(RACE.end_utc)[0] == [("2024-18-R", "compact")]
    assert _modes(RACE.end_utc, batches=False)[0] == []
    assert _modes(RACE.end_utc + GIVE_UP)[0] == []


def test_seasons_before_openf1_are_not_followed() -> None:
    requests, _ = live_requests([OLD], OLD.start_utc, set(), lambda key: True)
    assert requests == []
