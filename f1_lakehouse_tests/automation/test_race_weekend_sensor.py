"""The race-weekend sensor on frozen clocks over the recorded 2023 calendar (Baku, round 4, a
sprint weekend: FP1 Fri 09:30, Q Fri 13:00, SQ Sat 08:30, S Sat 13:30, R Sun 11:00 UTC).

Defaults: a session ends at start + its duration + 15 min; due 30 min later; given up 72 h
after its end. So FP1 ends 10:45 and is due 11:15; S ends 14:45 and is due 15:15.
"""

from __future__ import annotations

import json

import dagster as dg
import pytest

from f1_lakehouse.defs.automation.jobs import (
    FASTF1_KEYS,
    OPENF1_KEYS,
    SILVER_KEYS,
    session_asset_keys,
)
from f1_lakehouse.defs.automation.sensors import build_race_weekend_sensor
from f1_lakehouse.lib.automation.race_weekend import Availability, WeekendCursor
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse_tests.automation.conftest import FakeProbe, resources

FF, OF = "fastf1", "openf1"
BOTH = (FF, OF)


class Tick:
    """One sensor evaluation at a frozen instant, carrying the cursor like the daemon does."""

    def __init__(self, instance, root, monkeypatch, probe: FakeProbe) -> None:  # type: ignore[no-untyped-def]
        self.instance, self.root, self.monkeypatch, self.probe = instance, root, monkeypatch, probe
        self.sensor = build_race_weekend_sensor(probe.factory, name="race_weekend_sensor_test")
        self.cursor: str | None = None

    def __call__(self, at: str) -> dg.SensorResult:
        self.monkeypatch.setenv("F1_LAKEHOUSE_NOW", at)
        self.probe.calls.clear()
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources=resources(self.root)
        )
        result = self.sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursor = result.cursor
        return result

    @property
    def state(self) -> dict:
        state = json.loads(self.cursor or "{}")
        state.pop("last_evaluation", None)
        return state


@pytest.fixture
def probe() -> FakeProbe:
    return FakeProbe()


@pytest.fixture
def tick(instance, calendar_root, monkeypatch, probe) -> Tick:  # type: ignore[no-untyped-def]
    return Tick(instance, calendar_root, monkeypatch, probe)


def request(key: str, sources: tuple[str, ...], run_key: str | None = None) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key or f"{key}:initial",
        partition_key=key,
        asset_selection=session_asset_keys(sources),
        tags={"f1_lakehouse/trigger": "race_weekend", "f1_lakehouse/sources": ",".join(sources)},
    )


def cursor(requested=None, waiting=None, given_up=None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "version": 1,
        "requested": requested or {},
        "waiting": waiting or {},
        "given_up": given_up or {},
    }


def test_a_session_run_lands_fastf1_bronze_silver_and_openf1_bronze() -> None:
    assert session_asset_keys(BOTH) == [*FASTF1_KEYS, *SILVER_KEYS, *OPENF1_KEYS]
    assert session_asset_keys((OF,)) == [*OPENF1_KEYS, *SILVER_KEYS]
    assert len(FASTF1_KEYS) == 10 and SILVER_KEYS and OPENF1_KEYS


def test_before_the_session_nothing_is_probed(tick: Tick) -> None:
    result = tick("2023-04-28T09:00:00Z")
    assert result.run_requests == []
    assert (
        result.skip_reason.skip_message
        == "no session due; next: 2023-04-FP1 due at 2023-04-28 11:15Z"
    )
    assert tick.probe.calls == []
    assert tick.state == cursor()
    assert json.loads(tick.cursor)["last_evaluation"] == "2023-04-28T09:00:00+00:00"


def test_just_after_the_session_it_waits_for_the_publish_delay(tick: Tick) -> None:
    tick.probe.publish("2023-04-FP1", *BOTH)  # even data already there is not asked for
    result = tick("2023-04-28T11:00:00Z")
    assert result.run_requests == []
    assert result.skip_reason.skip_message.startswith(
        "no session due; next: 2023-04-FP1 due at 2023-04-28 11:15Z"
    )
    assert tick.probe.calls == []


def test_after_the_delay_the_session_run_is_requested_once(tick: Tick) -> None:
    tick.probe.publish("2023-04-FP1", *BOTH)
    result = tick("2023-04-28T11:16:00Z")
    assert result.run_requests == [request("2023-04-FP1", BOTH)]
    assert tick.state == cursor(requested={"2023-04-FP1": ["fastf1", "openf1"]})
    # The next tick neither probes nor requests it again.
    result = tick("2023-04-28T11:17:00Z")
    assert result.run_requests == []
    assert tick.probe.calls == []
    assert "next: 2023-04-Q due at 2023-04-28 14:45Z" in result.skip_reason.skip_message


def test_no_data_yet_skips_with_the_reason_and_retries_on_the_next_tick(tick: Tick) -> None:
    result = tick("2023-04-28T11:20:00Z")
    assert result.run_requests == []
    assert result.skip_reason.skip_message == (
        "2023-04-FP1: waiting (fastf1: no data yet; openf1: no data yet); "
        "gives up at 2023-05-01 10:45Z"
    )
    assert tick.probe.calls == [("2023-04-FP1", FF), ("2023-04-FP1", OF)]
    tick.probe.ready[("2023-04-FP1", FF)] = Availability(
        False, "session not finalised yet (last status Started)"
    )
    tick("2023-04-28T11:40:00Z")
    assert tick.state["waiting"] == {
        "2023-04-FP1": "fastf1: session not finalised yet (last status Started); openf1: no data yet"
    }
    tick.probe.publish("2023-04-FP1", FF)
    result = tick("2023-04-28T12:00:00Z")
    assert result.run_requests == [request("2023-04-FP1", (FF,))]
    assert tick.state == cursor(
        requested={"2023-04-FP1": ["fastf1"]}, waiting={"2023-04-FP1": "openf1: no data yet"}
    )
    # OpenF1 publishing later gets its own run (bronze only), keyed by source.
    tick.probe.publish("2023-04-FP1", OF)
    result = tick("2023-04-28T12:30:00Z")
    assert result.run_requests == [request("2023-04-FP1", (OF,), run_key="2023-04-FP1:openf1")]
    assert tick.state == cursor(requested={"2023-04-FP1": ["fastf1", "openf1"]})


def test_after_the_give_up_time_the_session_is_given_up(tick: Tick) -> None:
    tick.probe.publish("2023-04-FP1", FF)
    tick("2023-04-28T11:20:00Z")  # FastF1 lands, OpenF1 never does
    result = tick("2023-05-01T10:46:00Z")  # FP1 ended Fri 10:45; 72 h later
    assert [r.run_key for r in result.run_requests] == []
    assert ("2023-04-FP1", OF) not in tick.probe.calls  # not probed any more
    assert tick.state["given_up"] == {
        "2023-04-FP1": {"openf1": "no data 72 h after the session ended; last: openf1: no data yet"}
    }
    assert (
        "2023-04-FP1" not in tick.state["requested"] and "2023-04-FP1" not in tick.state["waiting"]
    )
    assert "2023-04-FP1: gave up on openf1 (openf1: no data yet)" in result.skip_reason.skip_message
    # The rest of the weekend is still within its window and keeps being probed.
    assert set(tick.state["waiting"]) == {"2023-04-Q", "2023-04-SQ", "2023-04-S", "2023-04-R"}
    # A week after giving up, the cursor forgets the session (the race, given up later, stays).
    tick("2023-05-08T11:00:00Z")
    assert "2023-04-FP1" not in tick.state["given_up"] and "2023-04-R" in tick.state["given_up"]


def test_a_cancelled_session_is_never_scheduled(tick: Tick, instance: dg.DagsterInstance) -> None:
    tick("2023-04-30T13:50:00Z")  # the race is due 13:45; nothing published yet
    assert "2023-04-R" in tick.state["waiting"]
    # The calendar refresh drops the race (the calendar asset deletes its partition).
    instance.delete_dynamic_partition(SESSION_PARTITIONS_NAME, "2023-04-R")
    tick.probe.publish("2023-04-R", *BOTH)
    result = tick("2023-04-30T14:00:00Z")
    assert result.run_requests == []
    assert (
        "2023-04-R: cancelled (no longer in the calendar), not scheduled"
        in result.skip_reason.skip_message
    )
    assert ("2023-04-R", FF) not in tick.probe.calls
    assert "2023-04-R" not in tick.state["waiting"]


def test_a_sprint_weekend_requests_each_session_in_calendar_order(tick: Tick) -> None:
    for key in ("2023-04-FP1", "2023-04-Q", "2023-04-SQ", "2023-04-S", "2023-04-R"):
        tick.probe.publish(key, *BOTH)
    assert tick("2023-04-28T15:00:00Z").run_requests == [
        request("2023-04-FP1", BOTH),
        request("2023-04-Q", BOTH),
    ]
    assert tick("2023-04-29T10:01:00Z").run_requests == [request("2023-04-SQ", BOTH)]  # SQ: 45 min
    assert tick("2023-04-29T15:14:00Z").run_requests == []
    assert tick("2023-04-29T15:15:00Z").run_requests == [request("2023-04-S", BOTH)]
    assert tick("2023-04-30T13:45:00Z").run_requests == [request("2023-04-R", BOTH)]  # R: 120 min
    assert set(tick.state["requested"]) == {
        "2023-04-FP1", "2023-04-Q", "2023-04-SQ", "2023-04-S", "2023-04-R",
    }  # fmt: skip


def test_a_daemon_restart_mid_weekend_does_not_duplicate_runs(
    tick: Tick,
    instance,
    calendar_root,
    monkeypatch,
    probe,  # type: ignore[no-untyped-def]
) -> None:
    for key in ("2023-04-FP1", "2023-04-Q", "2023-04-SQ", "2023-04-S"):
        probe.publish(key, *BOTH)
    first = tick("2023-04-28T15:00:00Z")
    assert [r.run_key for r in first.run_requests] == ["2023-04-FP1:initial", "2023-04-Q:initial"]

    # Restart: a new sensor object in a new process; the daemon hands back the stored cursor.
    restarted = Tick(instance, calendar_root, monkeypatch, probe)
    restarted.cursor = tick.cursor
    result = restarted("2023-04-29T15:20:00Z")
    assert [r.run_key for r in result.run_requests] == ["2023-04-SQ:initial", "2023-04-S:initial"]
    assert ("2023-04-FP1", FF) not in probe.calls

    # Even with the cursor lost, the sessions come back under the same run keys, which Dagster
    # dedupes per sensor: a restart never launches a second run.
    lost = Tick(instance, calendar_root, monkeypatch, probe)
    replayed = lost("2023-04-29T15:20:00Z")
    assert [r.run_key for r in replayed.run_requests] == [
        "2023-04-FP1:initial", "2023-04-Q:initial", "2023-04-SQ:initial", "2023-04-S:initial",
    ]  # fmt: skip


@pytest.mark.parametrize("stored", [None, "", "not json", "[]", '{"version": 0, "requested": 3}'])
def test_an_empty_malformed_or_old_cursor_reads_as_empty(stored: str | None) -> None:
    assert WeekendCursor.from_json(stored) == WeekendCursor()


def test_settings_come_from_the_environment(tick: Tick, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_PUBLISH_DELAY_MINUTES", "5")
    monkeypatch.setenv("F1_LAKEHOUSE_GIVE_UP_HOURS", "1")
    tick.probe.publish("2023-04-S", FF)
    assert tick("2023-04-29T14:49:00Z").run_requests == []  # S ends 14:45, due 14:50
    assert tick("2023-04-29T14:50:00Z").run_requests == [request("2023-04-S", (FF,))]
    result = tick("2023-04-29T15:45:00Z")  # give up one hour after the end
    assert tick.state["given_up"] == {
        "2023-04-S": {"openf1": "no data 1 h after the session ended; last: openf1: no data yet"}
    }
    assert result.run_requests == []


def test_openf1_is_not_expected_before_its_first_season() -> None:
    from f1_lakehouse.defs.openf1.assets import OPENF1_FIRST_SEASON
    from f1_lakehouse.lib.automation import race_weekend
    from f1_lakehouse.lib.session_keys import SessionKey

    assert race_weekend.OPENF1_FIRST_SEASON == OPENF1_FIRST_SEASON
    assert race_weekend.expected_sources(SessionKey.parse("2018-04-R")) == ("fastf1",)
    assert race_weekend.expected_sources(SessionKey.parse("2023-04-S")) == BOTH
