"""Silver and gold from dbt, checked against the official classification (Ergast export)."""

import pytest

from f1_lakehouse_tests import ergast

RACES = [
    ("2018-04-R", 2018, 4, "results"),
    ("2023-01-R", 2023, 1, "results"),
    ("2023-04-S", 2023, 4, "sprint_results"),
    ("2025-06-S", 2025, 6, "sprint_results"),
]


def summary(pipeline, session_id: str) -> dict[str, dict]:
    rows = pipeline.query(
        "select driver_number, abbreviation, position, classified_position, grid_position, points, "
        "laps_completed, status, best_lap_ms, pit_stops, personal_best_laps, deleted_laps, "
        "valid_laps, laps_recorded, q1_ms, q2_ms, q3_ms "
        "from gold.driver_session_summary where session_id = ?",
        [session_id],
    )
    names = [
        "driver_number",
        "abbreviation",
        "position",
        "classified_position",
        "grid",
        "points",
        "laps",
        "status",
        "best_lap_ms",
        "pit_stops",
        "personal_best_laps",
        "deleted_laps",
        "valid_laps",
        "laps_recorded",
        "q1_ms",
        "q2_ms",
        "q3_ms",
    ]
    return {r[0]: dict(zip(names, r, strict=True)) for r in rows}


def test_hamilton_won_the_2018_azerbaijan_gp(pipeline):
    winner = pipeline.query(
        "select abbreviation, full_name from gold.driver_session_summary "
        "where session_id = '2018-04-R' and position = 1"
    )
    assert winner == [("HAM", "Lewis Hamilton")]


def test_the_race_laps_land_in_silver(pipeline):
    assert pipeline.query(
        "select count(*) from silver.silver_laps where session_id = '2018-04-R'"
    ) == [(848,)]
    assert pipeline.query(
        "select count(*) from silver.silver_laps where session_id = '2023-01-R'"
    ) == [(0,)]


@pytest.mark.parametrize(("session_id", "season", "round_number", "table"), RACES)
def test_classification_matches_the_official_results_for_every_driver(
    pipeline, session_id, season, round_number, table
):
    official = ergast.classification(season, round_number, table)
    ours = summary(pipeline, session_id)
    assert set(ours) == set(official)
    for number, row in official.items():
        mine = ours[number]
        assert mine["abbreviation"] == row["code"], number
        assert mine["position"] == row["position"], (number, mine, row)
        # The export (2025-11) says 'W' where Jolpica, as FastF1 recorded it in 2026-08, says 'R'
        # (2023 Baku sprint, Sargeant, 0 laps): upstream revised it; accept either.
        revised = (
            row["position_text"] == "W" and mine["classified_position"] == "R" and mine["laps"] == 0
        )
        assert mine["classified_position"] == row["position_text"] or revised, (number, mine, row)
        assert mine["points"] == pytest.approx(row["points"]), (number, mine, row)
        assert mine["grid"] == row["grid"] or (mine["grid"] in (0, None) and row["grid"] == 0)
        assert mine["laps"] == row["laps"], (number, mine, row)


def test_pit_stops_are_counted_once_per_stop(pipeline):
    official = ergast.pit_stop_counts(2018, 4)
    ours = {r["abbreviation"]: r["pit_stops"] for r in summary(pipeline, "2018-04-R").values()}
    assert {code: ours[code] for code in official} == official
    assert all(ours[code] == 0 for code in set(ours) - set(official))


def test_best_laps_match_the_official_fastest_laps(pipeline):
    official = ergast.classification(2018, 4)
    ours = summary(pipeline, "2018-04-R")
    for number, row in official.items():
        assert ours[number]["best_lap_ms"] == ergast.lap_text_to_ms(row["fastestLapTime"]), number


def test_deleted_laps_never_set_a_best(pipeline):
    rows = pipeline.query(
        "select d.session_id, d.driver_number, d.best_lap_ms, min(l.lap_time_ms) as raw_best "
        "from gold.driver_session_summary d join silver.silver_laps l using (session_id, driver_number) "
        "where l.is_deleted group by all having min(l.lap_time_ms) < d.best_lap_ms"
    )
    # 2021 Monza FP2: Vettel's fastest lap (0.449 s quicker) was deleted for track limits.
    assert [(s, n) for s, n, _, _ in rows] == [("2021-14-FP2", "5")]
    for _, _, best, raw_best in rows:
        assert best - raw_best == 449
    deleted = pipeline.query(
        "select count(*) from silver.silver_laps l join gold.driver_session_summary d "
        "using (session_id, driver_number) where l.is_deleted and l.lap_time_ms = d.best_lap_ms "
        "and not exists (select 1 from silver.silver_laps v where v.session_id = l.session_id "
        "and v.driver_number = l.driver_number and not v.is_deleted and v.lap_time_ms = l.lap_time_ms)"
    )
    assert deleted == [(0,)]


def test_personal_best_laps_are_counted(pipeline):
    ours = summary(pipeline, "2018-04-R")
    expected = dict(
        pipeline.query(
            "select driver_number, count(*) from silver.silver_laps "
            "where session_id = '2018-04-R' and is_personal_best group by 1"
        )
    )
    assert sum(r["personal_best_laps"] for r in ours.values()) == sum(expected.values()) > 0
    assert {
        n: r["personal_best_laps"] for n, r in ours.items() if r["personal_best_laps"]
    } == expected


def test_sprint_qualifying_is_included_and_matches_pole(pipeline):
    shootout = summary(pipeline, "2023-04-SQ")
    assert len(shootout) == 20
    pole = next(r for r in shootout.values() if r["position"] == 1)
    assert pole["abbreviation"] == "LEC"  # Leclerc took the 2023 Baku sprint shootout pole
    teams = pipeline.query(
        "select session_codes, best_sprint_qualifying_position from gold.team_event_summary "
        "where season = 2023 and round = 4 and team_name = 'Ferrari'"
    )
    assert teams == [("Q S SQ", 1)]


def test_qualifying_pole_positions_and_segment_times_match_the_official_times(pipeline):
    official = ergast.qualifying(2023, 4)
    ours = summary(pipeline, "2023-04-Q")
    assert {n: r["position"] for n, r in ours.items()} == {
        n: r["position"] for n, r in official.items()
    }
    assert next(r["abbreviation"] for r in ours.values() if r["position"] == 1) == "LEC"
    for segment in ("q1", "q2", "q3"):
        official_ms = {n: ergast.lap_text_to_ms(r[segment]) for n, r in official.items()}
        best = min(ms for ms in official_ms.values() if ms)
        assert min(r[f"{segment}_ms"] for r in ours.values() if r[f"{segment}_ms"]) == best, segment
        for number, ms in official_ms.items():
            if ms is not None:
                assert ours[number][f"{segment}_ms"] == ms, (number, segment)
    # De Vries crashed in Q1: the export lists no time, timing kept his one completed lap.
    assert ergast.qualifying(2023, 4)["21"]["q1"] is None and ours["21"]["q1_ms"] == 115282


def test_team_event_points_add_up_sprint_and_race(pipeline):
    rows = dict(
        pipeline.query(
            "select team_name, points from gold.team_event_summary where season = 2023 and round = 4"
        )
    )
    official = {}
    for table in ("sprint_results",):
        for row in ergast.classification(2023, 4, table).values():
            official[row["code"]] = row["points"]
    assert sum(rows.values()) == pytest.approx(
        sum(official.values())
    )  # only the sprint is recorded


def test_rerunning_a_partition_three_times_leaves_identical_counts(pipeline):
    before = pipeline.counts()
    assert before["silver.silver_laps"] > 0 and before["gold.driver_session_summary"] > 0
    for _ in range(2):  # the fixture ran it once already
        assert pipeline.materialize("2023-04-S").success
        assert pipeline.counts() == before
