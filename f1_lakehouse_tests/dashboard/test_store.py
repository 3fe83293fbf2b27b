"""The dashboard's figures for recorded sessions, checked against the official classification."""

import pandas as pd

from f1_lakehouse.dashboard.formatting import format_lap_time
from f1_lakehouse_tests import ergast

BAKU_2018 = "2018-04-R"


def test_filters_list_what_was_materialised(store):
    assert store.seasons() == [2025, 2023, 2021, 2018]
    rounds = store.rounds(2023)
    assert rounds["round"].tolist() == [1, 4]
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
    assert teams.iloc[0]["team_name"] == "Mercedes"
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
    assert ham_stints["compound"].tolist() == ["SUPERSOFT", "SOFT"]
    assert stints["first_lap"].min() == 1
    assert stints.groupby("abbreviation")["laps"].sum().max() <= 51


def test_no_speed_trace_without_telemetry(store):
    assert store.speed_trace_drivers(BAKU_2018).empty
    assert isinstance(store.speed_trace(BAKU_2018, "HAM", "BOT"), pd.DataFrame)
