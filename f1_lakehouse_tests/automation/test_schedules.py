"""The calendar-sync and corrections schedules on frozen tick times (recorded 2023 calendar)."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from f1_lakehouse.defs.automation.jobs import session_asset_keys
from f1_lakehouse.defs.automation.schedules import (
    CALENDAR_CRON,
    CORRECTIONS_CRON,
    build_corrections_schedule,
    calendar_sync_schedule,
)
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse_tests.automation.conftest import FakeProbe, resources

BAKU = ("2023-04-FP1", "2023-04-Q", "2023-04-SQ", "2023-04-S", "2023-04-R")
MIAMI = ("2023-05-FP1", "2023-05-FP2", "2023-05-FP3", "2023-05-Q", "2023-05-R")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_calendar_sync_refreshes_the_season_of_the_tick() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=at("2024-03-01T05:00:00"))
    assert calendar_sync_schedule(context) == dg.RunRequest(
        run_key="calendar:2024-03-01",
        run_config={"ops": {"bronze__fastf1__calendar": {"config": {"seasons": [2024]}}}},
        tags={"f1_lakehouse/trigger": "calendar_sync"},
    )
    assert CALENDAR_CRON == "0 5 * * *"


def test_calendar_sync_follows_the_frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("F1_LAKEHOUSE_NOW", "2023-04-29T15:20:00Z")
    context = dg.build_schedule_context(scheduled_execution_time=at("2026-01-01T05:00:00"))
    request = calendar_sync_schedule(context)
    assert request.run_key == "calendar:2023-04-29"
    assert request.run_config["ops"]["bronze__fastf1__calendar"]["config"]["seasons"] == [2023]


@pytest.fixture
def probe() -> FakeProbe:
    probe = FakeProbe()
    for key in BAKU + MIAMI:
        probe.publish(key, "fastf1")
    probe.publish("2023-04-R", "openf1")
    return probe


def corrections(instance, root, probe, tick: str):  # type: ignore[no-untyped-def]
    schedule = build_corrections_schedule(probe.factory, name="corrections_test")
    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=at(tick), resources=resources(root)
    )
    return schedule(context)


def correction(key: str, sources: tuple[str, ...], date: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"{key}:correction:{date}",
        partition_key=key,
        asset_selection=session_asset_keys(sources),
        tags={"f1_lakehouse/trigger": "corrections", "f1_lakehouse/sources": ",".join(sources)},
    )


@pytest.mark.parametrize("tick", ["2023-05-01T09:00:00", "2023-05-04T09:00:00"])
def test_monday_and_thursday_rerun_the_weekend_just_finished(
    instance, calendar_root, probe, tick
) -> None:  # type: ignore[no-untyped-def]
    date = tick[:10]
    assert corrections(instance, calendar_root, probe, tick) == [
        correction("2023-04-FP1", ("fastf1",), date),
        correction("2023-04-Q", ("fastf1",), date),
        correction("2023-04-SQ", ("fastf1",), date),
        correction("2023-04-S", ("fastf1",), date),
        correction("2023-04-R", ("fastf1", "openf1"), date),
    ]
    assert CORRECTIONS_CRON == "0 9 * * 1,4"


def test_the_next_monday_reruns_the_next_weekend(instance, calendar_root, probe) -> None:  # type: ignore[no-untyped-def]
    result = corrections(instance, calendar_root, probe, "2023-05-08T09:00:00")
    assert [r.run_key for r in result] == [f"{k}:correction:2023-05-08" for k in MIAMI]


def test_a_weekend_without_a_race_reruns_nothing(instance, calendar_root, probe) -> None:  # type: ignore[no-untyped-def]
    # Imola (21 May 2023) was cancelled: not in the calendar, so the Monday after has nothing.
    result = corrections(instance, calendar_root, probe, "2023-05-22T09:00:00")
    assert result == dg.SkipReason(
        "no race weekend finished in the 6 days before 2023-05-22 09:00Z"
    )


def test_cancelled_sessions_are_not_rerun(instance, calendar_root, probe) -> None:  # type: ignore[no-untyped-def]
    instance.delete_dynamic_partition(SESSION_PARTITIONS_NAME, "2023-04-SQ")
    result = corrections(instance, calendar_root, probe, "2023-05-01T09:00:00")
    assert "2023-04-SQ" not in [r.partition_key for r in result]
    assert len(result) == 4


def test_sessions_no_source_has_are_skipped_with_the_reason(instance, calendar_root) -> None:  # type: ignore[no-untyped-def]
    result = corrections(instance, calendar_root, FakeProbe(), "2023-05-01T09:00:00")
    assert isinstance(result, dg.SkipReason)
    assert result.skip_message.startswith(
        "no source has the weekend's sessions: 2023-04-FP1 fastf1: no data yet; "
        "2023-04-FP1 openf1: no data yet;"
    )
