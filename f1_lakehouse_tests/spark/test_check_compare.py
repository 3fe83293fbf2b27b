"""The check's comparison finds a differing row either way, and reads Spark's hive folders.

Spark writes an incremental model partitioned by session_id: Parquet files under
`session_id=<key>/` folders without that column. The rows here are not F1 facts, only shapes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from f1_lakehouse.lib.spark.check import compare_model


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(
        "create table m as select * from (values ('2018-04-R', 1, 10.5), ('2018-04-R', 2, null),"
        " ('2023-04-Q', 1, 3.0)) as t(session_id, n, x)"
    )
    return connection


def _spark_files(con: duckdb.DuckDBPyConnection, folder: Path, rows_sql: str) -> str:
    con.execute(f"copy ({rows_sql}) to '{folder}' (format parquet, partition_by (session_id))")
    return str(folder)


def test_equal_tables_compare_equal(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    location = _spark_files(con, tmp_path / "same", "select n, x, session_id from m")
    assert compare_model(con, "m", location) == (3, 3, 0, 0)


def test_a_changed_value_differs_both_ways(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    location = _spark_files(
        con, tmp_path / "changed", "select n, coalesce(x, 0) as x, session_id from m"
    )
    assert compare_model(con, "m", location) == (3, 3, 1, 1)


def test_a_missing_duplicate_is_seen(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    con.execute("insert into m values ('2023-04-Q', 1, 3.0)")
    location = _spark_files(con, tmp_path / "dedup", "select distinct n, x, session_id from m")
    assert compare_model(con, "m", location) == (4, 3, 1, 0)


def test_no_spark_files_is_an_empty_table(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert compare_model(con, "m", str(tmp_path / "empty")) == (3, 0, 3, 0)
