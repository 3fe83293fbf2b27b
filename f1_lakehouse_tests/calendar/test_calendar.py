import json

import dagster as dg
import pandas as pd
import pytest

from f1_lakehouse.defs.calendar.assets import calendar
from f1_lakehouse.defs.calendar.sync import default_seasons, diff_season
from f1_lakehouse.lib.bronze import read_partition
from f1_lakehouse.lib.fastf1 import source as fastf1_source
from f1_lakehouse.lib.partitions import SESSION_PARTITIONS_NAME
from f1_lakehouse.lib.resources import DataRootResource
from f1_lakehouse.lib.session_keys import SeasonKey, SessionKey
from f1_lakehouse.lib.settings import BUNDLED_DATA


@pytest.fixture
def replay(data_root):
    fastf1_source.configure("replay", data_root)
    return data_root


def _codes(sessions: pd.DataFrame, round_number: int) -> list[str]:
    return sorted(sessions.loc[sessions["round"] == round_number, "session_code"])


def test_sprint_weekends_get_the_right_codes(replay):
    s2023 = fastf1_source.schedule_sessions(2023, fastf1_source.event_schedule(2023))
    assert _codes(s2023, 4) == ["FP1", "Q", "R", "S", "SQ"]
    names = dict(s2023.loc[s2023["round"] == 4, ["session_code", "session_name"]].values)
    assert names["SQ"] == "Sprint Shootout"
    s2025 = fastf1_source.schedule_sessions(2025, fastf1_source.event_schedule(2025))
    assert _codes(s2025, 6) == ["FP1", "Q", "R", "S", "SQ"]
    s2021 = fastf1_source.schedule_sessions(2021, fastf1_source.event_schedule(2021))
    assert _codes(s2021, 10) == ["FP1", "FP2", "Q", "R", "S"]  # 2021 British: sprint, no SQ


def test_testing_is_excluded_and_every_key_is_valid(replay):
    sessions = fastf1_source.schedule_sessions(2024, fastf1_source.event_schedule(2024))
    assert (sessions["round"] >= 1).all()
    assert len(sessions) == 24 * 5  # 24 rounds, 5 sessions each (sprint or not)
    for key in sessions["partition_key"]:
        SessionKey.parse(key)
    assert sessions["partition_key"].is_unique


def test_session_name_lookup(replay):
    assert fastf1_source.session_name_for(SessionKey.parse("2023-04-SQ")) == "Sprint Shootout"
    assert fastf1_source.session_name_for(SessionKey.parse("2025-06-SQ")) == "Sprint Qualifying"
    with pytest.raises(fastf1_source.SessionNotInSchedule, match="2018-04-S"):
        fastf1_source.session_name_for(SessionKey.parse("2018-04-S"))


def _f1schedule_frame(path) -> pd.DataFrame:
    """Read an f1schedule JSON file into FastF1's column names."""
    frame = pd.DataFrame(json.loads(path.read_text()))
    rename = {
        "round_number": "RoundNumber",
        "event_name": "EventName",
        "event_format": "EventFormat",
        "country": "Country",
        "location": "Location",
    }
    rename |= {f"session{i}": f"Session{i}" for i in range(1, 6)}
    rename |= {f"session{i}_date": f"Session{i}DateUtc" for i in range(1, 6)}
    return frame.rename(columns=rename)


def test_a_cancelled_event_is_dropped_from_the_partitions(replay):
    recorded = fastf1_source.schedule_sessions(2026, fastf1_source.event_schedule(2026))
    later = fastf1_source.schedule_sessions(
        2026,
        _f1schedule_frame(BUNDLED_DATA / "replay/schedule/schedule_2026_after_cancellations.json"),
    )
    diff = diff_season(2026, later["partition_key"].tolist(), recorded["partition_key"].tolist())
    dropped_events = set(recorded.loc[recorded["partition_key"].isin(diff.dropped), "event_name"])
    assert "Bahrain Grand Prix" in set(recorded["event_name"])
    assert "Bahrain Grand Prix" not in set(later["event_name"])
    assert diff.dropped and "Bahrain Grand Prix" in dropped_events


def test_diff_only_touches_its_season():
    diff = diff_season(2024, ["2024-01-R", "2024-02-R"], ["2023-01-R", "2024-01-R", "2024-03-R"])
    assert diff.added == ["2024-02-R"]
    assert diff.dropped == ["2024-03-R"]


def test_default_seasons(monkeypatch):
    monkeypatch.setenv("F1_LAKEHOUSE_SEASONS", "2024, 2023")
    assert default_seasons() == [2023, 2024]
    monkeypatch.setenv("F1_LAKEHOUSE_SEASONS", "twenty")
    with pytest.raises(ValueError, match="comma-separated years"):
        default_seasons()


def test_calendar_asset_registers_session_partitions(replay):
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [calendar],
            instance=instance,
            resources={"data_root": DataRootResource(path=str(replay.path))},
            run_config={"ops": {"bronze__fastf1__calendar": {"config": {"seasons": [2018, 2023]}}}},
        )
        assert result.success
        keys = instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)
        assert "2018-04-R" in keys and "2023-04-SQ" in keys
        assert not [k for k in keys if k.split("-")[1] == "00"]
        assert len(keys) == 21 * 5 + 22 * 5  # 2018: 21 rounds; 2023: 22 rounds (Imola cancelled)
        assert read_partition(replay.bronze, "fastf1", "calendar", SeasonKey(2023)).num_rows == 110
        # A second refresh adds nothing and drops nothing.
        again = dg.materialize(
            [calendar],
            instance=instance,
            resources={"data_root": DataRootResource(path=str(replay.path))},
            run_config={"ops": {"bronze__fastf1__calendar": {"config": {"seasons": [2023]}}}},
        )
        metadata = again.asset_materializations_for_node("bronze__fastf1__calendar")[0].metadata
        assert metadata["2023 added"].value == 0
        assert len(instance.get_dynamic_partitions(SESSION_PARTITIONS_NAME)) == len(keys)
