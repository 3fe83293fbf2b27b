"""The notebook read path: published gold as pandas, Arrow, DuckDB views and FastF1-shaped
laps, checked against the warehouse and the official (Ergast) classification."""

import pandas as pd
import pyarrow as pa
import pytest

from f1_lakehouse import read
from f1_lakehouse_tests import ergast


def test_one_sessions_leaderboard_matches_the_official_result(exported, pipeline):
    board = read.table("session_leaderboard", session="2018-04-R", root=pipeline.root)
    assert isinstance(board, pd.DataFrame)
    official = ergast.classification(2018, 4)
    got = dict(zip(board["driver_number"], board["position"], strict=True))
    assert got == {number: row["position"] for number, row in official.items()}


def test_arrow_and_filters(exported, pipeline):
    podium = read.table(
        "session_leaderboard", session="2018-04-R", position=[1, 2, 3], arrow=True,
        root=pipeline.root,
    )  # fmt: skip
    assert isinstance(podium, pa.Table)
    assert sorted(podium.column("driver_key").to_pylist()) == ["HAM", "PER", "RAI"]
    hamilton = read.table("fact_laps", session="2018-04-R", driver_number="44", root=pipeline.root)
    (laps,) = pipeline.query(
        "select count(*) from gold.fact_laps where session_id = '2018-04-R' and driver_number = '44'"
    )[0]
    assert len(hamilton) == laps > 0


def test_connect_has_a_view_per_published_table(exported, pipeline):
    with read.connect(pipeline.root) as con:
        views = {
            name
            for (name,) in con.execute(
                "select view_name from duckdb_views() where not internal"
            ).fetchall()
        }
        assert views == set(exported.tables)
        (winner,) = con.execute(
            "select driver_key from session_leaderboard where session_id = ? and position = 1",
            ["2018-04-R"],
        ).fetchone()
    assert winner == "HAM"


def test_fastf1_shaped_laps(exported, pipeline):
    laps = read.fastf1_laps("2018-04-R", root=pipeline.root)
    assert len(laps) == 848
    assert laps["LapTime"].dtype == "timedelta64[ns]"
    assert {"Driver", "DriverNumber", "LapNumber", "Stint", "Compound", "TyreLife", "Team"} <= set(
        laps.columns
    )
    fastest = laps.loc[laps["LapTime"][~laps["Deleted"].fillna(False).astype(bool)].idxmin()]
    assert fastest["Driver"] == "BOT"
    assert fastest["LapTime"] == pd.Timedelta(milliseconds=105_149)
    assert laps["LapNumber"].dtype == "float64"
    # The README's example.
    assert laps.loc[laps.LapTime.idxmin(), "Driver"] == "BOT"
    # Unknown stays missing: a lap without a time is NaT, never zero.
    assert (laps["LapTime"].dropna() > pd.Timedelta(0)).all()


def test_unknown_names_are_clear_errors(exported, pipeline):
    with pytest.raises(
        read.UnknownTable, match=r"no published table 'standings'.*driver_standings"
    ):
        read.table("standings", root=pipeline.root)
    with pytest.raises(read.UnknownColumn, match="fact_laps has no column 'laptime'"):
        read.table("fact_laps", root=pipeline.root, laptime=90_000)
    with pytest.raises(read.UnknownColumn, match="dim_teams has no column 'session_id'"):
        read.table("dim_teams", session="2018-04-R", root=pipeline.root)
    with pytest.raises(ValueError, match="malformed session partition key"):
        read.table("fact_laps", session="2018-04-R' or '1'='1", root=pipeline.root)


def test_nothing_published_says_what_to_do(data_root):
    with pytest.raises(read.NothingPublished, match="f1-lakehouse export"):
        read.table("fact_laps", root=data_root)
