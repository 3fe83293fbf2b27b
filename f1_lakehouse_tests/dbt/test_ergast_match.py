"""Gold against the official Ergast export, for every recorded race, sprint and qualifying.

What "matches" means with only some rounds recorded:
* every recorded race and sprint: each driver's position, classification, points, grid and laps
  in gold.session_leaderboard equal the official result;
* standings after a round equal the official standings (position, points, wins, every driver,
  drivers and constructors) where rounds 1..round are all recorded: 2022 R1-R2, 2023 R1, 2025 R1.
  Elsewhere the totals are honest sums over the recorded rounds (covers_every_round = false);
* every recorded qualifying: positions, and Q1/Q2/Q3 times to the millisecond, pole included.
"""

import pytest

from f1_lakehouse_tests import ergast

RACES_AND_SPRINTS = [
    ("2018-04-R", "results"),
    ("2020-07-R", "results"),
    ("2020-08-R", "results"),
    ("2020-12-R", "results"),
    ("2021-10-R", "results"),
    ("2021-21-R", "results"),
    ("2022-01-R", "results"),
    ("2022-02-R", "results"),
    ("2023-01-R", "results"),
    ("2023-04-S", "sprint_results"),
    ("2023-05-R", "results"),
    ("2025-01-R", "results"),
    ("2025-04-R", "results"),
    ("2025-06-S", "sprint_results"),
    ("2025-12-R", "results"),
]
QUALIFYING = ["2022-02-Q", "2023-04-Q", "2024-10-Q"]
OFFICIAL_STANDINGS = [(2022, 1), (2022, 2), (2023, 1), (2025, 1)]


def _parts(session_id: str) -> tuple[int, int]:
    season, round_number, _ = session_id.split("-")
    return int(season), int(round_number)


LEADERBOARD_COLUMNS = {
    "driver_number": "driver_number",
    "driver_key": "driver_key",
    "team_id": "team_id",
    "position": "position",
    "classified_position": "classified_position",
    "points": "points",
    "grid": "grid_position",
    "laps": "laps_completed",
    "q1_ms": "q1_ms",
    "q2_ms": "q2_ms",
    "q3_ms": "q3_ms",
    "gap_to_pole_ms": "gap_to_pole_ms",
}


def _leaderboard(pipeline, session_id: str) -> dict[str, dict]:
    """gold.session_leaderboard of one session, by car number."""
    rows = pipeline.query(
        f"select {', '.join(LEADERBOARD_COLUMNS.values())} from gold.session_leaderboard "
        "where session_id = ?",
        [session_id],
    )
    return {r[0]: dict(zip(LEADERBOARD_COLUMNS, r, strict=True)) for r in rows}


def test_every_recorded_race_and_sprint_is_in_the_warehouse(pipeline):
    recorded = {
        s
        for (s,) in pipeline.query(
            "select session_id from gold.dim_sessions where is_points_scoring and session_id in "
            "(select session_id from silver.silver_results where classification_source = 'official')"
        )
    }
    assert recorded == {s for s, _ in RACES_AND_SPRINTS}
    # 2024-18-R is OpenF1 only: no published classification was recorded, so it is derived
    # from the timing data (test_one_derivation_per_fact checks it against Ergast).
    derived = pipeline.query(
        "select distinct session_id from silver.silver_results "
        "where classification_source = 'derived_from_timing'"
    )
    assert derived == [("2024-18-R",)]


@pytest.mark.parametrize(("session_id", "table"), RACES_AND_SPRINTS)
def test_classification_matches_for_every_driver(pipeline, session_id, table):
    season, round_number = _parts(session_id)
    official = ergast.classification(season, round_number, table)
    teams = ergast.constructor_refs(season, round_number, table)
    ours = _leaderboard(pipeline, session_id)
    assert set(ours) == set(official)
    for number, row in official.items():
        mine = ours[number]
        assert mine["driver_key"] == row["code"], number
        assert mine["position"] == row["position"], (number, mine, row)
        assert mine["points"] == pytest.approx(row["points"]), (number, mine, row)
        assert mine["laps"] == row["laps"], (number, mine, row)
        assert mine["grid"] == row["grid"] or (mine["grid"] in (0, None) and row["grid"] == 0)
        assert mine["team_id"] == teams[number], (number, mine["team_id"], teams[number])
        # Jolpica revised 2023 Baku sprint Sargeant from W (export) to R (recordings): either.
        revised = row["position_text"] == "W" and mine["classified_position"] == "R"
        assert mine["classified_position"] == row["position_text"] or revised, (number, mine, row)


def test_official_points_follow_the_era_rules(pipeline):
    """FastF1's official points, recomputed from positions, sprint scale and the fastest-lap
    point (2019-2024, top ten only): every row agrees, and each rule was exercised."""
    assert pipeline.query("select count(*) from gold.points_audit where not matches_rules") == [
        (0,)
    ]
    bonus = dict(
        pipeline.query(
            "select session_id, sum(fastest_lap_points) from gold.points_audit group by 1"
        )
    )
    assert bonus["2018-04-R"] == 0  # before the fastest-lap point
    assert bonus["2020-07-R"] == bonus["2022-01-R"] == 1
    assert bonus["2021-10-R"] == 0  # Pérez took it from 16th: no point outside the top ten
    assert bonus["2025-01-R"] == 0  # abolished for 2025
    assert bonus["2023-04-S"] == 0  # never in a sprint
    sprint_top = pipeline.query(
        "select max(official_points) from gold.points_audit where session_code = 'S'"
    )
    assert sprint_top == [(8.0,)]


@pytest.mark.parametrize(("season", "round_number"), OFFICIAL_STANDINGS)
def test_driver_standings_match_where_every_round_is_recorded(pipeline, season, round_number):
    official = ergast.driver_standings(season, round_number)
    rows = pipeline.query(
        "select driver_key, position, points, wins, covers_every_round from gold.driver_standings "
        "where season = ? and round = ?",
        [season, round_number],
    )
    ours = {r[0]: r[1:] for r in rows}
    assert set(ours) == set(official)
    for code, row in official.items():
        position, points, wins, covers = ours[code]
        assert covers
        assert points == pytest.approx(row["points"]) and wins == row["wins"], (
            code,
            ours[code],
            row,
        )
        # The 2025 export leaves drivers tied on zero unranked; every other position matches.
        if row["position"] is not None:
            assert position == row["position"], (code, ours[code], row)


@pytest.mark.parametrize(("season", "round_number"), OFFICIAL_STANDINGS)
def test_constructor_standings_match_where_every_round_is_recorded(pipeline, season, round_number):
    official = ergast.constructor_standings(season, round_number)
    rows = pipeline.query(
        "select team_id, position, points, wins from gold.constructor_standings "
        "where season = ? and round = ?",
        [season, round_number],
    )
    ours = {r[0]: r[1:] for r in rows}
    assert set(ours) == set(official)
    for team, row in official.items():
        assert ours[team] == (row["position"], pytest.approx(row["points"]), row["wins"]), team


def test_standings_elsewhere_are_flagged_as_partial(pipeline):
    partial = set(
        pipeline.query(
            "select distinct season, round from gold.driver_standings where not covers_every_round"
        )
    )
    # 2023 round 4 and 2025 round 6 have their sprint but not their race recorded.
    assert {(2018, 4), (2021, 10), (2023, 4), (2023, 5), (2025, 6)} <= partial
    assert not partial & set(OFFICIAL_STANDINGS)


def test_round_points_add_race_and_sprint(pipeline):
    rows = pipeline.query(
        "select driver_key, race_points, sprint_points from gold.driver_standings "
        "where season = 2023 and round = 4"
    )
    sprint = {
        r["code"]: r["points"] for r in ergast.classification(2023, 4, "sprint_results").values()
    }
    assert {k: s for k, r, s in rows if s} == {k: p for k, p in sprint.items() if p}
    assert all(r == 0 for _, r, _ in rows)  # the Baku race itself is not recorded


@pytest.mark.parametrize("session_id", QUALIFYING)
def test_qualifying_positions_pole_and_segment_times_match_to_the_millisecond(pipeline, session_id):
    season, round_number = _parts(session_id)
    official = ergast.qualifying(season, round_number)
    ours = _leaderboard(pipeline, session_id)
    assert {n: r["position"] for n, r in ours.items()} == {
        n: r["position"] for n, r in official.items()
    }
    for segment in ("q1", "q2", "q3"):
        official_ms = {n: ergast.lap_text_to_ms(r[segment]) for n, r in official.items()}
        best = min(ms for ms in official_ms.values() if ms)
        assert min(r[f"{segment}_ms"] for r in ours.values() if r[f"{segment}_ms"]) == best
        for number, ms in official_ms.items():
            if ms is not None:
                assert ours[number][f"{segment}_ms"] == ms, (session_id, number, segment)
    pole = next(r for r in ours.values() if r["position"] == 1)
    assert pole["q3_ms"] == ergast.lap_text_to_ms(
        next(r["q3"] for r in official.values() if r["position"] == 1)
    )
    assert pole["gap_to_pole_ms"] == 0


def test_qualifying_segments_are_ranked(pipeline):
    rows = pipeline.query(
        "select segment_reached, count(*) from gold.session_leaderboard "
        "where session_id = '2024-10-Q' group by 1 order by 1"
    )
    assert rows == [("Q1", 5), ("Q2", 5), ("Q3", 10)]
    sprint_quali = pipeline.query(
        "select official_session_name, count(distinct segment_reached) from gold.session_leaderboard "
        "where session_id in ('2023-04-SQ', '2024-05-SQ') group by 1 order by 1"
    )
    assert sprint_quali == [("Sprint Qualifying", 3), ("Sprint Shootout", 3)]


def test_renamed_teams_share_a_lineage(pipeline):
    teams = {
        r[0]: r[1:]
        for r in pipeline.query(
            "select team_id, lineage_key, predecessor_team_id from gold.dim_teams"
        )
    }
    assert teams["alphatauri"] == ("faenza", "toro_rosso")
    assert teams["rb"] == ("faenza", "alphatauri")
    assert teams["aston_martin"] == ("silverstone", "racing_point")
    assert teams["alpine"] == ("enstone", "renault")
    assert teams["sauber"][0] == teams["alfa"][0] == "hinwil"
