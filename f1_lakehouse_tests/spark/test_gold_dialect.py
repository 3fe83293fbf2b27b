"""Gold runs on DuckDB and Spark from one text: no DuckDB-only SQL in the gold models or the
macros they use (the ratchet at zero for them), and the per-engine forms they need stay in
the cross-engine macros, one macro per file, each with a DuckDB and a Spark implementation."""

from __future__ import annotations

import re

import pytest

from f1_lakehouse.lib.dbt.project import DBT_PROJECT_DIR
from f1_lakehouse.lib.spark.dialect import CROSS_ENGINE_MACROS, scan_project

GOLD_FOLDERS = ["models/gold", "macros/gold", "macros/incremental", "macros/teams"]


@pytest.mark.parametrize("folder", GOLD_FOLDERS)
def test_gold_has_no_duckdb_only_sql(folder: str) -> None:
    assert (DBT_PROJECT_DIR / folder).is_dir()
    findings = scan_project(DBT_PROJECT_DIR, folder)
    assert not findings, "\n".join(str(f) for f in findings)


@pytest.mark.parametrize("name", ["string_agg_distinct_sorted", "utc_timestamp_text"])
def test_gold_cross_engine_macros_have_both_engines(name: str) -> None:
    text = (DBT_PROJECT_DIR / CROSS_ENGINE_MACROS / f"{name}.sql").read_text()
    defined = set(re.findall(r"{%\s*macro\s+(\w+)\(", text))
    assert defined == {name, f"default__{name}", f"spark__{name}"}
    assert f"adapter.dispatch('{name}')" in text
