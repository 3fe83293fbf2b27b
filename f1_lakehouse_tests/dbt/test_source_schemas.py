"""The dbt sources declare bronze exactly as the Python writers do: same tables, columns, order
and types. A table with no files yet is read as the declared columns (the bronze() macro), so a
drift would not fail a build: it would silently change what staging and silver read.

Both sides go through DuckDB: the Python schema as an empty Parquet file (how bronze reaches
dbt), the yml's data_type as a cast, so the comparison is on the types dbt actually sees.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.fastf1 import tables as fastf1_tables
from f1_lakehouse.lib.openf1.schemas import ENDPOINTS, bronze_schema

STAGING = DBT_PROJECT_DIR / "models" / "staging"
# The hive partition columns bronze's paths add: not part of a file's schema.
HIVE_COLUMNS = ("season", "round", "session")

FASTF1_COLUMNS: dict[str, fastf1_tables.Columns] = {
    "session_info": fastf1_tables.SESSION_INFO,
    "results": fastf1_tables.RESULTS,
    "laps": fastf1_tables.LAPS,
    "weather": fastf1_tables.WEATHER,
    "race_control_messages": fastf1_tables.RACE_CONTROL,
    "track_status": fastf1_tables.TRACK_STATUS,
    "session_status": fastf1_tables.SESSION_STATUS,
    "car_data": fastf1_tables.CAR_DATA,
    "position": fastf1_tables.POSITION,
    "official_results": fastf1_tables.OFFICIAL_RESULTS,
}

Columns = list[tuple[str, str]]


@functools.cache
def declared_tables(source: str) -> dict[str, Columns]:
    """(column, DuckDB type) per table of `models/staging/<source>/_<source>__sources.yml`."""
    document = yaml.safe_load((STAGING / source / f"_{source}__sources.yml").read_text())
    (declared,) = document["sources"]
    assert declared["name"] == f"bronze_{source}"
    tables = {}
    for table in declared["tables"]:
        names = [c["name"] for c in table["columns"]]
        tables[table["name"]] = list(
            zip(names, duckdb_types([c["data_type"] for c in table["columns"]]), strict=True)
        )
    return tables


def duckdb_types(data_types: list[str]) -> list[str]:
    """yml data_types as DuckDB names them (timestamptz -> TIMESTAMP WITH TIME ZONE)."""
    casts = ", ".join(f"typeof(cast(null as {data_type}))" for data_type in data_types)
    with duckdb.connect() as con:
        return list(con.execute(f"select {casts}").fetchone())


def parquet_columns(schema: pa.Schema, folder: Path) -> Columns:
    """(column, DuckDB type) of a bronze file written with `schema`, as DuckDB reads it."""
    path = folder / "empty.parquet"
    pq.write_table(schema.empty_table(), path)
    with duckdb.connect() as con:
        rows = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
    return [(name, column_type) for name, column_type, *_ in rows]


def differences(declared: Columns, written: Columns) -> list[str]:
    """What the yml says differently from the writer, column by column (empty when equal)."""
    declared_types, written_types = dict(declared), dict(written)
    found = [
        f"{name}: yml {declared_types.get(name, 'missing')}, bronze {written_types.get(name, 'missing')}"
        for name in dict.fromkeys([*declared_types, *written_types])
        if declared_types.get(name) != written_types.get(name)
    ]
    if not found and [n for n, _ in declared] != [n for n, _ in written]:
        found.append(
            f"column order: yml {[n for n, _ in declared]}, bronze {[n for n, _ in written]}"
        )
    return found


def python_schema(source: str, table: str) -> pa.Schema:
    if source == "fastf1":
        return fastf1_tables.schema(FASTF1_COLUMNS[table])
    return bronze_schema(table)


def test_the_fastf1_column_map_covers_every_fastf1_table():
    assert tuple(FASTF1_COLUMNS) == fastf1_tables.FASTF1_TABLES


@pytest.mark.parametrize("source", ["fastf1", "openf1"])
def test_every_declared_source_table_is_a_bronze_table(source):
    written = set(FASTF1_COLUMNS) if source == "fastf1" else set(ENDPOINTS)
    declared = declared_tables(source)
    assert len(declared) >= 9
    assert set(declared) - written == set()


@pytest.mark.parametrize(
    ("source", "table"),
    [("fastf1", t) for t in declared_tables("fastf1")]
    + [("openf1", t) for t in declared_tables("openf1")],
)
def test_source_columns_equal_the_bronze_schema(source, table, tmp_path):
    declared = declared_tables(source)[table]
    written = parquet_columns(python_schema(source, table), tmp_path)
    assert not set(HIVE_COLUMNS) & {name for name, _ in written}
    assert differences(declared, written) == []


def test_a_drifted_column_is_named(tmp_path):
    """The comparison fails on a real drift, and says which column: a type changed in Python, a
    column added to the writer and one the yml still declares after the writer dropped it."""
    declared = declared_tables("openf1")["pit"]
    schema = bronze_schema("pit")
    drifted = schema.set(
        schema.get_field_index("lap_number"), pa.field("lap_number", pa.float64())
    ).append(pa.field("pit_lane_note", pa.string()))
    drifted = drifted.remove(drifted.get_field_index("stop_duration"))
    assert differences(declared, parquet_columns(drifted, tmp_path)) == [
        "lap_number: yml BIGINT, bronze DOUBLE",
        "stop_duration: yml DOUBLE, bronze missing",
        "pit_lane_note: yml missing, bronze VARCHAR",
    ]


def test_a_reordered_column_is_a_drift(tmp_path):
    declared = declared_tables("fastf1")["session_status"]
    schema = fastf1_tables.schema(fastf1_tables.SESSION_STATUS)
    reordered = pa.schema([schema.field(1), schema.field(0)])
    (found,) = differences(declared, parquet_columns(reordered, tmp_path))
    assert found.startswith("column order:")
