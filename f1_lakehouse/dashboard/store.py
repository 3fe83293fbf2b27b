"""The dashboard's data: one export generation loaded into an in-memory DuckDB.

The store never opens the warehouse file, so it neither waits for nor blocks a materialisation.
It copies the generation's Parquet files into memory once, so pruning an old generation later
cannot pull files from under a page that is still showing it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from f1_lakehouse.dashboard import datasets, queries
from f1_lakehouse.dashboard.export import MANIFEST, Generation, current_generation
from f1_lakehouse.lib.settings import DataRoot

TOP_LAPS_LIMIT = 50


@dataclass(frozen=True)
class Headline:
    """Who won (P1 of the classification) and who set the fastest valid lap."""

    p1_abbreviation: str | None
    p1_full_name: str | None
    p1_team_name: str | None
    fastest_abbreviation: str | None
    fastest_lap_number: int | None
    fastest_lap_ms: int | None


@dataclass(frozen=True)
class Kpis:
    laps: int
    drivers: int
    teams: int


class DashboardStore:
    """Read-only queries over one export generation."""

    def __init__(self, generation: Generation) -> None:
        self.generation = generation
        self._con = duckdb.connect(":memory:")
        self._lock = threading.Lock()
        for dataset in datasets.EXPORTS:
            path = generation.dataset(dataset.name)
            if path.exists():
                sql, params = "select * from read_parquet(?)", [str(path)]
            else:  # a generation exported before this dataset existed: empty, same columns
                sql, params = dataset.empty_sql, []
            self._con.execute(f"create table {dataset.name} as {sql}", params)

    @classmethod
    def load(cls, generation_path: Path) -> DashboardStore:
        """The store over one generation folder."""
        manifest = json.loads((generation_path / MANIFEST).read_text())
        return cls(Generation(generation_path, manifest))

    @classmethod
    def open(cls, root: DataRoot, attempts: int = 3) -> DashboardStore | None:
        """The store over the current generation; None when nothing has been exported yet.

        A generation pruned between reading the pointer and opening its files is retried with
        the pointer read again."""
        for attempt in range(attempts):
            generation = current_generation(root)
            if generation is None:
                return None
            try:
                return cls(generation)
            except (duckdb.IOException, FileNotFoundError):
                if attempt == attempts - 1:
                    raise
        return None

    def close(self) -> None:
        self._con.close()

    def df(self, sql: str, **params: object) -> pd.DataFrame:
        # One connection shared by Streamlit's script threads: cursors are cheap, the lock keeps
        # DuckDB's Python connection object out of concurrent use.
        with self._lock:
            return self._con.cursor().execute(sql, params).df()

    @property
    def is_empty(self) -> bool:
        return self.df("select count(*) as n from sessions")["n"].iloc[0] == 0

    def seasons(self) -> list[int]:
        return [int(s) for s in self.df(queries.SEASONS_SQL)["season"]]

    def rounds(self, season: int) -> pd.DataFrame:
        return self.df(queries.ROUNDS_SQL, season=season)

    def sessions(self, season: int, round: int) -> pd.DataFrame:
        return self.df(queries.SESSIONS_SQL, season=season, round=round)

    def kpis(self, session_id: str) -> Kpis:
        row = self.df(queries.KPIS_SQL, session_id=session_id).iloc[0]
        return Kpis(int(row["laps"]), int(row["drivers"]), int(row["teams"]))

    def headline(self, session_id: str) -> Headline:
        row = self.df(queries.HEADLINE_SQL, session_id=session_id).iloc[0]
        values = {k: (None if pd.isna(v) else v) for k, v in row.items()}
        for key in ("fastest_lap_number", "fastest_lap_ms"):
            values[key] = None if values[key] is None else int(values[key])
        return Headline(**values)

    def top_laps(self, session_id: str, limit: int = TOP_LAPS_LIMIT) -> pd.DataFrame:
        return self.df(queries.TOP_LAPS_SQL, session_id=session_id, limit=limit)

    def classification(self, session_id: str) -> pd.DataFrame:
        return self.df(queries.CLASSIFICATION_SQL, session_id=session_id)

    def team_summary(self, season: int, round: int) -> pd.DataFrame:
        return self.df(queries.TEAM_SUMMARY_SQL, season=season, round=round)

    def lap_distribution(self, session_id: str) -> pd.DataFrame:
        return self.df(queries.LAP_DISTRIBUTION_SQL, session_id=session_id)

    def positions(self, session_id: str) -> pd.DataFrame:
        return self.df(queries.POSITIONS_SQL, session_id=session_id)

    def stints(self, session_id: str) -> pd.DataFrame:
        return self.df(queries.STINTS_SQL, session_id=session_id)

    def team_colours(self, session_id: str) -> dict[str, str | None]:
        """Team name -> the feed's colour (hex without '#'), None where none was recorded."""
        frame = self.df(queries.TEAM_COLOURS_SQL, session_id=session_id)
        return {
            str(team): (None if pd.isna(colour) else str(colour))
            for team, colour in zip(frame["team_name"], frame["team_color"], strict=True)
        }

    def driver_teams(self, session_id: str) -> dict[str, str | None]:
        """Driver abbreviation -> team name in this session."""
        frame = self.df(queries.DRIVER_TEAMS_SQL, session_id=session_id)
        return {
            str(driver): (None if pd.isna(team) else str(team))
            for driver, team in zip(frame["abbreviation"], frame["team_name"], strict=True)
        }

    def speed_trace_drivers(self, session_id: str) -> pd.DataFrame:
        return self.df(queries.SPEED_TRACE_DRIVERS_SQL, session_id=session_id)

    def speed_trace(self, session_id: str, first: str, second: str) -> pd.DataFrame:
        return self.df(queries.SPEED_TRACE_SQL, session_id=session_id, first=first, second=second)
