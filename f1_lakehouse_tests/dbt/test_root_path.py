"""Any root path works: a data root named like an ordinary macOS volume ("Driver's SSD", with a
quote, a space and an accent) lands a session bronze → silver → gold and exports it; the path
reaches DuckDB and dbt only as quoted data."""

from __future__ import annotations

import dagster as dg
import duckdb

from f1_lakehouse.dashboard.export import export_gold
from f1_lakehouse_tests.conftest import Pipeline, make_root

KEY = "2023-04-SQ"  # a recorded sprint shootout: 233 laps


def test_a_root_with_a_quote_a_space_and_an_accent_builds_and_exports(tmp_path):
    root = make_root(tmp_path / "Volumes" / "Driver's SSD é" / "f1; drop table x --")
    with dg.instance_for_test() as instance:
        result = Pipeline(root, instance).materialize(KEY)
    assert result.success
    with duckdb.connect(str(root.warehouse_file), read_only=True) as con:
        laps = con.execute("select count(*) from silver.silver_laps").fetchone()[0]
        gold = con.execute(
            "select count(*) from gold.fact_laps where session_id = ?", [KEY]
        ).fetchone()[0]
    assert laps == gold == 233
    generation = export_gold(root, wait_seconds=5.0)
    assert "Driver's SSD é" in str(generation.path)
    assert generation.rows and all(count >= 0 for count in generation.rows.values())
    assert sum(generation.rows.values()) > 0
