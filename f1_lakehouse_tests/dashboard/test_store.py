"""The dashboard's figures for recorded sessions, checked against the official classification."""

import pandas as pd
import pytest

from f1_lakehouse.dashboard.formatting import format_lap_time
from f1_lakehouse_tests import ergast

BAKU_2018 = "2018-04-R"
SINGAPORE_2024 = "2024-18-R"  # recorded by OpenF1 only, with car telemetry


def test_filters_list_what_was_materialised(store):
    seasons = store.seasons()
    assert seasons == sorted(seasons, reverse=True)
    assert {2025, 2023, 2021, 2018} <= set(seasons)
    rounds = store.rounds(2023)
    assert {1, 4} <= set(rounds["round"])
    assert rounds.set_index("round")["event_name"][4] == "Azerbaijan Grand Prix"
    assert set(store.sessions(2023, 4)["session_code"]) == {"Q", "SQ", "S"}


def test_baku_2018_headline_matches_ergast(store):
    headline = store.headline(BAKU_2018)
    official = ergast.classification(2018, 4)
    winner = next(row for row in official.values() if row["position"] == 1)
    assert headline.p1_abbreviation == winner["code"] == "HAM"
    assert headline.p1_full_name == "Lewis Hamilton"
    # Ergast's fastest lap of the race: Bottas, 1:45.149 (deleted laps never count).
    fastest = min(
        (row for row in official.values() if row["fastestLapTime"]),
        key=lambda row: ergast.lap_text_to_ms(row["fastestLapTime"]),
    )
    assert headline.fastest_abbreviation == fastest["code"] == "BOT"
    assert format_lap_time(headline.fastest_lap_ms) == fastest["fastestLapTime"] == "1:45.149"


def test_baku_2018_kpis(store):
    kpis = store.kpis(BAKU_2018)
    assert (kpis.laps, kpis.drivers, kpis.teams) == (848, 20, 10)


def test_top_laps_are_the_fifty_fastest_laps_not_each_drivers_best(store, pipeline):
    top = store.top_laps(BAKU_2018)
    assert len(top) == 50
    assert top["rank"].tolist() == list(range(1, 51))
    assert top["lap_time_ms"].is_monotonic_increasing
    assert top.iloc[0][["abbreviation", "lap_time_ms"]].tolist() == ["BOT", 105_149]
    # Many of the fastest laps belong to the same few drivers: not one row per driver.
    assert top["abbreviation"].value_counts().max() > 1
    assert top["abbreviation"].nunique() < 20
    expected = pipeline.query(
        "select lap_time_ms from silver.silver_laps where session_id = ? and not is_deleted "
        "and lap_time_ms is not null order by lap_time_ms limit 50",
        [BAKU_2018],
    )
    assert top["lap_time_ms"].tolist() == [ms for (ms,) in expected]


def test_deleted_laps_never_reach_the_top_laps(store, pipeline):
    (deleted,) = pipeline.query(
        "select count(*) from silver.silver_laps where session_id = '2023-04-Q' and is_deleted"
    )[0]
    assert deleted > 0  # qualifying at Baku 2023 had laps deleted for track limits
    top = store.top_laps("2023-04-Q", limit=10_000)
    laps = store.df(
        "select abbreviation, lap_number from laps where session_id = '2023-04-Q' and is_deleted"
    )
    shown = set(zip(top["abbreviation"], top["lap_number"], strict=True))
    assert not shown & set(zip(laps["abbreviation"], laps["lap_number"], strict=True))


def test_classification_and_team_summary(store):
    classification = store.classification(BAKU_2018)
    assert classification["abbreviation"].head(3).tolist() == ["HAM", "RAI", "PER"]
    teams = store.team_summary(2018, 4)
    assert len(teams) == 10
    # Ferrari out-scored Mercedes that weekend: RAI 2nd + VET 4th against HAM's win and BOT's DNF.
    assert teams["team_name"].head(2).tolist() == ["Ferrari", "Mercedes"]
    assert teams["points"].is_monotonic_decreasing


def test_plot_datasets(store):
    distribution = store.lap_distribution(BAKU_2018)
    assert distribution["abbreviation"].nunique() >= 15
    assert distribution["lap_time_ms"].min() == 105_149
    positions = store.positions(BAKU_2018)
    ham = positions[positions["abbreviation"] == "HAM"].set_index("lap_number")["position"]
    assert ham.iloc[-1] == 1
    stints = store.stints(BAKU_2018)
    ham_stints = stints[stints["abbreviation"] == "HAM"]
    # Supersoft, soft, then ultrasoft under the late safety car.
    assert ham_stints["compound"].tolist() == ["SUPERSOFT", "SOFT", "ULTRASOFT"]
    assert stints["first_lap"].min() == 1
    assert stints.groupby("abbreviation")["laps"].sum().max() <= 51


def test_speed_trace_of_two_fastest_laps_from_telemetry(store):
    if SINGAPORE_2024 not in set(store.df("select session_id from speed_traces")["session_id"]):
        pytest.skip("the shared pipeline holds no session with car telemetry")
    drivers = store.speed_trace_drivers(SINGAPORE_2024)
    assert len(drivers) >= 18
    assert drivers["lap_time_ms"].is_monotonic_increasing
    # Ricciardo's fastest lap of the 2024 Singapore GP, 1:34.486 on lap 60 (Ergast: fastest lap).
    official = ergast.classification(2024, 18)
    fastest = min(
        (row for row in official.values() if row["fastestLapTime"]),
        key=lambda row: ergast.lap_text_to_ms(row["fastestLapTime"]),
    )
    assert drivers.iloc[0]["abbreviation"] == fastest["code"]
    assert format_lap_time(drivers.iloc[0]["lap_time_ms"]) == fastest["fastestLapTime"]
    first, second = drivers["abbreviation"].iloc[:2]
    trace = store.speed_trace(SINGAPORE_2024, first, second)
    assert set(trace["abbreviation"]) == {first, second}
    for _, lap in trace.groupby("abbreviation"):
        assert lap["distance_m"].is_monotonic_increasing
        assert lap["lap_elapsed_ms"].max() <= lap["lap_time_ms"].iloc[0]
        # Marina Bay is 4.940 km: integrated speed over the lap lands within a few per cent.
        assert 4_700 < lap["distance_m"].max() < 5_150
        assert 280 < lap["speed_kph"].max() < 330
        assert len(lap) > 300  # ~3.7 samples a second over 94 s


def test_openf1_race_headline_without_a_classification(store):
    if SINGAPORE_2024 not in set(store.df("select session_id from sessions")["session_id"]):
        pytest.skip("the shared pipeline holds no OpenF1-only session")
    official = ergast.classification(2024, 18)
    winner = next(row for row in official.values() if row["position"] == 1)
    headline = store.headline(SINGAPORE_2024)
    assert headline.p1_abbreviation == winner["code"] == "NOR"
    assert headline.fastest_abbreviation == "RIC"
    assert store.kpis(SINGAPORE_2024).drivers == 20
    stints = store.stints(SINGAPORE_2024)
    assert stints.iloc[0]["abbreviation"] == "NOR"
    assert set(stints["compound"]) <= {"SOFT", "MEDIUM", "HARD"}


def test_no_speed_trace_without_telemetry(store):
    assert store.speed_trace_drivers(BAKU_2018).empty
    assert isinstance(store.speed_trace(BAKU_2018, "HAM", "BOT"), pd.DataFrame)
