"""The official classification (Ergast/Jolpica export shipped in data/ergast_csv) for checks."""

from __future__ import annotations

import duckdb

from f1_lakehouse.lib.settings import BUNDLED_DATA

ERGAST = BUNDLED_DATA / "ergast_csv"


def _csv(table: str) -> str:
    # races.csv is ragged (2025 rows have fewer columns): pad them with nulls.
    return f"read_csv('{ERGAST / table}.csv.gz', nullstr='\\N', null_padding=true)"


def classification(season: int, round_number: int, table: str = "results") -> dict[str, dict]:
    """Official results of a race (`results`) or sprint (`sprint_results`) by car number."""
    sql = f"""
        select r.number::varchar as driver_number, d.code, r.grid, r.positionOrder as position,
               r.positionText as position_text, r.points, r.laps, s.status, r.fastestLapTime
        from {_csv(table)} r
        join {_csv("races")} ra using (raceId)
        join {_csv("drivers")} d using (driverId)
        join {_csv("status")} s using (statusId)
        where ra.year = ? and ra.round = ?
    """
    with duckdb.connect() as con:
        rows = con.execute(sql, [season, round_number]).fetchall()
        columns = [c[0] for c in con.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def pit_stop_counts(season: int, round_number: int) -> dict[str, int]:
    """Official pit-stop count per driver code."""
    sql = f"""
        select d.code, count(*) from {_csv("pit_stops")} p
        join {_csv("races")} ra using (raceId)
        join {_csv("drivers")} d using (driverId)
        where ra.year = ? and ra.round = ? group by d.code
    """
    with duckdb.connect() as con:
        return dict(con.execute(sql, [season, round_number]).fetchall())


def qualifying(season: int, round_number: int) -> dict[str, dict]:
    """Official qualifying positions and segment times (as text, e.g. 1:40.203) by car number."""
    sql = f"""
        select q.number::varchar as driver_number, q.position, q.q1, q.q2, q.q3
        from {_csv("qualifying")} q join {_csv("races")} ra using (raceId)
        where ra.year = ? and ra.round = ?
    """
    with duckdb.connect() as con:
        rows = con.execute(sql, [season, round_number]).fetchall()
        columns = [c[0] for c in con.description]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def lap_text_to_ms(text: str | None) -> int | None:
    """'1:45.412' → 105412."""
    if not text:
        return None
    minutes, seconds = text.split(":") if ":" in text else ("0", text)
    return round((int(minutes) * 60 + float(seconds)) * 1000)


def _rows(sql: str, params: list[object]) -> list[dict]:
    with duckdb.connect() as con:
        rows = con.execute(sql, params).fetchall()
        columns = [c[0] for c in con.description]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def race_points(season: int, round_number: int) -> dict[str, float]:
    """Official points of a round (race + sprint) per driver code."""
    sql = f"""
        select d.code, sum(r.points) as points
        from (
            select raceId, driverId, points from {_csv("results")}
            union all
            select raceId, driverId, points from {_csv("sprint_results")}
        ) r
        join {_csv("races")} ra using (raceId)
        join {_csv("drivers")} d using (driverId)
        where ra.year = ? and ra.round = ?
        group by d.code
    """
    return {row["code"]: row["points"] for row in _rows(sql, [season, round_number])}


def driver_standings(season: int, round_number: int) -> dict[str, dict]:
    """The official drivers' standings after a round, by driver code."""
    sql = f"""
        select d.code, s.position, s.points, s.wins
        from {_csv("driver_standings")} s
        join {_csv("races")} ra using (raceId)
        join {_csv("drivers")} d using (driverId)
        where ra.year = ? and ra.round = ?
    """
    return {row["code"]: row for row in _rows(sql, [season, round_number])}


def constructor_standings(season: int, round_number: int) -> dict[str, dict]:
    """The official constructors' standings after a round, by constructor ref."""
    sql = f"""
        select c.constructorRef as team_id, s.position, s.points, s.wins
        from {_csv("constructor_standings")} s
        join {_csv("races")} ra using (raceId)
        join {_csv("constructors")} c using (constructorId)
        where ra.year = ? and ra.round = ?
    """
    return {row["team_id"]: row for row in _rows(sql, [season, round_number])}


def constructor_refs(season: int, round_number: int, table: str = "results") -> dict[str, str]:
    """The constructor ref each car number drove for in a race or sprint."""
    sql = f"""
        select r.number::varchar as driver_number, c.constructorRef
        from {_csv(table)} r
        join {_csv("races")} ra using (raceId)
        join {_csv("constructors")} c using (constructorId)
        where ra.year = ? and ra.round = ?
    """
    return {
        row["driver_number"]: row["constructorRef"] for row in _rows(sql, [season, round_number])
    }
