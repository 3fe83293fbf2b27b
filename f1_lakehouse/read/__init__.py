"""Gold for notebooks, read from the published Parquet (never the warehouse file, so it works
while a run writes):

    from f1_lakehouse import read
    read.tables()                                        # name -> rows, columns
    read.table("session_leaderboard", session="2018-04-R")   # pandas (arrow=True: Arrow)
    con = read.connect()                                 # in-memory DuckDB, a view per table
    read.fastf1_laps("2018-04-R")                        # FastF1 column names, LapTime Timedelta
"""

from f1_lakehouse.read.fastf1_shape import fastf1_laps
from f1_lakehouse.read.published import (
    NothingPublished,
    ReadError,
    UnknownColumn,
    UnknownTable,
    connect,
    table,
    tables,
)

__all__ = [
    "NothingPublished",
    "ReadError",
    "UnknownColumn",
    "UnknownTable",
    "connect",
    "fastf1_laps",
    "table",
    "tables",
]
